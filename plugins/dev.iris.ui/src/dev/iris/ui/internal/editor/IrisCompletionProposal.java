package dev.iris.ui.internal.editor;

import java.util.Locale;
import org.eclipse.jface.internal.text.html.HTMLPrinter;
import org.eclipse.jface.text.BadLocationException;
import org.eclipse.jface.text.DocumentEvent;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.ITextViewer;
import org.eclipse.jface.text.contentassist.ICompletionProposal;
import org.eclipse.jface.text.contentassist.ICompletionProposalExtension2;
import org.eclipse.jface.text.contentassist.IContextInformation;
import org.eclipse.jface.text.link.LinkedModeModel;
import org.eclipse.jface.text.link.LinkedModeUI;
import org.eclipse.jface.text.link.LinkedPosition;
import org.eclipse.jface.text.link.LinkedPositionGroup;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.Point;
import org.eclipse.ui.texteditor.link.EditorLinkedModeUI;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistEntry;
import org.eclipse.xtext.util.TextRegion;

/**
 * One proposal: replaces the word being typed by the entry's text. A template's parts to fill
 * in become linked positions (Tab moves to the next, Enter leaves at the template's cursor).
 */
final class IrisCompletionProposal implements ICompletionProposal, ICompletionProposalExtension2 {
    private final ContentAssistEntry entry;
    /** Where the word being typed starts: what the entry's offsets are relative to. */
    private final int start;
    private Point selection;

    IrisCompletionProposal(ContentAssistEntry entry, int offset) {
        this.entry = entry;
        this.start = offset - (entry.getPrefix() == null ? 0 : entry.getPrefix().length());
    }

    /** The text this proposal inserts. */
    String text() {
        return entry.getProposal();
    }

    @Override
    public void apply(ITextViewer viewer, char trigger, int stateMask, int offset) {
        IDocument document = viewer.getDocument();
        String text = entry.getProposal();
        try {
            document.replace(start, offset - start, text);
        } catch (BadLocationException e) {
            return;
        }
        int end = start + text.length();
        Integer escape = entry.getEscapePosition();
        int exit = escape == null ? end : Math.min(end, Math.max(start, escape));
        selection = new Point(exit, 0);
        if (entry.getEditPositions().isEmpty()) {
            return;
        }
        try {
            LinkedModeModel model = new LinkedModeModel();
            for (TextRegion region : entry.getEditPositions()) {
                LinkedPositionGroup group = new LinkedPositionGroup();
                group.addPosition(new LinkedPosition(document, region.getOffset(), region.getLength()));
                model.addGroup(group);
            }
            model.forceInstall();
            LinkedModeUI ui = new EditorLinkedModeUI(model, viewer);
            ui.setExitPosition(viewer, exit, 0, Integer.MAX_VALUE);
            ui.setCyclingMode(LinkedModeUI.CYCLE_WHEN_NO_PARENT);
            ui.enter();
            TextRegion first = entry.getEditPositions().get(0);
            selection = new Point(first.getOffset(), first.getLength());
        } catch (BadLocationException e) {
            // positions outside the inserted text: leave the caret at the exit
        }
    }

    @Override
    public void apply(IDocument document) {
        throw new UnsupportedOperationException("applied through the viewer");
    }

    @Override
    public Point getSelection(IDocument document) {
        return selection;
    }

    /** The entry's documentation, else a template's text, as HTML. */
    @Override
    public String getAdditionalProposalInfo() {
        String doc = entry.getDocumentation();
        if (doc != null) {
            return IrisTextHover.toHtml(doc);
        }
        return entry.getEditPositions().isEmpty() ? null
                : "<pre>" + HTMLPrinter.convertToHTMLContent(entry.getProposal()) + "</pre>";
    }

    @Override
    public String getDisplayString() {
        String label = entry.getLabel() == null ? entry.getProposal() : entry.getLabel();
        return entry.getDescription() == null ? label : label + " - " + entry.getDescription();
    }

    @Override
    public Image getImage() {
        return null;
    }

    @Override
    public IContextInformation getContextInformation() {
        return null;
    }

    @Override
    public void selected(ITextViewer viewer, boolean smartToggle) {
    }

    @Override
    public void unselected(ITextViewer viewer) {
    }

    @Override
    public boolean validate(IDocument document, int offset, DocumentEvent event) {
        if (offset < start) {
            return false;
        }
        try {
            String typed = document.get(start, offset - start).toLowerCase(Locale.ROOT);
            return entry.getProposal().toLowerCase(Locale.ROOT).startsWith(typed);
        } catch (BadLocationException e) {
            return false;
        }
    }
}
