package dev.iris.dsl.ide.quickfix;

import static org.eclipse.xtext.diagnostics.Diagnostic.LINKING_DIAGNOSTIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import dev.iris.dsl.ide.IrisIdeSetup;
import dev.iris.dsl.validation.IrisValidator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.emf.common.util.URI;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionContext;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.xtext.ide.server.Document;
import org.eclipse.xtext.ide.server.codeActions.ICodeActionService2;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.resource.XtextResourceSet;
import org.eclipse.xtext.util.CancelIndicator;
import org.eclipse.xtext.validation.CheckMode;
import org.eclipse.xtext.validation.IResourceValidator;
import org.eclipse.xtext.validation.Issue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Quick fixes in-process, the way the Eclipse editor and the language server call them. */
class IrisCodeActionsTest {
    private static final String URI_STRING = "test.iris";
    private static Injector injector;

    @BeforeAll
    static void setUp() {
        injector = new IrisIdeSetup().createInjectorAndDoEMFRegistration();
    }

    private static XtextResource load(String text) throws IOException {
        XtextResource resource = (XtextResource) injector.getInstance(XtextResourceSet.class)
                .createResource(URI.createURI(URI_STRING));
        resource.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), null);
        return resource;
    }

    private static List<Issue> errors(XtextResource resource) {
        return injector.getInstance(IResourceValidator.class).validate(resource, CheckMode.ALL, CancelIndicator.NullImpl)
                .stream().filter(i -> i.getSeverity() == org.eclipse.xtext.diagnostics.Severity.ERROR).toList();
    }

    /** The fixes of the one unresolved reference in {@code text}: each title and the text it gives. */
    private static Map<String, String> fixes(String text) throws IOException {
        return fixes(text, LINKING_DIAGNOSTIC);
    }

    /** The fixes of the one error with issue code {@code code} in {@code text}. */
    private static Map<String, String> fixes(String text, String code) throws IOException {
        XtextResource resource = load(text);
        List<Issue> unresolved = errors(resource).stream().filter(i -> code.equals(i.getCode())).toList();
        assertEquals(1, unresolved.size(), unresolved::toString);
        Issue issue = unresolved.get(0);
        Document document = new Document(1, text);
        Diagnostic diagnostic = new Diagnostic(new Range(document.getPosition(issue.getOffset()),
                document.getPosition(issue.getOffset() + issue.getLength())), issue.getMessage(), DiagnosticSeverity.Error,
                "iris", issue.getCode());
        diagnostic.setData(issue.getData());
        ICodeActionService2.Options options = new ICodeActionService2.Options();
        options.setDocument(document);
        options.setResource(resource);
        options.setCodeActionParams(new CodeActionParams(new TextDocumentIdentifier(URI_STRING), diagnostic.getRange(),
                new CodeActionContext(List.of(diagnostic))));
        Map<String, String> fixed = new LinkedHashMap<>();
        for (Either<?, CodeAction> action : injector.getInstance(ICodeActionService2.class).getCodeActions(options)) {
            List<TextEdit> edits = action.getRight().getEdit().getChanges().get(URI_STRING);
            assertEquals(1, edits.size());
            TextEdit edit = edits.get(0);
            fixed.put(action.getRight().getTitle(), text.substring(0, document.getOffSet(edit.getRange().getStart()))
                    + edit.getNewText() + text.substring(document.getOffSet(edit.getRange().getEnd())));
        }
        return fixed;
    }

    /** Each fix gives a program without errors. */
    private static void assertRepairs(Map<String, String> fixes) throws IOException {
        for (var fix : fixes.entrySet()) {
            List<Issue> left = errors(load(fix.getValue()));
            assertTrue(left.isEmpty(), () -> fix.getKey() + " leaves " + left + " in\n" + fix.getValue());
        }
    }

    @Test
    void anUnknownMessageIsChangedToTheNearestOrCreated() throws IOException {
        Map<String, String> fixes = fixes("""
                system s

                message Lookup { }

                message Register { }

                process P {
                    handles Register, Lokup
                }
                """);
        assertEquals(List.of("Change to 'Lookup'", "Create message 'Lokup'"), List.copyOf(fixes.keySet()));
        assertTrue(fixes.get("Change to 'Lookup'").contains("handles Register, Lookup\n"), fixes::toString);
        assertEquals("""
                system s

                message Lookup { }

                message Register { }

                message Lokup { }

                process P {
                    handles Register, Lokup
                }
                """, fixes.get("Create message 'Lokup'"));
        assertRepairs(fixes);
    }

    @Test
    void anUnknownGroupOffersTheNearestGroupsOnly() throws IOException {
        Map<String, String> fixes = fixes("""
                system s

                group tellers

                group sellers

                group auditors

                process P {
                    joins tellrs
                }
                """);
        assertEquals(List.of("Change to 'tellers'", "Change to 'sellers'", "Create group 'tellrs'"),
                List.copyOf(fixes.keySet()));
        assertTrue(fixes.get("Create group 'tellrs'").contains("group auditors\n\ngroup tellrs\n\nprocess"),
                fixes::toString);
        assertRepairs(fixes);
    }

    @Test
    void anUnknownProcessInACluster() throws IOException {
        Map<String, String> fixes = fixes("""
                system s

                message Ping { }

                process Pinger {
                    handles Ping
                }

                cluster local {
                    node n1 at "127.0.0.1:7101" runs Pingr
                }
                """);
        assertEquals(List.of("Change to 'Pinger'", "Create process 'Pingr'"), List.copyOf(fixes.keySet()));
        assertTrue(fixes.get("Create process 'Pingr'").contains("}\n\nprocess Pingr { }\n\ncluster"), fixes::toString);
        assertRepairs(fixes);
    }

    @Test
    void noNameIsOfferedThatIsFarFromTheWrittenOne() throws IOException {
        Map<String, String> fixes = fixes("""
                system s

                shared Accounts { long[8] balances }

                process P {
                    uses Ledger
                }
                """);
        assertEquals(List.of("Create shared object 'Ledger'"), List.copyOf(fixes.keySet()));
        assertRepairs(fixes);
    }

    @Test
    void anUnknownObjectTypeOrHeapIsChangedToTheNearestOrCreated() throws IOException {
        Map<String, String> fixes = fixes("""
                system s

                heap Index size 1 MiB

                object TreeNode in Index { long key }

                shared Roots {
                    TreNode root
                }
                """);
        assertEquals(List.of("Change to 'TreeNode'", "Create object type 'TreNode'"), List.copyOf(fixes.keySet()));
        assertTrue(fixes.get("Create object type 'TreNode'").contains(
                "object TreeNode in Index { long key }\n\nobject TreNode in Index { }\n\nshared"), fixes::toString);
        assertRepairs(fixes);

        fixes = fixes("""
                system s

                heap Index size 1 MiB

                object TreeNode in Indx { long key }
                """);
        assertEquals(List.of("Change to 'Index'", "Create heap 'Indx'"), List.copyOf(fixes.keySet()));
        assertTrue(fixes.get("Create heap 'Indx'").contains("heap Index size 1 MiB\n\nheap Indx size 1 MiB\n\nobject"),
                fixes::toString);
        assertRepairs(fixes);
    }

    @Test
    void aHeapTooSmallForItsClusterGetsTheLeastSize() throws IOException {
        Map<String, String> fixes = fixes("""
                system s

                heap Index size 100 KiB

                cluster lab {
                    page size 8192
                    node n1 at "h:1"
                }
                """, IrisValidator.HEAP_SIZE);
        assertEquals(List.of("Change the heap size to 136 KiB"), List.copyOf(fixes.keySet()));
        assertTrue(fixes.get("Change the heap size to 136 KiB").contains("heap Index size 136 KiB\n"), fixes::toString);
        assertRepairs(fixes);
    }
}
