package dev.iris.ui.internal.editor;

import dev.iris.core.IrisModel;
import java.util.Optional;
import org.eclipse.jface.text.IRegion;
import org.eclipse.jface.text.ITextViewer;
import org.eclipse.jface.text.hyperlink.AbstractHyperlinkDetector;
import org.eclipse.jface.text.hyperlink.IHyperlink;

/** Ctrl+click on a name: a link to its declaration, in this file or another of the project. */
final class IrisHyperlinkDetector extends AbstractHyperlinkDetector {
    private final IrisEditor editor;

    IrisHyperlinkDetector(IrisEditor editor) {
        this.editor = editor;
    }

    @Override
    public IHyperlink[] detectHyperlinks(ITextViewer viewer, IRegion region, boolean canShowMultipleHyperlinks) {
        int offset = region.getOffset();
        IRegion[] link = {null};
        Optional<IrisModel.Target> target = editor.withModel(viewer.getDocument(), model -> {
            link[0] = IrisActions.wordAt(model.text(), offset);
            return model.declaration(offset);
        });
        if (target.isEmpty()) {
            return null;
        }
        IrisModel.Target t = target.get();
        return new IHyperlink[] {new IHyperlink() {
            @Override
            public IRegion getHyperlinkRegion() {
                return link[0];
            }

            @Override
            public String getTypeLabel() {
                return null;
            }

            @Override
            public String getHyperlinkText() {
                return "Open Declaration";
            }

            @Override
            public void open() {
                IrisActions.open(editor, t);
            }
        }};
    }
}
