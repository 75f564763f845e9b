package dev.iris.ui.internal.editor;

import dev.iris.core.IrisModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IMarker;
import org.eclipse.jface.text.BadLocationException;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.Position;
import org.eclipse.jface.text.contentassist.ICompletionProposal;
import org.eclipse.jface.text.contentassist.IContextInformation;
import org.eclipse.jface.text.quickassist.IQuickAssistInvocationContext;
import org.eclipse.jface.text.quickassist.IQuickAssistProcessor;
import org.eclipse.jface.text.source.Annotation;
import org.eclipse.jface.text.source.IAnnotationModel;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.Point;
import org.eclipse.ui.texteditor.MarkerAnnotation;

/** Ctrl+1 in the Iris editor: the quick fixes of the Iris problems on the caret's line. */
final class IrisQuickAssistProcessor implements IQuickAssistProcessor {
    @Override
    public String getErrorMessage() {
        return null;
    }

    @Override
    public boolean canFix(Annotation annotation) {
        return annotation instanceof MarkerAnnotation m && new IrisMarkerResolutions().hasResolutions(m.getMarker());
    }

    @Override
    public boolean canAssist(IQuickAssistInvocationContext context) {
        return false;
    }

    @Override
    public ICompletionProposal[] computeQuickAssistProposals(IQuickAssistInvocationContext context) {
        IAnnotationModel model = context.getSourceViewer().getAnnotationModel();
        IDocument document = context.getSourceViewer().getDocument();
        List<ICompletionProposal> proposals = new ArrayList<>();
        try {
            int line = document.getLineOfOffset(context.getOffset());
            for (Iterator<Annotation> it = model.getAnnotationIterator(); it.hasNext();) {
                Annotation a = it.next();
                Position p = model.getPosition(a);
                if (!canFix(a) || p == null || document.getLineOfOffset(p.offset) != line) {
                    continue;
                }
                IMarker marker = ((MarkerAnnotation) a).getMarker();
                for (var fix : IrisMarkerResolutions.fixes((IFile) marker.getResource(), marker)) {
                    proposals.add(proposal(fix, (IFile) marker.getResource()));
                }
            }
        } catch (BadLocationException e) {
            return new ICompletionProposal[0];
        }
        return proposals.toArray(ICompletionProposal[]::new);
    }

    private static ICompletionProposal proposal(IrisModel.Fix fix, IFile file) {
        return new ICompletionProposal() {
            @Override
            public void apply(IDocument document) {
                IrisMarkerResolutions.apply(file, fix);
            }

            @Override
            public Point getSelection(IDocument document) {
                return null;
            }

            @Override
            public String getAdditionalProposalInfo() {
                return null;
            }

            @Override
            public String getDisplayString() {
                return fix.title();
            }

            @Override
            public Image getImage() {
                return null;
            }

            @Override
            public IContextInformation getContextInformation() {
                return null;
            }
        };
    }
}
