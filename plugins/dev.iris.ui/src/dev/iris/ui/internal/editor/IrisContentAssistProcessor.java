package dev.iris.ui.internal.editor;

import java.util.List;
import org.eclipse.jface.text.ITextViewer;
import org.eclipse.jface.text.contentassist.ICompletionProposal;
import org.eclipse.jface.text.contentassist.IContentAssistProcessor;
import org.eclipse.jface.text.contentassist.IContextInformation;
import org.eclipse.jface.text.contentassist.IContextInformationValidator;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistEntry;

/**
 * Content assist (Ctrl+Space): the keywords, names and templates the language's ide services
 * propose at the caret, computed off the UI thread on a parse of the current text.
 */
final class IrisContentAssistProcessor implements IContentAssistProcessor {
    private final IrisEditor editor;
    private volatile String error;

    IrisContentAssistProcessor(IrisEditor editor) {
        this.editor = editor;
    }

    @Override
    public ICompletionProposal[] computeCompletionProposals(ITextViewer viewer, int offset) {
        List<ContentAssistEntry> entries;
        try {
            entries = editor.withModel(viewer.getDocument(), model -> model.proposals(offset));
            error = null;
        } catch (RuntimeException e) {
            error = "No proposals: " + e;
            return new ICompletionProposal[0];
        }
        return entries.stream().map(e -> new IrisCompletionProposal(e, offset)).toArray(ICompletionProposal[]::new);
    }

    @Override
    public IContextInformation[] computeContextInformation(ITextViewer viewer, int offset) {
        return null;
    }

    @Override
    public char[] getCompletionProposalAutoActivationCharacters() {
        return new char[] {'.'};
    }

    @Override
    public char[] getContextInformationAutoActivationCharacters() {
        return null;
    }

    @Override
    public String getErrorMessage() {
        return error;
    }

    @Override
    public IContextInformationValidator getContextInformationValidator() {
        return null;
    }
}
