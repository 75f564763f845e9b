package dev.iris.ui.internal.editor;

import dev.iris.core.IrisModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.eclipse.jface.text.BadLocationException;
import org.eclipse.jface.text.BadPositionCategoryException;
import org.eclipse.jface.text.DefaultPositionUpdater;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.IRegion;
import org.eclipse.jface.text.ITextPresentationListener;
import org.eclipse.jface.text.ITextViewerExtension4;
import org.eclipse.jface.text.Position;
import org.eclipse.jface.text.TextAttribute;
import org.eclipse.jface.text.TextPresentation;
import org.eclipse.jface.text.source.ISourceViewer;
import org.eclipse.swt.custom.StyleRange;

/**
 * Paints the semantic highlighting (names coloured by what they name) over the lexical colours.
 * The positions live in the document, so they follow edits until the next reconcile replaces
 * them. UI thread only.
 */
final class SemanticHighlighter implements ITextPresentationListener {
    private static final String CATEGORY = "dev.iris.ui.semantic";

    /** A position that carries its style. */
    private static final class Styled extends Position {
        final String style;

        Styled(int offset, int length, String style) {
            super(offset, length);
            this.style = style;
        }
    }

    private final ISourceViewer viewer;
    private final IrisColors colors;
    private IDocument document;
    private List<Styled> positions = List.of();

    SemanticHighlighter(ISourceViewer viewer, IrisColors colors) {
        this.viewer = viewer;
        this.colors = colors;
        if (viewer instanceof ITextViewerExtension4 v) {
            v.addTextPresentationListener(this);
        }
    }

    /** Replaces the highlighting; {@code document} must hold the text the highlights were computed from. */
    void update(IDocument document, List<IrisModel.Highlight> highlights) {
        if (this.document != document) {
            this.document = document;
            document.addPositionCategory(CATEGORY);
            document.addPositionUpdater(new DefaultPositionUpdater(CATEGORY));
        }
        try {
            for (Styled p : positions) {
                document.removePosition(CATEGORY, p);
            }
            List<Styled> added = new ArrayList<>();
            for (IrisModel.Highlight h : highlights) {
                Styled p = new Styled(h.region().offset(), h.region().length(), h.style());
                document.addPosition(CATEGORY, p);
                added.add(p);
            }
            positions = added;
        } catch (BadLocationException | BadPositionCategoryException e) {
            positions = List.of(); // the text changed under us: the next reconcile brings new ones
        }
        viewer.invalidateTextPresentation();
    }

    /** The positions as painted now (for tests): offset, length and style. */
    List<IrisModel.Highlight> current() {
        return positions.stream().filter(p -> !p.isDeleted())
                .map(p -> new IrisModel.Highlight(new IrisModel.Region(p.offset, p.length), p.style)).toList();
    }

    @Override
    public void applyTextPresentation(TextPresentation presentation) {
        IRegion extent = presentation.getExtent();
        int from = extent.getOffset();
        int to = from + extent.getLength();
        List<StyleRange> ranges = new ArrayList<>();
        for (Styled p : positions) {
            if (p.isDeleted() || p.offset + p.length <= from || p.offset >= to) {
                continue;
            }
            TextAttribute a = colors.attribute(p.style);
            if (a != null) {
                int start = Math.max(p.offset, from);
                int end = Math.min(p.offset + p.length, to);
                ranges.add(new StyleRange(start, end - start, a.getForeground(), null, a.getStyle()));
            }
        }
        ranges.sort(Comparator.comparingInt(r -> r.start));
        if (!ranges.isEmpty()) {
            presentation.mergeStyleRanges(ranges.toArray(StyleRange[]::new));
        }
    }
}
