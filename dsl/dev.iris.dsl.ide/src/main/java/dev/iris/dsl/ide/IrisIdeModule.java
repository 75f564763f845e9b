package dev.iris.dsl.ide;

import dev.iris.dsl.ide.highlighting.IrisHighlighting;
import dev.iris.dsl.ide.quickfix.IrisCodeActions;
import org.eclipse.xtext.ide.editor.syntaxcoloring.ISemanticHighlightingCalculator;
import org.eclipse.xtext.ide.server.codeActions.ICodeActionService2;
import org.eclipse.xtext.ide.server.symbol.DocumentSymbolMapper.DocumentSymbolNameProvider;

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
    public Class<? extends org.eclipse.xtext.ide.editor.contentassist.IdeContentProposalProvider>
            bindIdeContentProposalProvider() {
        return dev.iris.dsl.ide.contentassist.IrisContentProposals.class;
    }

    /** Names to refer to, each once (not again by its qualified name). */
    public Class<? extends org.eclipse.xtext.ide.editor.contentassist.IdeCrossrefProposalProvider>
            bindIdeCrossrefProposalProvider() {
        return dev.iris.dsl.ide.contentassist.IrisCrossrefProposals.class;
    }

    /** Completion items for language-server clients: templates as snippets. */
    public Class<? extends org.eclipse.xtext.ide.server.contentassist.ContentAssistService>
            bindContentAssistService() {
        return dev.iris.dsl.ide.contentassist.IrisContentAssistService.class;
    }

    /** Outline kinds by declaration. */
    public Class<? extends org.eclipse.xtext.ide.server.symbol.DocumentSymbolMapper.DocumentSymbolKindProvider>
            bindDocumentSymbolKindProvider() {
        return IrisSymbolKinds.Kinds.class;
    }

    /** Outline details: the Iris word of each declaration. */
    public Class<? extends org.eclipse.xtext.ide.server.symbol.DocumentSymbolMapper.DocumentSymbolDetailsProvider>
            bindDocumentSymbolDetailsProvider() {
        return IrisSymbolKinds.Details.class;
    }

    /** Outline and symbol names as written in the file. */
    public Class<? extends DocumentSymbolNameProvider> bindDocumentSymbolNameProvider() {
        return IrisSymbolNames.class;
    }
}
