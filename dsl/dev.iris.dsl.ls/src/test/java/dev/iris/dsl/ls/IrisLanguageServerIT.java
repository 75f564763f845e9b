package dev.iris.dsl.ls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionContext;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.CompletionCapabilities;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemCapabilities;
import org.eclipse.lsp4j.CompletionItemKind;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DocumentFormattingParams;
import org.eclipse.lsp4j.DocumentHighlightParams;
import org.eclipse.lsp4j.DocumentRangeFormattingParams;
import org.eclipse.lsp4j.DocumentSymbolCapabilities;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.FoldingRangeCapabilities;
import org.eclipse.lsp4j.FoldingRangeRequestParams;
import org.eclipse.lsp4j.FormattingOptions;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.InsertTextFormat;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PrepareRenameParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ReferenceContext;
import org.eclipse.lsp4j.ReferenceParams;
import org.eclipse.lsp4j.RenameCapabilities;
import org.eclipse.lsp4j.RenameParams;
import org.eclipse.lsp4j.SemanticTokensParams;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.SymbolKind;
import org.eclipse.lsp4j.TextDocumentClientCapabilities;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.WorkspaceFolder;
import org.eclipse.lsp4j.WorkspaceSymbolParams;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
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
        ToIntFunction<Position> offset = p -> {
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

    /** One server JVM started from the jar, initialized by a client with the given capabilities. */
    static final class Session implements AutoCloseable {
        final Client client = new Client();
        final java.lang.Process server;
        final Path log;
        final LanguageServer ls;
        final ServerCapabilities capabilities;

        Session(Path workspace, ClientCapabilities clientCapabilities) throws Exception {
            this(workspace, clientCapabilities, true);
        }

        /** With {@code rooted} false, the client names no root (no folder open), and starts the server in {@code workspace}. */
        Session(Path workspace, ClientCapabilities clientCapabilities, boolean rooted) throws Exception {
            Path jar = Path.of(System.getProperty("iris.ls.jar"));
            assertTrue(Files.isRegularFile(jar), "the build made " + jar);
            log = workspace.resolve("server.log");
            server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                    jar.toString()).directory(workspace.toFile()).redirectError(log.toFile()).start();
            Launcher<LanguageServer> launcher = LSPLauncher.createClientLauncher(client, server.getInputStream(),
                    server.getOutputStream());
            launcher.startListening();
            ls = launcher.getRemoteProxy();
            InitializeParams init = new InitializeParams();
            init.setCapabilities(clientCapabilities);
            init.setProcessId((int) ProcessHandle.current().pid());
            if (rooted) {
                init.setWorkspaceFolders(List.of(new WorkspaceFolder(workspace.toUri().toString(), "ws")));
                init.setRootUri(workspace.toUri().toString()); // Xtext's single-root workspace reads this
            }
            capabilities = ls.initialize(init).get(60, TimeUnit.SECONDS).getCapabilities();
            ls.initialized(new InitializedParams());
        }

        /** Opens a document and waits for its diagnostics. */
        PublishDiagnosticsParams open(String uri, String text) throws InterruptedException {
            ls.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "iris", 1, text)));
            PublishDiagnosticsParams published;
            do {
                published = client.diagnostics.poll(60, TimeUnit.SECONDS);
                assertNotNull(published, "diagnostics of " + uri + " within 60 s");
            } while (!published.getUri().equals(uri));
            return published;
        }

        /** What the server wrote to standard error, after it exited. */
        String stderr() throws Exception {
            ls.shutdown().get(30, TimeUnit.SECONDS);
            ls.exit();
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server exits after 'exit'");
            return Files.readString(log);
        }

        @Override
        public void close() {
            server.destroyForcibly();
        }
    }

    /** Capabilities like those of an editor: snippets or not, outline or flat symbols, rename with prepare. */
    private static ClientCapabilities editor(boolean snippetsAndOutline) {
        TextDocumentClientCapabilities text = new TextDocumentClientCapabilities();
        text.setCompletion(new CompletionCapabilities(new CompletionItemCapabilities(snippetsAndOutline)));
        DocumentSymbolCapabilities symbols = new DocumentSymbolCapabilities();
        symbols.setHierarchicalDocumentSymbolSupport(snippetsAndOutline);
        text.setDocumentSymbol(symbols);
        RenameCapabilities rename = new RenameCapabilities();
        rename.setPrepareSupport(true);
        text.setRename(rename);
        text.setFoldingRange(new FoldingRangeCapabilities());
        ClientCapabilities capabilities = new ClientCapabilities();
        capabilities.setTextDocument(text);
        return capabilities;
    }

    /** Standard error of a server that worked without a fault: nothing of the JDK's warnings, no errors, no file text. */
    private static void assertQuiet(String stderr) {
        assertFalse(stderr.contains("sun.misc.Unsafe"), stderr);
        assertFalse(stderr.contains("WARNING"), stderr);
        assertFalse(stderr.contains("Exception"), stderr);
        assertFalse(stderr.contains("message Ping"), "no document text in the log: " + stderr);
    }

    /** The message of the error a request failed with. */
    private static String refusal(CompletableFuture<?> request) {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> request.get(30, TimeUnit.SECONDS));
        ResponseErrorException error = assertInstanceOf(ResponseErrorException.class, failed.getCause());
        assertEquals(ResponseErrorCode.InvalidParams.getValue(), error.getResponseError().getCode());
        return error.getResponseError().getMessage();
    }

    private static CompletableFuture<WorkspaceEdit> rename(LanguageServer ls, String uri, Position at, String name) {
        return ls.getTextDocumentService().rename(new RenameParams(new TextDocumentIdentifier(uri), at, name));
    }

    @Test
    void anEditorSessionOverStdio(@TempDir Path workspace) throws Exception {
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

        try (Session session = new Session(workspace, editor(true))) {
            LanguageServer ls = session.ls;
            Client client = session.client;
            assertNotNull(session.capabilities.getCompletionProvider());
            assertNull(session.capabilities.getSignatureHelpProvider(), "no signature help: Iris has no signatures");
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

            // the quick fixes of the unresolved message (Ctrl+1 in Eclipse, code actions elsewhere)
            List<Either<Command, CodeAction>> unresolved = ls.getTextDocumentService().codeAction(new CodeActionParams(
                    new TextDocumentIdentifier(uri), diagnostic.getRange(), new CodeActionContext(List.of(diagnostic))))
                    .get(30, TimeUnit.SECONDS);
            CodeAction create = unresolved.stream().filter(Either::isRight).map(Either::getRight)
                    .filter(a -> a.getTitle().equals("Create message 'Missing'")).findFirst()
                    .orElseThrow(() -> new AssertionError("no Create action: " + unresolved + " for " + diagnostic));
            List<TextEdit> created = create.getEdit().getChanges().get(uri);
            assertEquals(1, created.size(), created::toString);
            assertTrue(created.get(0).getNewText().contains("message Missing { }"), created.get(0)::getNewText);

            // completion after "handles Ping,   " offers the messages
            var completion = ls.getTextDocumentService().completion(new CompletionParams(new TextDocumentIdentifier(uri),
                    new Position(7, 29))).get(30, TimeUnit.SECONDS);
            List<String> labels = completion.getRight().getItems().stream().map(CompletionItem::getLabel).toList();
            assertTrue(labels.contains("Pong"), labels::toString);
            // a name has the kind of what it names, as in the outline: a message is a Struct
            assertEquals(CompletionItemKind.Struct, completion.getRight().getItems().stream()
                    .filter(i -> i.getLabel().equals("Pong")).findFirst().orElseThrow().getKind());

            // a template of a whole declaration where one can start, as an LSP snippet of kind Snippet
            CompletionItem template = template(ls, uri);
            assertEquals(InsertTextFormat.Snippet, template.getInsertTextFormat());
            assertEquals(CompletionItemKind.Snippet, template.getKind());
            assertTrue(text(template).startsWith("message ${1:Name} {"), text(template));

            // semantic tokens: every name in the legend's type of what it names, where declared and where used
            List<String> legend = session.capabilities.getSemanticTokensProvider().getLegend().getTokenTypes();
            List<Integer> data = ls.getTextDocumentService().semanticTokensFull(new SemanticTokensParams(
                    new TextDocumentIdentifier(uri))).get(30, TimeUnit.SECONDS).getData();
            List<String> tokens = new ArrayList<>();
            for (int i = 0, line = 0, column = 0; i < data.size(); i += 5) {
                column = data.get(i) == 0 ? column + data.get(i + 1) : data.get(i + 1);
                line += data.get(i);
                String[] lines = TEXT.split("\n");
                tokens.add(lines[line].substring(column, column + data.get(i + 2)) + "@" + line + ":"
                        + legend.get(data.get(i + 3)));
            }
            assertTrue(tokens.containsAll(List.of("Ping@3:struct", "Pong@3:struct", "Pong@5:struct", "P@7:class",
                    "Ping@7:struct")), tokens::toString);

            // positions outside the document: clamped as LSP says, never an internal error
            TextDocumentIdentifier doc = new TextDocumentIdentifier(uri);
            for (Position outside : List.of(new Position(100, 0), new Position(3, 500), new Position(100, 100))) {
                ls.getTextDocumentService().hover(new HoverParams(doc, outside)).get(30, TimeUnit.SECONDS);
                ls.getTextDocumentService().completion(new CompletionParams(doc, outside)).get(30, TimeUnit.SECONDS);
                ls.getTextDocumentService().definition(new DefinitionParams(doc, outside)).get(30, TimeUnit.SECONDS);
                ls.getTextDocumentService().references(new ReferenceParams(doc, outside, new ReferenceContext(true)))
                        .get(30, TimeUnit.SECONDS);
                ls.getTextDocumentService().documentHighlight(new DocumentHighlightParams(doc, outside))
                        .get(30, TimeUnit.SECONDS);
                ls.getTextDocumentService().prepareRename(new PrepareRenameParams(doc, outside)).get(30, TimeUnit.SECONDS);
                ls.getTextDocumentService().codeAction(new CodeActionParams(doc, new Range(outside, outside),
                        new CodeActionContext(List.of()))).get(30, TimeUnit.SECONDS);
                ls.getTextDocumentService().rangeFormatting(new DocumentRangeFormattingParams(doc,
                        new FormattingOptions(4, true), new Range(new Position(0, 0), outside))).get(30, TimeUnit.SECONDS);
            }
            for (Position end : List.of(new Position(100, 0), new Position(7, 500))) {
                List<String> atEnd = ls.getTextDocumentService().completion(new CompletionParams(doc, end))
                        .get(30, TimeUnit.SECONDS).getRight().getItems().stream().map(CompletionItem::getLabel).toList();
                assertTrue(atEnd.contains("cluster"), () -> end + " is the end of its line or the document: " + atEnd);
            }

            // occurrences: the declaration of Ping and its use
            var highlights = ls.getTextDocumentService().documentHighlight(new DocumentHighlightParams(
                    new TextDocumentIdentifier(uri), new Position(3, 9))).get(30, TimeUnit.SECONDS);
            assertEquals(List.of(3, 7), highlights.stream().map(h -> h.getRange().getStart().getLine()).sorted().toList());

            // hover over "Ping" in the process shows the message's documentation
            var hover = ls.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(uri),
                    new Position(7, 23))).get(30, TimeUnit.SECONDS);
            assertNotNull(hover);
            assertTrue(hover.getContents().getRight().getValue().contains("Ask for the time."),
                    hover.getContents().toString());

            // go to definition, references, outline, rename
            var definition = ls.getTextDocumentService().definition(new DefinitionParams(
                    new TextDocumentIdentifier(uri), new Position(7, 23))).get(30, TimeUnit.SECONDS);
            assertEquals(3, definition.getLeft().get(0).getRange().getStart().getLine(), "Ping is declared on line 4");
            var references = ls.getTextDocumentService().references(new ReferenceParams(
                    new TextDocumentIdentifier(uri), new Position(3, 9), new ReferenceContext(true)))
                    .get(30, TimeUnit.SECONDS);
            assertEquals(List.of(3, 7), references.stream().map(l -> l.getRange().getStart().getLine()).sorted().toList(),
                    "the declaration of Ping and its use in P");
            var symbols = ls.getTextDocumentService().documentSymbol(new DocumentSymbolParams(
                    new TextDocumentIdentifier(uri))).get(30, TimeUnit.SECONDS);
            List<String> names = new ArrayList<>();
            for (var symbol : symbols) {
                names.add(symbol.isRight() ? symbol.getRight().getName() : symbol.getLeft().getName());
                if (symbol.isRight() && symbol.getRight().getChildren() != null) {
                    symbol.getRight().getChildren().forEach(c -> names.add(c.getName()));
                }
            }
            assertTrue(names.containsAll(List.of("demo", "Ping", "Pong", "P")), names::toString);

            // rename refuses names that would break the program, and says why
            Position ping = new Position(3, 9);
            assertTrue(refusal(rename(ls, uri, ping, "9lives")).contains("'9lives' is not a name"));
            assertTrue(refusal(rename(ls, uri, ping, "has space")).contains("'has space' is not a name"));
            assertTrue(refusal(rename(ls, uri, ping, "process")).contains("'process' is a keyword"));
            assertEquals("'Pong' is already the name of message demo.Pong", refusal(rename(ls, uri, ping, "Pong")));
            assertEquals("'P' is already the name of process demo.P", refusal(rename(ls, uri, ping, "P")));
            assertNotNull(ls.getTextDocumentService().prepareRename(new PrepareRenameParams(doc, ping))
                    .get(30, TimeUnit.SECONDS), "Ping can be renamed");
            WorkspaceEdit rename = rename(ls, uri, ping, "Ask").get(30, TimeUnit.SECONDS);
            List<TextEdit> renames = new ArrayList<>();
            if (rename.getChanges() != null) {
                rename.getChanges().values().forEach(renames::addAll);
            } else {
                rename.getDocumentChanges().forEach(c -> c.getLeft().getEdits().forEach(e -> renames.add(e.getLeft())));
            }
            String renamed = apply(TEXT, renames);
            assertTrue(renamed.contains("message Ask { } returns Pong") && renamed.contains("handles Ask,"), renamed);
            assertNotNull(rename(ls, uri, ping, "local").get(30, TimeUnit.SECONDS), "a word Iris allows as a name");

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
            var folds = ls.getTextDocumentService().foldingRange(new FoldingRangeRequestParams(
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
            var actions = ls.getTextDocumentService().codeAction(new CodeActionParams(
                    new TextDocumentIdentifier(fixUri), new Range(new Position(0, 0), new Position(6, 0)),
                    new CodeActionContext(published.getDiagnostics()))).get(30, TimeUnit.SECONDS);
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

            // workspace symbols: each of its kind, as in the outline
            Map<String, SymbolKind> kinds = new HashMap<>();
            var found = ls.getWorkspaceService().symbol(new WorkspaceSymbolParams("")).get(30, TimeUnit.SECONDS);
            if (found.isLeft()) {
                found.getLeft().forEach(s -> kinds.put(s.getName(), s.getKind()));
            } else {
                found.getRight().forEach(s -> kinds.put(s.getName(), s.getKind()));
            }
            assertEquals(Map.of("demo", SymbolKind.Module, "demo.Ping", SymbolKind.Struct, "demo.Pong.millis",
                    SymbolKind.Field, "demo.P", SymbolKind.Class, "fix.a", SymbolKind.Interface, "fix.c",
                    SymbolKind.Package, "fix.c.n", SymbolKind.Variable), Map.of("demo", kinds.get("demo"), "demo.Ping",
                    kinds.get("demo.Ping"), "demo.Pong.millis", kinds.get("demo.Pong.millis"), "demo.P",
                    kinds.get("demo.P"), "fix.a", kinds.get("fix.a"), "fix.c", kinds.get("fix.c"), "fix.c.n",
                    kinds.get("fix.c.n")), kinds::toString);

            assertQuiet(session.stderr());
        }
    }

    /** The client Neovim is by default: no snippets, flat document symbols. */
    @Test
    void aClientWithoutSnippets(@TempDir Path workspace) throws Exception {
        String uri = Files.writeString(workspace.resolve("demo.iris"), TEXT).toUri().toString();
        try (Session session = new Session(workspace, editor(false))) {
            session.open(uri, TEXT);
            CompletionItem template = template(session.ls, uri);
            assertEquals(CompletionItemKind.Snippet, template.getKind());
            assertTrue(template.getInsertTextFormat() == null || template.getInsertTextFormat() == InsertTextFormat.PlainText,
                    template::toString);
            assertEquals("message Name {\n    long field\n} returns Reply", text(template));

            Map<String, SymbolKind> kinds = new HashMap<>();
            session.ls.getTextDocumentService().documentSymbol(new DocumentSymbolParams(new TextDocumentIdentifier(uri)))
                    .get(30, TimeUnit.SECONDS).forEach(s -> kinds.put(s.isLeft() ? s.getLeft().getName() : s.getRight().getName(),
                            s.isLeft() ? s.getLeft().getKind() : s.getRight().getKind()));
            assertEquals(SymbolKind.Struct, kinds.get("Ping"), kinds::toString);
            assertEquals(SymbolKind.Class, kinds.get("P"), kinds::toString);
            assertQuiet(session.stderr());
        }
    }

    /** A client with no folder open sends no root (LSP allows it): the server works in its directory. */
    @Test
    void aClientWithoutARoot(@TempDir Path workspace) throws Exception {
        String uri = Files.writeString(workspace.resolve("demo.iris"), TEXT).toUri().toString();
        try (Session session = new Session(workspace, editor(false), false)) {
            PublishDiagnosticsParams published = session.open(uri, TEXT);
            assertTrue(published.getDiagnostics().stream().anyMatch(d -> d.getMessage().getLeft().contains("'Missing'")),
                    published::toString);
            assertEquals(SymbolKind.Struct, session.ls.getTextDocumentService()
                    .documentSymbol(new DocumentSymbolParams(new TextDocumentIdentifier(uri))).get(30, TimeUnit.SECONDS)
                    .stream().filter(e -> "Ping".equals(e.isLeft() ? e.getLeft().getName() : e.getRight().getName()))
                    .map(e -> e.isLeft() ? e.getLeft().getKind() : e.getRight().getKind()).findFirst().orElseThrow());
            assertQuiet(session.stderr());
        }
    }

    /** The template of a message, proposed where a declaration can start. */
    private static CompletionItem template(LanguageServer ls, String uri) throws Exception {
        var atTop = ls.getTextDocumentService().completion(new CompletionParams(new TextDocumentIdentifier(uri),
                new Position(1, 0))).get(30, TimeUnit.SECONDS).getRight().getItems();
        return atTop.stream().filter(i -> "message".equals(i.getLabel()) && i.getKind() != CompletionItemKind.Keyword)
                .findFirst().orElseThrow(() -> new AssertionError("no message template in " + atTop));
    }

    private static String text(CompletionItem item) {
        return item.getTextEdit() != null ? item.getTextEdit().getLeft().getNewText() : item.getInsertText();
    }
}
