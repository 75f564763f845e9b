package dev.iris.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Inject;
import com.google.inject.Provider;
import dev.iris.dsl.generator.GeneratedNames;
import dev.iris.dsl.iris.Element;
import dev.iris.dsl.iris.IrisSystem;
import dev.iris.dsl.validation.IrisValidator;
import java.io.InputStream;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;
import org.eclipse.emf.common.util.URI;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.resource.ResourceSet;
import org.eclipse.xtext.EcoreUtil2;
import org.eclipse.xtext.generator.GeneratorContext;
import org.eclipse.xtext.generator.IFileSystemAccess;
import org.eclipse.xtext.generator.IGenerator2;
import org.eclipse.xtext.generator.InMemoryFileSystemAccess;
import org.eclipse.xtext.resource.XtextResourceSet;
import org.eclipse.xtext.testing.InjectWith;
import org.eclipse.xtext.testing.extensions.InjectionExtension;
import org.eclipse.xtext.testing.util.ParseHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator's output for the complete example, compiled with javax.tools together with
 * hand-written handler classes, and run on an in-JVM cluster.
 */
@ExtendWith(InjectionExtension.class)
@InjectWith(IrisInjectorProvider.class)
class IrisGeneratorTest {
    @Inject
    private ParseHelper<IrisSystem> parser;
    @Inject
    private IGenerator2 generator;
    @Inject
    private Provider<XtextResourceSet> resourceSets;

    /** What a user writes: handler classes extending the generated bases, and a driver for the test. */
    private static final Map<String, String> USER_CODE = Map.of(
            "demo/bank/Teller.java", """
                    package demo.bank;

                    public class Teller extends AbstractTeller {
                        @Override
                        protected Receipt onTransfer(Transfer t) {
                            if (t.cents() < 0) {
                                throw new IllegalArgumentException("negative amount " + t.cents());
                            }
                            Accounts a = accounts();
                            int from = Math.floorMod(t.from().hashCode(), Accounts.BALANCES_LENGTH);
                            int to = Math.floorMod(t.to().hashCode(), Accounts.BALANCES_LENGTH);
                            a.lock(0).lock();
                            try {
                                a.setBalances(0, from, a.getBalances(0, from) - t.cents());
                                a.setBalances(0, to, a.getBalances(0, to) + t.cents());
                            } finally {
                                a.lock(0).unlock();
                            }
                            a.getAndAddTransfers(0, 1);
                            a.setOwner(1, "bank".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                            ledger().lock().lock();
                            try {
                                ledger().setEntries(0, ledger().getEntries(0) + t.cents());
                            } finally {
                                ledger().lock().unlock();
                            }
                            return new Receipt(true, self().nodeNumber() + ": moved " + t.cents() + " from " + t.from(),
                                    new long[] {a.getBalances(0, to), a.getBalances(0, from)});
                        }
                    }
                    """,
            "demo/bank/Auditor.java", """
                    package demo.bank;

                    public class Auditor extends AbstractAuditor {
                        @Override
                        protected AuditReport onAudit(Audit audit) {
                            long sum = 0;
                            for (int i = 0; i < Accounts.BALANCES_LENGTH; i++) {
                                sum += accounts().getBalances(0, i);
                            }
                            String owner = new String(accounts().getOwner(1), java.nio.charset.StandardCharsets.UTF_8);
                            long wrong = (sum != 0 ? 1 : 0) + (accounts().getTransfers(0) != 4 ? 10 : 0)
                                    + (owner.startsWith("bank\0") ? 0 : 100);
                            return new AuditReport(4200 + wrong, new Transfer[] {new Transfer("a", "b", 1), null,
                                    new Transfer("c", null, 3)});
                        }
                    }
                    """,
            "demo/bank/Driver.java", """
                    package demo.bank;

                    import dev.iris.runtime.EmbeddedCluster;
                    import dev.iris.runtime.RemoteHandlerException;
                    import java.util.concurrent.CompletableFuture;
                    import java.util.concurrent.TimeUnit;

                    /** Starts cluster "local" in this JVM and runs a client on n2; returns what it saw. */
                    public class Driver {
                        public static String run() throws Exception {
                            try (EmbeddedCluster cluster = BankSystem.startEmbedded(BankSystem.LOCAL,
                                    new BankSystem.Handlers(Teller::new, Auditor::new))) {
                                CompletableFuture<String> result = new CompletableFuture<>();
                                cluster.node("n2").spawn("client", k -> {
                                    try {
                                        result.complete(client(k));
                                    } catch (Throwable t) {
                                        result.completeExceptionally(t);
                                    }
                                });
                                return result.get(30, TimeUnit.SECONDS);
                            }
                        }

                        /** A client that is not a process type of the system: it uses the kernel directly. */
                        static String client(dev.iris.runtime.Kernel k) throws Exception {
                                StringBuilder out = new StringBuilder();
                                // every teller handles a group send: four transfers, all done when this returns
                                var replies = k.sendGroup(BankSystem.TELLERS, new Transfer("alice", "bob", 250),
                                        dev.iris.runtime.ReplyMode.ALL, java.time.Duration.ofSeconds(10));
                                Receipt receipt = (Receipt) replies.replies().get(0).message();
                                long debited = receipt.balances()[1];
                                out.append(receipt.ok()).append(' ').append(receipt.reason().replaceAll("^-?\\\\d+: ", ""))
                                        .append(' ').append(debited < 0 && debited % 250 == 0).append('\\n');
                                Accounts accounts = new Accounts(k.memory());
                                out.append("alice=").append(accounts.getBalances(0,
                                        Math.floorMod("alice".hashCode(), Accounts.BALANCES_LENGTH))).append('\\n');
                                var members = k.members(BankSystem.TELLERS);
                                out.append("tellers=").append(members.size()).append('\\n');
                                Object failure = k.send(BankSystem.TELLERS, new Transfer("x", "y", -1),
                                        java.time.Duration.ofSeconds(10));
                                try {
                                    throw new RemoteHandlerException((dev.iris.runtime.HandlerFailure) failure);
                                } catch (RemoteHandlerException e) {
                                    out.append(e.getMessage().replaceAll(".*failed: ", "failed: ")).append('\\n');
                                }
                                var auditorGroup = BankSystem.AUDITORS(dev.iris.runtime.NodeId.of("n1"));
                                AuditReport report = (AuditReport) k.send(auditorGroup, new Audit(),
                                        java.time.Duration.ofSeconds(10));
                                out.append(report.total()).append(' ').append(report.recent().length).append(' ')
                                        .append(report.recent()[1]).append(' ').append(report.recent()[2].to());
                                return out.toString();
                        }
                    }
                    """);

