package dev.iris.dsl.ide.contentassist;

import com.google.inject.Inject;
import dev.iris.dsl.services.IrisGrammarAccess;
import java.util.Set;
import org.eclipse.xtext.Keyword;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistContext;
import org.eclipse.xtext.ide.editor.contentassist.IIdeContentProposalAcceptor;
import org.eclipse.xtext.ide.editor.contentassist.IdeContentProposalProvider;

/** Xtext's proposals (keywords, cross references) plus a template where a declaration can start. */
public class IrisContentProposals extends IdeContentProposalProvider {
    @Inject
    private IrisGrammarAccess grammar;
    @Inject
    private IrisTemplates templates;

    @Override
    protected void _createProposals(Keyword keyword, ContentAssistContext context,
            IIdeContentProposalAcceptor acceptor) {
        super._createProposals(keyword, context, acceptor);
        if (Set.of(grammar.getMessageAccess().getMessageKeyword_0(), grammar.getGroupAccess().getGroupKeyword_1(),
                grammar.getSharedObjectAccess().getSharedKeyword_0(), grammar.getProcessAccess().getProcessKeyword_0(),
                grammar.getClusterAccess().getClusterKeyword_0(), grammar.getHeapAccess().getHeapKeyword_0(),
                grammar.getObjectTypeAccess().getObjectKeyword_0()).contains(keyword)) {
            templates.propose(keyword.getValue(), context, acceptor);
        }
    }
}
