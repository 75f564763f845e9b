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
        IrisModel model = editor.model(viewer.getDocument());
        int offset = region.getOffset();
        Optional<IrisModel.Target> target;
        synchronized (model) {
            target = model.declaration(offset);
        }
        if (target.isEmpty()) {
            return null;
        }
        IRegion link = IrisActions.wordAt(model.text(), offset);
        IrisModel.Target t = target.get();
        return new IHyperlink[] {new IHyperlink() {
            @Override
            public IRegion getHyperlinkRegion() {
                return link;
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