    @Test
    void generatesCompilesAndRunsTheBankExample(@TempDir Path dir) throws Exception {
        String text;
        try (InputStream in = getClass().getResourceAsStream("bank.iris")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        IrisSystem system = parser.parse(text);
        InMemoryFileSystemAccess fsa = new InMemoryFileSystemAccess();
        generator.doGenerate(system.eResource(), fsa, new GeneratorContext());
        Map<String, CharSequence> generated = new TreeMap<>();
        fsa.getTextFiles().forEach((k, v) -> generated.put(k.substring(IFileSystemAccess.DEFAULT_OUTPUT.length()), v));
        assertEquals(List.of("demo/bank/AbstractAuditor.java", "demo/bank/AbstractTeller.java", "demo/bank/Accounts.java",
                "demo/bank/Audit.java", "demo/bank/AuditReport.java", "demo/bank/BankSystem.java",
                "demo/bank/Ledger.java", "demo/bank/Receipt.java", "demo/bank/Transfer.java"),
                List.copyOf(generated.keySet()));
        assertTrue(generated.get("demo/bank/Transfer.java").toString().contains("Move money between two accounts."));
        // the nonblocking auditor serves on the event loop (its first read of the accounts faults on a
        // page and moves it to its own thread), the teller on its own thread
        assertTrue(generated.get("demo/bank/AbstractAuditor.java").toString()
                .contains("kernel.serve(this::handle, Dispatch.EVENT_LOOP);"));
        assertTrue(generated.get("demo/bank/AbstractTeller.java").toString()
                .contains("kernel.serve(this::handle, Dispatch.PROCESS_THREAD);"));

        // generated code reads like code a person wrote: no import it does not use, blocks indented
        assertNoUnusedOrUnreservedImports(generated);
        assertTrue(generated.get("demo/bank/BankSystem.java").toString().contains("""
                                switch (placement.process()) {
                                    case "Teller" -> {
                                        if (handlers.teller() == null) {
                """), generated.get("demo/bank/BankSystem.java")::toString);

        List<Path> sources = new ArrayList<>();
        for (var e : generated.entrySet()) {
            sources.add(write(dir.resolve("src-gen"), e.getKey(), e.getValue().toString()));
        }
        for (var e : USER_CODE.entrySet()) {
            sources.add(write(dir.resolve("src"), e.getKey(), e.getValue()));
        }
        Path classes = compile(dir, sources);
        try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            String seen = (String) loader.loadClass("demo.bank.Driver").getMethod("run").invoke(null);
            assertEquals("""
                    true moved 250 from alice true
                    alice=-1000
                    tellers=4
                    failed: java.lang.IllegalArgumentException: negative amount -1
                    4200 3 null null""", seen);
        }
    }

