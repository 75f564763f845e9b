package dev.iris.ui.internal.editor;

import dev.iris.core.IrisLanguage;
import dev.iris.core.IrisMarkers;
import dev.iris.core.IrisModel;
import java.util.List;
import org.eclipse.core.filebuffers.FileBuffers;
import org.eclipse.core.filebuffers.ITextFileBufferManager;
import org.eclipse.core.filebuffers.LocationKind;
import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IMarker;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IPath;
import org.eclipse.jface.text.BadLocationException;
import org.eclipse.ui.IMarkerResolution;
import org.eclipse.ui.IMarkerResolutionGenerator2;
import org.eclipse.xtext.util.CancelIndicator;

/**
 * Quick fixes for Iris problem markers (Problems view, ruler, Ctrl+1): the fixes the language's
 * code actions offer for the problem, found again in the file's current text by its code and
 * offset. A fix edits the file's document; if no editor has it open, the file is saved.
 */
public final class IrisMarkerResolutions implements IMarkerResolutionGenerator2 {
    @Override
    public boolean hasResolutions(IMarker marker) {
        return marker.getAttribute(IrisMarkers.CODE, null) != null && marker.getResource() instanceof IFile;
    }

    @Override
    public IMarkerResolution[] getResolutions(IMarker marker) {
        if (!hasResolutions(marker)) {
            return new IMarkerResolution[0];
        }
        IFile file = (IFile) marker.getResource();
        return fixes(file, marker).stream().map(fix -> new IMarkerResolution() {
            @Override
            public String getLabel() {
                return fix.title();
            }

            @Override
            public void run(IMarker m) {
                apply(file, fix);
            }
        }).toArray(IMarkerResolution[]::new);
    }

    /** The fixes of the problem {@code marker} marks, in the file's current text. */
    static List<IrisModel.Fix> fixes(IFile file, IMarker marker) {
        ITextFileBufferManager buffers = FileBuffers.getTextFileBufferManager();
        IPath path = file.getFullPath();
        try {
            buffers.connect(path, LocationKind.IFILE, null);
            try {
                String text = buffers.getTextFileBuffer(path, LocationKind.IFILE).getDocument().get();
                IrisModel model = IrisLanguage.get().parse(file, text);
                String code = marker.getAttribute(IrisMarkers.CODE, "");
                int offset = marker.getAttribute(IMarker.CHAR_START, -1);
                return model.problems(CancelIndicator.NullImpl).stream()
                        .filter(p -> code.equals(p.code()) && p.region().offset() == offset).findFirst()
                        .map(model::fixes).orElse(List.of());
            } finally {
                buffers.disconnect(path, LocationKind.IFILE, null);
            }
        } catch (CoreException e) {
            return List.of();
        }
    }

    /** Applies {@code fix} to the file's document, saving the file if no editor holds it. */
    static void apply(IFile file, IrisModel.Fix fix) {
        try {
            IrisActions.edit(file, fix.edits());
        } catch (CoreException | BadLocationException e) {
            throw new IllegalStateException("cannot apply '" + fix.title() + "' to " + file.getFullPath(), e);
        }
    }
}
