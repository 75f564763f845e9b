package dev.iris.dsl.ide.contentassist;

import com.google.inject.Singleton;
import java.util.Optional;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.CompletionCapabilities;
import org.eclipse.lsp4j.CompletionItemCapabilities;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.TextDocumentClientCapabilities;
import org.eclipse.xtext.ide.server.ICapabilitiesContributor;

/**
 * Whether the language server's client takes completion snippets ({@code ${1:Name}}): learnt from
 * its {@code initialize} request, which the server hands to every language's capabilities
 * contributor. Clients that do not say so get plain text.
 */
@Singleton
public class ClientSnippets implements ICapabilitiesContributor {
    private volatile boolean supported;

    @Override
    public ServerCapabilities contribute(ServerCapabilities capabilities, InitializeParams params) {
        supported = Optional.ofNullable(params).map(InitializeParams::getCapabilities)
                .map(ClientCapabilities::getTextDocument).map(TextDocumentClientCapabilities::getCompletion)
                .map(CompletionCapabilities::getCompletionItem).map(CompletionItemCapabilities::getSnippetSupport)
                .orElse(false);
        return capabilities;
    }

    /** Whether the client said {@code completionItem.snippetSupport: true}. */
    public boolean supported() {
        return supported;
    }
}
