package dev.iris.ui.internal.editor;

import java.util.Optional;
import org.eclipse.jface.internal.text.html.BrowserInformationControl;
import org.eclipse.jface.internal.text.html.HTMLPrinter;
import org.eclipse.jface.internal.text.html.HTMLTextPresenter;
import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.jface.text.DefaultInformationControl;
import org.eclipse.jface.text.DefaultTextHover;
import org.eclipse.jface.text.IInformationControlCreator;
import org.eclipse.jface.text.IRegion;
import org.eclipse.jface.text.ITextHover;
import org.eclipse.jface.text.ITextHoverExtension;
import org.eclipse.jface.text.ITextViewer;
import org.eclipse.jface.text.source.Annotation;
import org.eclipse.jface.text.source.ISourceViewer;
import org.eclipse.ui.editors.text.EditorsUI;
import org.eclipse.ui.texteditor.MarkerAnnotation;

/**
 * Hover: the problem at the mouse (from its marker's annotation; occurrences and quick diff are not
 * problems), then the kind, name and documentation comment of the element named there, as an HTML
 * page shown by {@link #controls()}.
 */
final class IrisTextHover implements ITextHover, ITextHoverExtension {
    private final IrisEditor editor;
    private final DefaultTextHover problems;

    IrisTextHover(IrisEditor editor, ISourceViewer viewer) {
        this.editor = editor;
        this.problems = new DefaultTextHover(viewer) {
            @Override
            protected boolean isIncluded(Annotation annotation) {
                return annotation instanceof MarkerAnnotation;
            }
        };
    }

    @Override
    public String getHoverInfo(ITextViewer viewer, IRegion region) {
        String problem = problems.getHoverInfo(viewer, region);
        Optional<String> element = editor.withModel(viewer.getDocument(), model -> model.hover(region.getOffset()));
        StringBuilder html = new StringBuilder();
        if (problem != null && !problem.isBlank()) {
            html.append(escape(problem));
        }
        element.ifPresent(markdown -> html.append(html.isEmpty() ? "" : "<br><br>").append(toHtml(markdown)));
        if (html.isEmpty()) {
            return null;
        }
        HTMLPrinter.insertPageProlog(html, 0);
        HTMLPrinter.addPageEpilog(html);
        return html.toString();
    }

    @Override
    public IRegion getHoverRegion(ITextViewer viewer, int offset) {
        return problems.getHoverRegion(viewer, offset);
    }

    @Override
    public IInformationControlCreator getHoverControlCreator() {
        return controls();
    }

    /**
     * The controls that show the editor's HTML (hovers, proposal details, quick fix lists): a
     * browser where SWT has one, else the HTML converted to plain text.
     */
    static IInformationControlCreator controls() {
        String affordance = EditorsUI.getTooltipAffordanceString();
        return parent -> BrowserInformationControl.isAvailable(parent)
                ? new BrowserInformationControl(parent, JFaceResources.DIALOG_FONT, affordance)
                : new DefaultInformationControl(parent, affordance, new HTMLTextPresenter(true));
    }

    /** The little Markdown the hover service writes ({@code **bold**}, paragraphs) as HTML. */
    static String toHtml(String markdown) {
        return escape(markdown).replaceAll("\\*\\*(.+?)\\*\\*", "<b>$1</b>").replace("\n\n", "<br><br>");
    }

    private static String escape(String text) {
        return HTMLPrinter.convertToHTMLContent(text);
    }
}