    /**
     * A persistent cluster's generated memory keeps its shared objects in the nodes' data
     * directories: a second embedded run of the cluster from the same directories reads what the
     * first wrote.
     */
    @Test
    void aPersistentClusterKeepsItsSharedObjectsAcrossRuns(@TempDir Path dir) throws Exception {
        ResourceSet resources = resourceSets.get();
        IrisSystem system = parser.parse("""
                system app.p
                shared Total { long[4] values }
                cluster local { persistent node n1 at "127.0.0.1:7001" node n2 at "127.0.0.1:7002" }
                """, URI.createURI("p.iris"), resources);
        assertEquals(List.of(), system.eResource().getErrors(), "it parses");
        InMemoryFileSystemAccess fsa = new InMemoryFileSystemAccess();
        generator.doGenerate(system.eResource(), fsa, new GeneratorContext());
        List<Path> sources = new ArrayList<>();
        for (var e : fsa.getTextFiles().entrySet()) {
            sources.add(write(dir.resolve("src-gen"), e.getKey().substring(IFileSystemAccess.DEFAULT_OUTPUT.length()),
                    e.getValue().toString()));
        }
        sources.add(write(dir.resolve("src"), "app/p/Run.java", """
                package app.p;

                import dev.iris.runtime.EmbeddedCluster;
                import dev.iris.runtime.dsm.SharedMemory;
                import java.nio.file.Path;
                import java.util.List;

                public final class Run {
                    /** Adds {@code add} to the second value, from node n2, and returns what it was. */
                    public static long run(String data, long add) {
                        try (EmbeddedCluster cluster = EmbeddedCluster.start("local", List.of("n1", "n2"),
                                PSystem.codecs(), PSystem.memory(PSystem.LOCAL),
                                node -> node.withDataDirectory(Path.of(data, node.node())))) {
                            SharedMemory memory = cluster.node(1).memory();
                            long address = memory.region(Total.REGION).base() + 8;
                            return memory.getAndAdd(address, add);
                        }
                    }
                }
                """));
        Path classes = compile(dir, sources);
        try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            var run = loader.loadClass("app.p.Run").getMethod("run", String.class, long.class);
            String data = dir.resolve("data").toString();
            assertEquals(0L, run.invoke(null, data, 5L));
            assertEquals(5L, run.invoke(null, data, 7L), "the second run reads what the first wrote");
            assertTrue(Files.isRegularFile(dir.resolve("data/n2/pages.log")), "node n2 keeps a page log");
        }
    }

    /**
     * A system that imports another's message, group and shared object: its generated code names the
     * other system's classes, compiles without a warning, and runs on an embedded cluster.
     */
    @Test
    void aProcessMayUseWhatAnotherSystemDeclares(@TempDir Path dir) throws Exception {
        ResourceSet resources = resourceSets.get();
        IrisSystem a = parser.parse("""
                system hidden.a
                message Ask { long n } returns Told
                message Told { long n }
                group helpers = 9
                shared Tally { long[4] counts }
                local group desk
                """, URI.createURI("a.iris"), resources);
        IrisSystem b = parser.parse("""
                system app.b
                import hidden.a.*
                process Helper { joins helpers  handles Ask  uses Tally }
                cluster local { node n1 at "127.0.0.1:7001" runs Helper }
                """, URI.createURI("b.iris"), resources);
        assertEquals(List.of(), a.eResource().getErrors(), "a parses");
        assertEquals(List.of(), b.eResource().getErrors(), "b parses");
        EcoreUtil2.resolveAll(resources);
        Map<String, CharSequence> generated = new TreeMap<>();
        for (var resource : resources.getResources()) {
            InMemoryFileSystemAccess fsa = new InMemoryFileSystemAccess();
            generator.doGenerate(resource, fsa, new GeneratorContext());
            fsa.getTextFiles().forEach((k, v) -> generated.put(k.substring(IFileSystemAccess.DEFAULT_OUTPUT.length()), v));
        }
        String helper = generated.get("app/b/AbstractHelper.java").toString();
        assertTrue(helper.contains("kernel.join(hidden.a.ASystem.HELPERS);"), helper);

        List<Path> sources = new ArrayList<>();
        for (var e : generated.entrySet()) {
            sources.add(write(dir.resolve("src-gen"), e.getKey(), e.getValue().toString()));
        }
        sources.add(write(dir.resolve("src"), "app/b/Helper.java", """
                package app.b;

                import hidden.a.Ask;
                import hidden.a.Told;

                public class Helper extends AbstractHelper {
                    @Override
                    protected Told onAsk(Ask ask) {
                        long n = tally().getCounts((int) ask.n()) + 1;
                        tally().setCounts((int) ask.n(), n);
                        return new Told(n);
                    }
                }
                """));
        sources.add(write(dir.resolve("src"), "app/b/Run.java", """
                package app.b;

                import dev.iris.runtime.EmbeddedCluster;
                import hidden.a.ASystem;
                import hidden.a.Ask;
                import hidden.a.Told;
                import java.time.Duration;

                public final class Run {
                    public static String run() throws Exception {
                        try (EmbeddedCluster cluster = BSystem.startEmbedded(BSystem.LOCAL,
                                new BSystem.Handlers(Helper::new))) {
                            return cluster.nodes().get(0).call("asker", Duration.ofSeconds(30), k -> {
                                Told first = (Told) k.send(ASystem.HELPERS, new Ask(2), Duration.ofSeconds(10));
                                Told second = (Told) k.send(ASystem.HELPERS, new Ask(2), Duration.ofSeconds(10));
                                return first.n() + " " + second.n();
                            });
                        }
                    }
                }
                """));
        Path classes = compile(dir, sources);
        try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            assertEquals("1 2", loader.loadClass("app.b.Run").getMethod("run").invoke(null));

            // the Java names a rename follows exist in the generated code, for every kind of declaration
            List<String> named = new ArrayList<>();
            for (EObject declaration : List.<EObject>of(a.getElements().get(0), a.getElements().get(1),
                    a.getElements().get(2), a.getElements().get(3), a.getElements().get(4), b.getElements().get(0),
                    b.getElements().get(1))) {
                for (GeneratedNames.JavaName n : GeneratedNames.of(declaration, ((Element) declaration).getName())) {
                    Class<?> type = loader.loadClass(n.type());
                    switch (n.kind()) {
                        case TYPE -> assertEquals(n.simpleName(), type.getSimpleName());
                        case METHOD -> assertTrue(Arrays.stream(type.getDeclaredMethods())
                                .anyMatch(m -> m.getName().equals(n.member())), n::toString);
                        case FIELD -> assertEquals(n.member(), type.getDeclaredField(n.member()).getName());
                    }
                    named.add(n.kind() + " " + n.type() + (n.member() == null ? "" : "." + n.member()));
                }
            }
            assertEquals(List.of("TYPE hidden.a.Ask", "METHOD app.b.AbstractHelper.onAsk", "TYPE hidden.a.Told",
                    "FIELD hidden.a.ASystem.HELPERS", "TYPE hidden.a.Tally", "METHOD app.b.AbstractHelper.tally",
                    "METHOD hidden.a.ASystem.DESK", "TYPE app.b.AbstractHelper", "FIELD app.b.BSystem.LOCAL"), named);
        }
        // under a new name, the same elements in the same order
        assertEquals(List.of(new GeneratedNames.JavaName(GeneratedNames.Kind.TYPE, "hidden.a.Query", null),
                new GeneratedNames.JavaName(GeneratedNames.Kind.METHOD, "app.b.AbstractHelper", "onQuery")),
                GeneratedNames.of(a.getElements().get(0), "Query"));
        assertEquals(List.of(new GeneratedNames.JavaName(GeneratedNames.Kind.FIELD, "hidden.a.ASystem", "MY_HELPERS")),
                GeneratedNames.of(a.getElements().get(2), "myHelpers"));
    }

    /**
     * A message with a segment: the sender's helper takes the segment (and refuses one with another
     * access), the handler's base class moves data from and to it, and it runs on an embedded cluster.
     */
    @Test
    void aMessageWithASegmentIsSentWithOneAndItsHandlerMovesData(@TempDir Path dir) throws Exception {
        IrisSystem system = parser.parse("""
                system app.seg
                message Upper { long from } segment readwrite returns Done
                message Done { long length }
                message Fill { } segment write
                group shouters = 5
                process Shouter { joins shouters  handles Upper, Fill }
                process Client { }
                cluster local { node n1 at "127.0.0.1:7001" runs Shouter  node n2 at "127.0.0.1:7002" runs Client }
                """, URI.createURI("seg.iris"), resourceSets.get());
        assertEquals(List.of(), system.eResource().getErrors(), "it parses");
        InMemoryFileSystemAccess fsa = new InMemoryFileSystemAccess();
        generator.doGenerate(system.eResource(), fsa, new GeneratorContext());
        List<Path> sources = new ArrayList<>();
        for (var e : fsa.getTextFiles().entrySet()) {
            sources.add(write(dir.resolve("src-gen"), e.getKey().substring(IFileSystemAccess.DEFAULT_OUTPUT.length()),
                    e.getValue().toString()));
        }
        String client = fsa.getTextFiles().get(IFileSystemAccess.DEFAULT_OUTPUT + "app/seg/AbstractClient.java")
                .toString();
        assertTrue(client.contains("protected final Done call(ProcessId to, Upper message, Segment segment)"), client);
        assertFalse(client.contains("callAsync(ProcessId to, Upper message"), "no asynchronous send with a segment");
        sources.add(write(dir.resolve("src"), "app/seg/Shouter.java", """
                package app.seg;

                import java.nio.ByteBuffer;
                import java.nio.charset.StandardCharsets;
                import java.util.Locale;

                public class Shouter extends AbstractShouter {
                    @Override
                    protected Done onUpper(Upper upper) {
                        long length = segment().length();
                        ByteBuffer text = ByteBuffer.allocate((int) (length - upper.from()));
                        moveFrom(upper.from(), text);
                        String upperCase = new String(text.array(), StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
                        // V's ReplyWithSegment: the bytes go with the reply
                        replyWith(upper.from(), ByteBuffer.wrap(upperCase.getBytes(StandardCharsets.US_ASCII)));
                        return new Done(length);
                    }

                    @Override
                    protected void onFill(Fill fill) {
                        byte[] x = new byte[(int) segment().length()];
                        java.util.Arrays.fill(x, (byte) 'x');
                        moveTo(0, ByteBuffer.wrap(x));
                    }
                }
                """));
        sources.add(write(dir.resolve("src"), "app/seg/Client.java", """
                package app.seg;

                import dev.iris.runtime.ProcessId;
                import dev.iris.runtime.Segment;
                import java.nio.ByteBuffer;
                import java.nio.charset.StandardCharsets;
                import java.time.Duration;
                import java.util.concurrent.CompletableFuture;

                public class Client extends AbstractClient {
                    final CompletableFuture<String> result = new CompletableFuture<>();

                    @Override
                    protected void onStart() throws Exception {
                        kernel().awaitMembers(SegSystem.SHOUTERS, 1, Duration.ofSeconds(10));
                        ProcessId shouter = kernel().members(SegSystem.SHOUTERS).iterator().next();
                        byte[] memory = "quiet words".getBytes(StandardCharsets.US_ASCII);
                        Done done = call(shouter, new Upper(6), Segment.of(ByteBuffer.wrap(memory),
                                Segment.Access.READ_WRITE));
                        String refused;
                        try {
                            call(shouter, new Upper(0), Segment.reading(memory));
                            refused = "nothing";
                        } catch (IllegalArgumentException e) {
                            refused = e.getMessage();
                        }
                        byte[] blank = new byte[3];
                        call(shouter, new Fill(), Segment.writing(blank));
                        result.complete(done.length() + " " + new String(memory, StandardCharsets.US_ASCII) + " / "
                                + refused + " / " + new String(blank, StandardCharsets.US_ASCII));
                    }
                }
                """));
        sources.add(write(dir.resolve("src"), "app/seg/Run.java", """
                package app.seg;

                import dev.iris.runtime.EmbeddedCluster;
                import java.util.concurrent.TimeUnit;

                public final class Run {
                    public static String run() throws Exception {
                        Client client = new Client();
                        EmbeddedCluster cluster = SegSystem.startEmbedded(SegSystem.LOCAL,
                                new SegSystem.Handlers(Shouter::new, () -> client));
                        try {
                            return client.result.get(30, TimeUnit.SECONDS);
                        } finally {
                            cluster.close();
                        }
                    }
                }
                """));
        Path classes = compile(dir, sources);
        try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            assertEquals("11 quiet WORDS / the message declares segment access READ_WRITE, not READ / xxx",
                    loader.loadClass("app.seg.Run").getMethod("run").invoke(null));
        }
    }

    /** What a user writes against the heap example: a process class, and a driver that builds trees. */
    private static final Map<String, String> TREE_CODE = Map.of(
            "demo/tree/Gardener.java", """
                    package demo.tree;

                    public class Gardener extends AbstractGardener {
                    }
                    """,
            "demo/tree/Driver.java", """
                    package demo.tree;

                    import dev.iris.runtime.EmbeddedCluster;
                    import dev.iris.runtime.dsm.SharedMemory;
                    import java.nio.charset.StandardCharsets;

                    /** Builds a tree on n1 through the generated classes and reads it back on n2. */
                    public final class Driver {
                        public static String run() throws Exception {
                            try (EmbeddedCluster cluster = TreeSystem.startEmbedded(TreeSystem.LOCAL,
                                    new TreeSystem.Handlers(Gardener::new))) {
                                SharedMemory m1 = cluster.node("n1").memory();
                                SharedMemory m2 = cluster.node("n2").memory();
                                StringBuilder out = new StringBuilder();

                                TreeNode root = TreeNode.allocate(m1, 2);
                                root.setKey(50);
                                root.setValue(0.5);
                                root.setRed(true);
                                root.setStamps(1, 7);
                                root.setTag("root".getBytes(StandardCharsets.US_ASCII));
                                root.getAndAddVisits(5);
                                TreeNode left = TreeNode.allocate(m1, 0);
                                left.setKey(20);
                                root.setLeft(left);
                                Leaf leaf = Leaf.allocate(m1, 3);
                                leaf.setCount(3);
                                for (int i = 0; i < 3; i++) {
                                    leaf.setValues(i, 10 + i);
                                }
                                root.setLeaves(1, leaf);
                                Roots roots = new Roots(m1);
                                roots.setRoot(1, root);
                                roots.setRecent(1, 2, left);
                                roots.getAndAddTrees(1, 1);
                                out.append(roots.compareAndSetRoot(0, null, left)).append(' ')
                                        .append(roots.compareAndSetRoot(0, null, root)).append('\\n');

                                Roots seen = new Roots(m2);
                                TreeNode r = seen.getRoot(1);
                                out.append(r.getKey()).append(' ').append(r.getValue()).append(' ').append(r.isRed())
                                        .append(' ').append(r.getVisits()).append(' ').append(r.getStamps(1)).append(' ')
                                        .append(new String(r.getTag(), StandardCharsets.US_ASCII).trim()).append('\\n');
                                out.append(r.getLeft().getKey()).append(' ').append(r.getRight()).append(' ')
                                        .append(r.length()).append(' ').append(r.getLeaves(0)).append(' ')
                                        .append(r.getLeaves(1).getCount()).append(' ').append(r.getLeaves(1).getValues(2))
                                        .append(' ').append(r.getLeaves(1).length()).append('\\n');
                                // the same object; handles are equal in one node's memory
                                out.append(r.address() == root.address() && !r.equals(root)).append(' ')
                                        .append(r.getLeft().equals(seen.getRecent(1, 2)))
                                        .append(' ').append(seen.getRoot(0).getKey()).append(' ').append(seen.getTrees(1))
                                        .append(' ').append(seen.getRecent(0, 0)).append('\\n');
                                // a reference changes only from what it was
                                out.append(r.compareAndSetLeft(null, r)).append(' ').append(r.compareAndSetLeft(left, null))
                                        .append(' ').append(root.getLeft()).append('\\n');

                                // a release-consistent heap: written under a lock, read under it
                                roots.lock().lock();
                                try {
                                    Entry first = Entry.allocate(m1, 5);
                                    first.setWriter(1);
                                    first.setText("hello".getBytes(StandardCharsets.US_ASCII));
                                    Entry second = Entry.allocate(m1, 0);
                                    second.setPrevious(first);
                                    roots.setLast(0, second);
                                } finally {
                                    roots.lock().unlock();
                                }
                                seen.lock().lock();
                                try {
                                    Entry last = seen.getLast(0);
                                    out.append(last.getText().length).append(' ').append(last.getPrevious().getWriter())
                                            .append(' ').append(new String(last.getPrevious().getText(),
                                                    StandardCharsets.US_ASCII)).append('\\n');
                                } finally {
                                    seen.lock().unlock();
                                }

                                // allocated by n1 on n2, which writes it on its own pages; n1 reads it
                                Leaf far = Leaf.allocateOn(m1, "n2", 2);
                                Leaf.at(m2, far.address()).setValues(1, 99);
                                out.append(far.getValues(1)).append(' ').append(far.length()).append('\\n');

                                // what is not there fails, naming it
                                out.append(TreeNode.at(m2, 0)).append(' ');
                                try {
                                    TreeNode.at(m2, leaf.address());
                                } catch (IllegalArgumentException e) {
                                    out.append("not a TreeNode");
                                }
                                try {
                                    r.getLeaves(2);
                                } catch (IndexOutOfBoundsException e) {
                                    out.append(", no leaf 2");
                                }
                                try {
                                    r.getStamps(2);
                                } catch (IndexOutOfBoundsException e) {
                                    out.append(", no stamp 2");
                                }
                                leaf.free();
                                try {
                                    r.getLeaves(1);
                                } catch (IllegalArgumentException e) {
                                    out.append(", leaf freed");
                                }
                                return out.toString();
                            }
                        }
                    }
                    """);

    /**
     * Heaps and heap object types: the generated classes compile without a warning, the system's
     * memory declares the heaps and the types, and objects allocated on one node of an embedded
     * cluster, linked to each other and to a shared object, read back on another through them.
     */
    @Test
    void heapObjectsAreAllocatedLinkedAndReadBackThroughTheGeneratedClasses(@TempDir Path dir) throws Exception {
        String text;
        try (InputStream in = getClass().getResourceAsStream("tree.iris")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        IrisSystem system = parser.parse(text, URI.createURI("tree.iris"), resourceSets.get());
        assertEquals(List.of(), system.eResource().getErrors(), "it parses");
        InMemoryFileSystemAccess fsa = new InMemoryFileSystemAccess();
        generator.doGenerate(system.eResource(), fsa, new GeneratorContext());
        Map<String, CharSequence> generated = new TreeMap<>();
        fsa.getTextFiles().forEach((k, v) -> generated.put(k.substring(IFileSystemAccess.DEFAULT_OUTPUT.length()), v));
        assertEquals(List.of("demo/tree/AbstractGardener.java", "demo/tree/Entry.java", "demo/tree/Leaf.java",
                "demo/tree/Roots.java", "demo/tree/TreeNode.java", "demo/tree/TreeSystem.java"),
                List.copyOf(generated.keySet()));
        assertNoUnusedOrUnreservedImports(generated);

        String treeNode = generated.get("demo/tree/TreeNode.java").toString();
        // key 0, value 8, red 16, visits 24, stamps 32, tag 48, left 56, right 64: 72 bytes; leaves are references
        assertTrue(treeNode.contains("public final class TreeNode extends HeapObject {"), treeNode);
        assertTrue(treeNode.contains(
                "public static final HeapType TYPE = new HeapType(\"TreeNode\", \"Index\", 72, List.of(56, 64), 8, true, false);"),
                treeNode);
        assertTrue(treeNode.contains("""
                    public TreeNode getLeft() {
                        return memory().heap().getReference(field(LEFT), address -> TreeNode.at(memory(), address));
                    }
                """), treeNode);
        assertTrue(treeNode.contains("""
                    public void setLeft(TreeNode value) {
                        memory().heap().setReference(field(LEFT), value == null ? 0 : value.address());
                    }
                """), treeNode);
        assertTrue(treeNode.contains("public boolean compareAndSetLeft(TreeNode expected, TreeNode value) {"), treeNode);
        assertTrue(treeNode.contains("public Leaf getLeaves(int index) {"), treeNode);
        assertTrue(treeNode.contains("""
                    public static TreeNode allocate(SharedMemory memory, int length) {
                        return memory.heap().allocate(TYPE, length, address -> new TreeNode(memory, address));
                    }
                """), treeNode);
        assertTrue(treeNode.contains("""
                    public static TreeNode allocateOn(SharedMemory memory, String node, int length) {
                        return memory.heap().allocate(TYPE, length, node, address -> new TreeNode(memory, address));
                    }
                """), treeNode);
        assertFalse(treeNode.contains("allocate(SharedMemory memory) {"), "an array part has a length");
        assertTrue(treeNode.contains("Leaves by slot, as many as the node was given."), "field documentation");
        String leaf = generated.get("demo/tree/Leaf.java").toString();
        assertTrue(leaf.contains("new HeapType(\"Leaf\", \"Index\", 8, List.of(), 8, false, true);"), leaf);
        String entry = generated.get("demo/tree/Entry.java").toString();
        assertTrue(entry.contains("new HeapType(\"Entry\", \"Journal\", 16, List.of(8), 1, false, false);"), entry);
        assertFalse(entry.contains("compareAndSet"), "a release-consistent heap has no compare-and-set");
        assertTrue(entry.contains("public static Entry allocate(SharedMemory memory, int length) {"), entry);
        String roots = generated.get("demo/tree/Roots.java").toString();
        // trees 0, root 8, recent 16..32, last 40: 48 bytes an instance
        assertTrue(roots.contains("""
                        return new MemoryConfig.Region(REGION, INSTANCES * SIZE, Consistency.SEQUENTIAL, null)
                                .withReferences(references());
                """), roots);
        assertTrue(roots.contains("public TreeNode getRecent(int instance, int index) {"), roots);
        assertTrue(roots.contains("public boolean compareAndSetRoot(int instance, TreeNode expected, TreeNode value) {"),
                roots);
        String systemClass = generated.get("demo/tree/TreeSystem.java").toString();
        assertTrue(systemClass.contains("""
                        return MemoryConfig.of(List.of(
                                        Roots.region(),
                                        MemoryConfig.Region.heap("Index", 1L * 1024 * 1024, Consistency.SEQUENTIAL),
                                        MemoryConfig.Region.heap("Journal", 288L * 1024, Consistency.RELEASE)))
                """), systemClass);
        assertTrue(systemClass.contains(".withHeapTypes(List.of(TreeNode.TYPE, Leaf.TYPE, Entry.TYPE));"), systemClass);

        List<Path> sources = new ArrayList<>();
        for (var e : generated.entrySet()) {
            sources.add(write(dir.resolve("src-gen"), e.getKey(), e.getValue().toString()));
        }
        for (var e : TREE_CODE.entrySet()) {
            sources.add(write(dir.resolve("src"), e.getKey(), e.getValue()));
        }
        Path classes = compile(dir, sources);
        try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            // every reference word of every instance is a root of the collector
            assertEquals(List.of(8L, 16L, 24L, 32L, 40L, 56L, 64L, 72L, 80L, 88L),
                    loader.loadClass("demo.tree.Roots").getMethod("references").invoke(null));
            var memory = (dev.iris.runtime.dsm.MemoryConfig) loader.loadClass("demo.tree.TreeSystem")
                    .getMethod("memory", loader.loadClass("demo.tree.TreeSystem$ClusterSpec"))
                    .invoke(null, loader.loadClass("demo.tree.TreeSystem").getField("LAB").get(null));
            assertEquals(List.of("TreeNode", "Leaf", "Entry"),
                    memory.heapTypes().stream().map(dev.iris.runtime.dsm.HeapType::name).toList());
            assertEquals(16384, memory.pageSize());
            memory.layout(); // the heaps are large enough for the lab's pages

            assertEquals("""
                    true false
                    50 0.5 true 5 7 root
                    20 null 2 null 3 12 3
                    true true 20 1 null
                    false true null
                    0 1 hello
                    99 2
                    null not a TreeNode, no leaf 2, no stamp 2, leaf freed""",
                    loader.loadClass("demo.tree.Driver").getMethod("run").invoke(null));

            // the Java name a rename of the object type follows exists
            for (GeneratedNames.JavaName n : GeneratedNames.of(system.getElements().get(2), "TreeNode")) {
                assertEquals(n.simpleName(), loader.loadClass(n.type()).getSimpleName());
            }
        }
    }

    /**
     * No generated file imports what it does not use, nor a name that the validator lets a
     * declaration have (a message, shared object or object type of that name would shadow it).
     */
    private static void assertNoUnusedOrUnreservedImports(Map<String, CharSequence> generated) {
        for (var e : generated.entrySet()) {
            String java = e.getValue().toString();
            for (String simpleName : java.lines().filter(l -> l.startsWith("import "))
                    .map(l -> l.substring(l.lastIndexOf('.') + 1, l.length() - 1)).toList()) {
                assertTrue(java.lines().filter(l -> !l.startsWith("import ")).anyMatch(
                        l -> l.matches(".*\\b" + simpleName + "\\b.*")), e.getKey() + " imports " + simpleName
                                + " and does not use it");
                assertTrue(IrisValidator.RESERVED_NAMES.contains(simpleName), e.getKey() + " imports " + simpleName
                        + ", which IrisValidator.RESERVED_NAMES lacks");
            }
        }
    }

    /** Compiles {@code sources} as a user's build does (every lint warning an error); returns the classes. */
    private static Path compile(Path dir, List<Path> sources) throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (var files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(null, files, diagnostics,
                    List.of("--release", "21", "-classpath", System.getProperty("java.class.path"), "-d",
                            classes.toString(), "-Xlint:all", "-Werror"),
                    null, files.getJavaFileObjectsFromPaths(sources)).call();
            assertTrue(ok, () -> diagnostics.getDiagnostics().toString());
        }
        return classes;
    }

    private static Path write(Path root, String relative, String content) throws Exception {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }
}
