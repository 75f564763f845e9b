package dev.iris.dsl.ide.server;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.emf.common.util.URI;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.RenameParams;
import org.eclipse.lsp4j.SemanticTokens;
import org.eclipse.lsp4j.SemanticTokensLegend;
import org.eclipse.lsp4j.SemanticTokensParams;
import org.eclipse.lsp4j.SemanticTokensWithRegistrationOptions;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.xtext.ide.editor.syntaxcoloring.ISemanticHighlightingCalculator;
import org.eclipse.xtext.ide.server.LanguageServerImpl;
import org.eclipse.xtext.ide.server.signatureHelp.ISignatureHelpService;
import org.eclipse.xtext.resource.IResourceServiceProvider;
import org.eclipse.xtext.util.CancelIndicator;

/**
 * Xtext's language server, advertising only what it answers: semantic tokens of the languages'
 * highlighting styles in a legend of LSP token types, and no signature help where no language has
 * any. A refused rename is answered with its reason and not logged as a server error.
 */
class IrisLanguageServerImpl extends LanguageServerImpl {
    @Override
    protected ServerCapabilities createServerCapabilities(InitializeParams params) {
        ServerCapabilities capabilities = super.createServerCapabilities(params);
        if (getLanguagesRegistry().getExtensionToFactoryMap().keySet().stream()
                .map(extension -> getLanguagesRegistry().getResourceServiceProvider(URI.createURI("synth:///file." + extension)))
                .allMatch(language -> language == null || signatureHelp(language) instanceof ISignatureHelpService.Noop)) {
            capabilities.setSignatureHelpProvider(null);
        }
        SemanticTokensWithRegistrationOptions tokens = new SemanticTokensWithRegistrationOptions(
                new SemanticTokensLegend(IrisSemanticTokens.LEGEND, List.of()));
        tokens.setFull(true);
        tokens.setRange(false);
        capabilities.setSemanticTokensProvider(tokens);
        return capabilities;
    }

    private static ISignatureHelpService signatureHelp(IResourceServiceProvider language) {
        return language.get(ISignatureHelpService.class);
    }

    @Override
    protected SemanticTokens semanticTokensFull(SemanticTokensParams params, CancelIndicator cancel) {
        URI uri = getURI(params.getTextDocument());
        ISemanticHighlightingCalculator calculator = getService(uri, ISemanticHighlightingCalculator.class);
        return getWorkspaceManager().doRead(uri, (document, resource) -> IrisSemanticTokens.encode(
                document.getContents(), calculator, resource, cancel));
    }

    @Override
    public CompletableFuture<WorkspaceEdit> rename(RenameParams params) {
        return getRequestManager().runRead(cancel -> {
            try {
                return CompletableFuture.completedFuture(rename(params, cancel));
            } catch (ResponseErrorException refused) {
                return CompletableFuture.<WorkspaceEdit>failedFuture(refused);
            }
        }).thenCompose(edit -> edit);
    }
}
