package dev.iris.dsl.ls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DocumentFormattingParams;
import org.eclipse.lsp4j.FormattingOptions;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceFolder;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The language server jar the build produces, started as its own JVM and driven over stdio by
 * lsp4j's client, as an editor would.
 */
class IrisLanguageServerIT {
    private static final String TEXT = """
            system demo

            /** Ask for the time. */
            message Ping { } returns Pong

            message Pong { long millis }

            process P {  handles Ping,   Missing }
            """;

    /** Collects what the server publishes. */
    static final class Client implements LanguageClient {
        final BlockingQueue<PublishDiagnosticsParams> diagnostics = new LinkedBlockingQueue<>();

        @Override
        public void telemetryEvent(Object object) {
        }

        @Override
        public void publishDiagnostics(PublishDiagnosticsParams params) {
            diagnostics.add(params);
        }

        @Override
        public void showMessage(MessageParams params) {
        }

        @Override
        public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams params) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void logMessage(MessageParams message) {
        }
    }

    /** Applies LSP text edits (which never overlap) to a text. */
    private static String apply(String text, List<? extends TextEdit> edits) {
        List<String> lines = List.of(text.split("\n", -1));
        java.util.function.ToIntFunction<Position> offset = p -> {
            int o = 0;
            for (int i = 0; i < p.getLine(); i++) {
                o += lines.get(i).length() + 1;
            }
            return o + p.getCharacter();
        };
        StringBuilder out = new StringBuilder(text);
        edits.stream().sorted((a, b) -> offset.applyAsInt(b.getRange().getStart())
                - offset.applyAsInt(a.getRange().getStart())).forEach(e -> out.replace(
                        offset.applyAsInt(e.getRange().getStart()), offset.applyAsInt(e.getRange().getEnd()),
                        e.getNewText()));
        return out.toString();
    }

    @Test
    void anEditorSessionOverStdio(@TempDir Path workspace) throws Exception {
        Path jar = Path.of(System.getProperty("iris.ls.jar"));
        assertTrue(Files.isRegularFile(jar), "the build made " + jar);
        Path file = Files.writeString(workspace.resolve("demo.iris"), TEXT);
        String uri = file.toUri().toString();
        String fixable = """
                system fix
                group a = 3
                group b = 3
                message M { long[8] xs }
                process P[0] { handles M }
                cluster c { page size 3000 node n at "h:1" runs P }
                """;
        Files.writeString(workspace.resolve("fix.iris"), fixable); // in the workspace before the server indexes it

        java.lang.Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()).redirectError(workspace.resolve("server.log").toFile()).start();
        try {
            Client client = new Client();
            Launcher<LanguageServer> launcher = LSPLauncher.createClientLauncher(client, server.getInputStream(),
                    server.getOutputStream());
            launcher.startListening();
            LanguageServer ls = launcher.getRemoteProxy();

            InitializeParams init = new InitializeParams();
            var capabilities = new org.eclipse.lsp4j.ClientCapabilities();
            var completionCapabilities = new org.eclipse.lsp4j.CompletionCapabilities(
                    new org.eclipse.lsp4j.CompletionItemCapabilities(true)); // snippets
            capabilities.setTextDocument(new org.eclipse.lsp4j.TextDocumentClientCapabilities());
            capabilities.getTextDocument().setCompletion(completionCapabilities);
            init.setCapabilities(capabilities);
            init.setProcessId((int) ProcessHandle.current().pid());
            init.setWorkspaceFolders(List.of(new WorkspaceFolder(workspace.toUri().toString(), "ws")));
            init.setRootUri(workspace.toUri().toString()); // Xtext's single-root workspace reads this
            assertNotNull(ls.initialize(init).get(60, TimeUnit.SECONDS).getCapabilities().getCompletionProvider());
            ls.initialized(new InitializedParams());
            ls.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "iris", 1, TEXT)));

            // diagnostics: the unresolved message, on its line (0-based 7)
            PublishDiagnosticsParams published;
            do {
                published = client.diagnostics.poll(60, TimeUnit.SECONDS);
                assertNotNull(published, "diagnostics within 60 s");
            } while (!published.getUri().equals(uri) || published.getDiagnostics().isEmpty());
            var diagnostic = published.getDiagnostics().get(0);
            assertEquals("Couldn't resolve reference to Message 'Missing'.", diagnostic.getMessage().getLeft());
            assertEquals(7, diagnostic.getRange().getStart().getLine());

            // completion after "handles Ping,   " offers the messages
            var completion = ls.getTextDocumentService().completion(new CompletionParams(new TextDocumentIdentifier(uri),
                    new Position(7, 29))).get(30, TimeUnit.SECONDS);
            List<String> labels = completion.getRight().getItems().stream().map(CompletionItem::getLabel).toList();
            assertTrue(labels.contains("Pong"), labels::toString);

            // a template of a whole declaration where one can start, as an LSP snippet
            var atTop = ls.getTextDocumentService().completion(new CompletionParams(new TextDocumentIdentifier(uri),
                    new Position(1, 0))).get(30, TimeUnit.SECONDS).getRight().getItems();
            CompletionItem template = atTop.stream().filter(i -> i.getInsertTextFormat()
                    == org.eclipse.lsp4j.InsertTextFormat.Snippet && "message".equals(i.getLabel())).findFirst()
                    .orElseThrow(() -> new AssertionError("no message template in " + atTop));
            String snippet = template.getTextEdit() != null ? template.getTextEdit().getLeft().getNewText()
                    : template.getInsertText();
            assertTrue(snippet.startsWith("message ${1:Name} {"), snippet);

            // occurrences: the declaration of Ping and its use
            var highlights = ls.getTextDocumentService().documentHighlight(new org.eclipse.lsp4j.DocumentHighlightParams(
                    new TextDocumentIdentifier(uri), new Position(3, 9))).get(30, TimeUnit.SECONDS);
            assertEquals(List.of(3, 7), highlights.stream().map(h -> h.getRange().getStart().getLine()).sorted().toList());

            // hover over "Ping" in the process shows the message's documentation
            var hover = ls.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(uri),
                    new Position(7, 23))).get(30, TimeUnit.SECONDS);
            assertNotNull(hover);
            assertTrue(hover.getContents().getRight().getValue().contains("Ask for the time."),
                    hover.getContents().toString());

            // go to definition, references, outline, rename
            var definition = ls.getTextDocumentService().definition(new org.eclipse.lsp4j.DefinitionParams(
                    new TextDocumentIdentifier(uri), new Position(7, 23))).get(30, TimeUnit.SECONDS);
            assertEquals(3, definition.getLeft().get(0).getRange().getStart().getLine(), "Ping is declared on line 4");
            var references = ls.getTextDocumentService().references(new org.eclipse.lsp4j.ReferenceParams(
                    new TextDocumentIdentifier(uri), new Position(3, 9), new org.eclipse.lsp4j.ReferenceContext(true)))
                    .get(30, TimeUnit.SECONDS);
            assertEquals(List.of(3, 7), references.stream().map(l -> l.getRange().getStart().getLine()).sorted().toList(),
                    "the declaration of Ping and its use in P");
            var symbols = ls.getTextDocumentService().documentSymbol(new org.eclipse.lsp4j.DocumentSymbolParams(
                    new TextDocumentIdentifier(uri))).get(30, TimeUnit.SECONDS);
            List<String> names = new java.util.ArrayList<>();
            for (var symbol : symbols) {
                names.add(symbol.isRight() ? symbol.getRight().getName() : symbol.getLeft().getName());
                if (symbol.isRight() && symbol.getRight().getChildren() != null) {
                    symbol.getRight().getChildren().forEach(c -> names.add(c.getName()));
                }
            }
            assertTrue(names.containsAll(List.of("demo", "Ping", "Pong", "P")), names::toString);
            var rename = ls.getTextDocumentService().rename(new org.eclipse.lsp4j.RenameParams(new TextDocumentIdentifier(uri),
                    new Position(3, 9), "Ask")).get(30, TimeUnit.SECONDS);
            List<TextEdit> renames = new java.util.ArrayList<>();
            if (rename.getChanges() != null) {
                rename.getChanges().values().forEach(renames::addAll);
            } else {
                rename.getDocumentChanges().forEach(c -> c.getLeft().getEdits().forEach(e -> renames.add(e.getLeft())));
            }
            String renamed = apply(TEXT, renames);
            assertTrue(renamed.contains("message Ask { } returns Pong") && renamed.contains("handles Ask,"), renamed);

            // formatting
            List<? extends TextEdit> edits = ls.getTextDocumentService().formatting(new DocumentFormattingParams(
                    new TextDocumentIdentifier(uri), new FormattingOptions(4, true))).get(30, TimeUnit.SECONDS);
            assertFalse(edits.isEmpty());
            assertEquals("""
                    system demo

                    /** Ask for the time. */
                    message Ping { } returns Pong

                    message Pong {
                        long millis
                    }

                    process P {
                        handles Ping, Missing
                    }
                    """, apply(TEXT, edits));

            // folding: the declarations that span lines, and the doc comment
            String foldUri = workspace.resolve("fold.iris").toUri().toString();
            ls.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(foldUri, "iris", 1, """
                    system fold
                    /**
                     * Ask for the time.
                     */
                    message Ping {
                        long at
                    }
                    process P {
                        handles Ping
                    }
                    """)));
            var folds = ls.getTextDocumentService().foldingRange(new org.eclipse.lsp4j.FoldingRangeRequestParams(
                    new TextDocumentIdentifier(foldUri))).get(30, TimeUnit.SECONDS);
            List<String> ranges = folds.stream().map(f -> f.getStartLine() + "-" + f.getEndLine()).sorted().toList();
            assertTrue(ranges.containsAll(List.of("1-3", "4-6", "7-9")), ranges::toString);

            // quick fixes for three issue codes

            String fixUri = workspace.resolve("fix.iris").toUri().toString();
            ls.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(fixUri, "iris", 1,
                    fixable)));
            PublishDiagnosticsParams last = null;
            do {
                published = client.diagnostics.poll(60, TimeUnit.SECONDS);
                PublishDiagnosticsParams seen = last;
                assertNotNull(published, () -> "4 diagnostics within 60 s, last: " + seen);
                last = published.getUri().equals(fixUri) ? published : last;
            } while (!published.getUri().equals(fixUri) || published.getDiagnostics().size() < 4);
            var actions = ls.getTextDocumentService().codeAction(new org.eclipse.lsp4j.CodeActionParams(
                    new TextDocumentIdentifier(fixUri), new org.eclipse.lsp4j.Range(new Position(0, 0), new Position(6, 0)),
                    new org.eclipse.lsp4j.CodeActionContext(published.getDiagnostics()))).get(30, TimeUnit.SECONDS);
            List<? extends TextEdit> fixes = actions.stream().map(a -> a.getRight().getEdit().getChanges().get(fixUri))
                    .flatMap(List::stream).toList();
            assertEquals(List.of("Change the well-known id to 4", "Remove the array size", "Change the count to 1",
                    "Change the page size to 2048"), actions.stream().map(a -> a.getRight().getTitle()).toList());
            assertEquals("""
                    system fix
                    group a = 3
                    group b = 4
                    message M { long[] xs }
                    process P[1] { handles M }
                    cluster c { page size 2048 node n at "h:1" runs P }
                    """, apply(fixable, fixes));

            ls.shutdown().get(30, TimeUnit.SECONDS);
            ls.exit();
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server exits after 'exit'");
        } finally {
            server.destroyForcibly();
        }
    }
}
