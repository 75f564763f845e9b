package dev.iris.dsl.ide;

import dev.iris.dsl.ide.contentassist.ClientSnippets;
import dev.iris.dsl.ide.contentassist.IrisContentAssistService;
import dev.iris.dsl.ide.contentassist.IrisContentProposals;
import dev.iris.dsl.ide.contentassist.IrisCrossrefProposals;
import dev.iris.dsl.ide.highlighting.IrisHighlighting;
import dev.iris.dsl.ide.quickfix.IrisCodeActions;
import dev.iris.dsl.ide.symbols.IrisSymbolKinds;
import org.eclipse.xtext.ide.editor.contentassist.IdeContentProposalProvider;
import org.eclipse.xtext.ide.editor.contentassist.IdeCrossrefProposalProvider;
import org.eclipse.xtext.ide.editor.syntaxcoloring.ISemanticHighlightingCalculator;
import org.eclipse.xtext.ide.server.ICapabilitiesContributor;
import org.eclipse.xtext.ide.server.codeActions.ICodeActionService2;
import org.eclipse.xtext.ide.server.contentassist.ContentAssistService;
import org.eclipse.xtext.ide.server.rename.IRenameService2;
import org.eclipse.xtext.ide.server.symbol.DocumentSymbolMapper.DocumentSymbolDetailsProvider;
import org.eclipse.xtext.ide.server.symbol.DocumentSymbolMapper.DocumentSymbolKindProvider;
import org.eclipse.xtext.ide.server.symbol.DocumentSymbolMapper.DocumentSymbolNameProvider;
import org.eclipse.xtext.ide.server.symbol.DocumentSymbolService;

/** The Guice bindings of the Iris ide services (editors and the language server), beyond Xtext's. */
public class IrisIdeModule extends AbstractIrisIdeModule {
    /** Quick fixes for Iris problems. */
    public Class<? extends ICodeActionService2> bindICodeActionService2() {
        return IrisCodeActions.class;
    }

    /** Names coloured by what they name, at declarations and references alike. */
    public Class<? extends ISemanticHighlightingCalculator> bindISemanticHighlightingCalculator() {
        return IrisHighlighting.class;
    }

    /** Keywords and cross references, and templates of whole declarations. */
    public Class<? extends IdeContentProposalProvider> bindIdeContentProposalProvider() {
        return IrisContentProposals.class;
    }

    /** Names to refer to, each once (not again by its qualified name). */
    public Class<? extends IdeCrossrefProposalProvider> bindIdeCrossrefProposalProvider() {
        return IrisCrossrefProposals.class;
    }

    /** Completion items for language-server clients: templates as snippets where the client takes them. */
    public Class<? extends ContentAssistService> bindContentAssistService() {
        return IrisContentAssistService.class;
    }

    /** Learns from the client's {@code initialize} whether it takes snippets. */
    public Class<? extends ICapabilitiesContributor> bindICapabilitiesContributor() {
        return ClientSnippets.class;
    }

    /** Rename that refuses names that would break the program. */
    public Class<? extends IRenameService2> bindIRenameService2() {
        return IrisRename.class;
    }

    /** Flat document symbols and workspace symbols with the kinds of the outline. */
    public Class<? extends DocumentSymbolService> bindDocumentSymbolService() {
        return IrisSymbolKinds.Symbols.class;
    }

    /** Outline kinds by declaration. */
    public Class<? extends DocumentSymbolKindProvider> bindDocumentSymbolKindProvider() {
        return IrisSymbolKinds.Kinds.class;
    }

    /** Outline details: the Iris word of each declaration. */
    public Class<? extends DocumentSymbolDetailsProvider> bindDocumentSymbolDetailsProvider() {
        return IrisSymbolKinds.Details.class;
    }

    /** Outline and symbol names as written in the file. */
    public Class<? extends DocumentSymbolNameProvider> bindDocumentSymbolNameProvider() {
        return IrisSymbolNames.class;
    }
}
