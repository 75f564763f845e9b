package dev.iris.ui.internal.editor;

import java.util.Optional;
import org.eclipse.jface.text.DefaultTextHover;
import org.eclipse.jface.text.IRegion;
import org.eclipse.jface.text.ITextHover;
import org.eclipse.jface.text.ITextViewer;
import org.eclipse.jface.text.source.ISourceViewer;

/**
 * Hover: the problems at the mouse (from the ruler's annotations), then the kind, name and
 * documentation comment of the element named there.
 */
final class IrisTextHover implements ITextHover {
    private final IrisEditor editor;
    private final DefaultTextHover annotations;

    IrisTextHover(IrisEditor editor, ISourceViewer viewer) {
        this.editor = editor;
        this.annotations = new DefaultTextHover(viewer);
    }

    @Override
    public String getHoverInfo(ITextViewer viewer, IRegion region) {
        String problems = annotations.getHoverInfo(viewer, region);
        Optional<String> element = editor.withModel(viewer.getDocument(), model -> model.hover(region.getOffset()));
        StringBuilder html = new StringBuilder();
        if (problems != null && !problems.isBlank()) {
            html.append(escape(problems)).append("<br><br>");
        }
        element.ifPresent(markdown -> html.append(toHtml(markdown)));
        return html.isEmpty() ? null : html.toString();
    }

    @Override
    public IRegion getHoverRegion(ITextViewer viewer, int offset) {
        return annotations.getHoverRegion(viewer, offset);
    }

    /** The little Markdown the hover service writes ({@code **bold**}, paragraphs) as HTML. */
    static String toHtml(String markdown) {
        return escape(markdown).replaceAll("\\*\\*(.+?)\\*\\*", "<b>$1</b>").replace("\n\n", "<br><br>");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
