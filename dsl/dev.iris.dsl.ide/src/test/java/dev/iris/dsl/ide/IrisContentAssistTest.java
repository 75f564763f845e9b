package dev.iris.dsl.ide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.emf.common.util.URI;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistContext;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistEntry;
import org.eclipse.xtext.ide.editor.contentassist.IdeContentProposalAcceptor;
import org.eclipse.xtext.ide.editor.contentassist.IdeContentProposalProvider;
import org.eclipse.xtext.ide.editor.contentassist.antlr.ContentAssistContextFactory;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.resource.XtextResourceSet;
import org.eclipse.xtext.util.TextRegion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Content assist in-process, the way the Eclipse editor calls it (no language server in between). */
class IrisContentAssistTest {
    private static Injector injector;
    private static ExecutorService pool;

    @BeforeAll
    static void setUp() {
        injector = new IrisIdeSetup().createInjectorAndDoEMFRegistration();
        pool = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void tearDown() {
        pool.shutdownNow();
    }

    /** The proposals at the {@code |} in {@code text}, filtered by the prefix typed before it. */
    private static List<String> proposals(String textWithCursor) throws Exception {
        int offset = textWithCursor.indexOf('|');
        String text = textWithCursor.replace("|", "");
        XtextResourceSet set = injector.getInstance(XtextResourceSet.class);
        XtextResource resource = (XtextResource) set.createResource(URI.createURI("test.iris"));
        resource.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), null);
        ContentAssistContextFactory factory = injector.getInstance(ContentAssistContextFactory.class);
        factory.setPool(pool);
        ContentAssistContext[] contexts = factory.create(text, new TextRegion(offset, 0), offset, resource);
        IdeContentProposalAcceptor acceptor = injector.getInstance(IdeContentProposalAcceptor.class);
        injector.getInstance(IdeContentProposalProvider.class).createProposals(Arrays.asList(contexts), acceptor);
        // like an editor: filter by the word being typed (the longest prefix of the contexts, which
        // are computed in parallel and come in any order)
        String prefix = Arrays.stream(contexts).map(ContentAssistContext::getPrefix)
                .max(java.util.Comparator.comparingInt(String::length)).orElse("");
        return java.util.stream.StreamSupport.stream(acceptor.getEntries().spliterator(), false)
                .map(ContentAssistEntry::getProposal)
                .filter(p -> p.startsWith(prefix)).distinct().sorted().toList();
    }

    @Test
    void declarationKeywordsAtTheTopLevel() throws Exception {
        List<String> keywords = proposals("system s\n|");
        for (String k : List.of("cluster", "group", "heap", "import", "local", "message", "object", "process", "shared")) {
            assertTrue(keywords.contains(k), () -> k + " in " + keywords);
        }
    }

    @Test
    void messagesAfterHandles() throws Exception {
        assertEquals(List.of("Lookup", "Register"), proposals("""
                system s
                message Register { }
                message Lookup { }
                group g
                process P { handles | }
                """).stream().filter(p -> Character.isUpperCase(p.charAt(0))).toList());
    }

    @Test
    void aNameVisibleUnqualifiedIsProposedOnce() throws Exception {
        List<String> all = proposals("""
                system s
                message Register { }
                process P { handles | }
                """);
        assertTrue(all.contains("Register"), all::toString);
        assertTrue(!all.contains("s.Register"), () -> "not again qualified: " + all);
    }

    @Test
    void processesAfterRunsFilteredByPrefix() throws Exception {
        assertEquals(List.of("Teller"), proposals("""
                system s
                process Teller { }
                process Auditor { }
                cluster c { node n at "h:1" runs Te| }
                """));
    }

    @Test
    void templatesOfWholeDeclarations() throws Exception {
        XtextResourceSet set = injector.getInstance(XtextResourceSet.class);
        String text = "system s\nme";
        XtextResource resource = (XtextResource) set.createResource(URI.createURI("t.iris"));
        resource.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), null);
        ContentAssistContextFactory factory = injector.getInstance(ContentAssistContextFactory.class);
        factory.setPool(pool);
        ContentAssistContext[] contexts = factory.create(text, new TextRegion(text.length(), 0), text.length(), resource);
        IdeContentProposalAcceptor acceptor = injector.getInstance(IdeContentProposalAcceptor.class);
        injector.getInstance(IdeContentProposalProvider.class).createProposals(Arrays.asList(contexts), acceptor);
        ContentAssistEntry template = java.util.stream.StreamSupport.stream(acceptor.getEntries().spliterator(), false)
                .filter(e -> !e.getEditPositions().isEmpty()).findFirst().orElseThrow();
        assertEquals("message Name {\n    long field\n} returns Reply", template.getProposal());
        assertEquals(4, template.getEditPositions().size(), "Name, the field's type and name, the reply");
        assertEquals("message", template.getLabel());
    }

    @Test
    void heapsAfterInAndObjectTypesAsFieldTypes() throws Exception {
        assertEquals(List.of("Index", "Scratch"), proposals("""
                system s
                heap Index size 1 MiB
                heap Scratch size 1 MiB
                message Ping { }
                object TreeNode in | { }
                """).stream().filter(p -> Character.isUpperCase(p.charAt(0))).toList());
        List<String> types = proposals("""
                system s
                heap Index size 1 MiB
                object TreeNode in Index { }
                object Leaf in Index { }
                shared Roots { Tr| }
                """);
        assertEquals(List.of("TreeNode"), types);
        // a field's type: object types in shared and heap objects, messages in messages
        String program = """
                system s
                heap Index size 1 MiB
                object TreeNode in Index { }
                message Ping { }
                %s
                """;
        assertEquals(List.of("TreeNode"), proposals(program.formatted("shared Roots { | }")).stream()
                .filter(p -> Character.isUpperCase(p.charAt(0))).toList());
        assertEquals(List.of("Leaf", "TreeNode"), proposals(program.formatted("object Leaf in Index { long key  | }"))
                .stream().filter(p -> Character.isUpperCase(p.charAt(0))).toList());
        assertEquals(List.of("Ping", "Pong"), proposals(program.formatted("message Pong { | }")).stream()
                .filter(p -> Character.isUpperCase(p.charAt(0))).toList());
        assertEquals(List.of("GiB", "KiB", "MiB"), proposals("""
                system s
                heap Index size 64 |
                """).stream().filter(p -> p.matches("[KMG]iB")).toList());
    }

    @Test
    void templatesOfHeapsAndObjectTypes() throws Exception {
        XtextResourceSet set = injector.getInstance(XtextResourceSet.class);
        String text = "system s\nob";
        XtextResource resource = (XtextResource) set.createResource(URI.createURI("t.iris"));
        resource.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), null);
        ContentAssistContextFactory factory = injector.getInstance(ContentAssistContextFactory.class);
        factory.setPool(pool);
        ContentAssistContext[] contexts = factory.create(text, new TextRegion(text.length(), 0), text.length(), resource);
        IdeContentProposalAcceptor acceptor = injector.getInstance(IdeContentProposalAcceptor.class);
        injector.getInstance(IdeContentProposalProvider.class).createProposals(Arrays.asList(contexts), acceptor);
        ContentAssistEntry template = java.util.stream.StreamSupport.stream(acceptor.getEntries().spliterator(), false)
                .filter(e -> !e.getEditPositions().isEmpty()).findFirst().orElseThrow();
        assertEquals("object Name in Heap {\n    long key\n    Name next\n}", template.getProposal());
        assertEquals("object", template.getLabel());
    }
}
