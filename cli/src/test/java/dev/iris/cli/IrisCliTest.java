package dev.iris.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.dsl.compiler.IrisCompiler;
import dev.iris.runtime.monitor.MonitorMessage;
import dev.iris.runtime.monitor.TraceFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command line in-process: what it prints and the status it exits with. */
@Timeout(120)
class IrisCliTest {
    private static final Path NAMES = Path.of("..", "examples", "names");

    /** What one invocation printed and returned; standard output includes the program's. */
    record Outcome(int status, String out, String err) {
    }

    private static Outcome iris(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.out;
        PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        try {
            int status = Iris.execute(args, capture, new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    /** A program without a main class: two process types that print on start, on a two-node cluster. */
    private static Path greeter(Path dir, String handlerBody) throws Exception {
        Files.createDirectories(dir.resolve("src/main/iris"));
        Files.writeString(dir.resolve("src/main/iris/greet.iris"), """
                system demo.greet

                message Hello { } returns Hello

                process Greeter {
                    handles Hello
                }

                cluster local {
                    node n1 at "127.0.0.1:7401" runs Greeter
                    node n2 at "127.0.0.1:7402" runs Greeter
                }
                """);
        Path java = dir.resolve("src/main/java/demo/greet/Greeter.java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, """
                package demo.greet;

                public class Greeter extends AbstractGreeter {
                    @Override
                    protected void onStart() {
                        %s
                    }

                    @Override
                    protected Hello onHello(Hello hello) {
                        return hello;
                    }
                }
                """.formatted(handlerBody));
        return dir;
    }

    @Test
    void runsAnExampleWithItsMainClassCompiledInProcess() {
        Outcome o = iris("run", NAMES.toString());
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("""
                registered with 4 name servers
                printer found: true
                scanner found: false"""), o.out());
    }

    /** Arguments after the program go to its main class. */
    @Test
    void argumentsAfterTheProgramGoToItsMainClass(@TempDir Path dir) throws Exception {
        Path program = greeter(dir, "");
        Path main = program.resolve("src/main/java/demo/greet/Main.java");
        Files.writeString(main, """
                package demo.greet;

                public class Main {
                    public static void main(String[] args) {
                        System.out.println("main got " + String.join("|", args));
                    }
                }
                """);
        Outcome o = iris("run", program.toString(), "durable", "two words");
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("main got durable|two words"), o.out());
    }

    /**
     * {@code iris test --simulate}: the program's main class runs once per seed in a simulation
     * (its cluster opened by the generated system); a seed that throws is reported with what the
     * program printed and how to run it again. This program fails on even seeds on purpose.
     */
    @Test
    void testRunsTheMainClassUnderEachSeedAndReportsTheFailingOnes(@TempDir Path dir) throws Exception {
        Path program = greeter(dir, "");
        Files.writeString(program.resolve("src/main/java/demo/greet/Main.java"), """
                package demo.greet;

                import dev.iris.runtime.launch.ClusterSession;

                public class Main {
                    public static void main(String[] args) throws Exception {
                        if (args[0].equals("early")) {
                            throw new IllegalArgumentException("planted before the cluster opens");
                        }
                        try (ClusterSession s = GreetSystem.open(GreetSystem.LOCAL, new GreetSystem.Handlers(Greeter::new))) {
                            String seed = ClusterSession.environment().get(ClusterSession.SIMULATE_ENV);
                            System.out.println("simulated: " + (s.simulated() != null) + " on " + s.nodes().size()
                                    + " nodes, seed " + seed);
                            if (Long.parseLong(seed) % 2 == 0) {
                                throw new IllegalStateException("planted: seed " + seed);
                            }
                        }
                    }
                }
                """);
        Outcome o = iris("test", program.toString(), "--simulate", "--seed", "1", "--runs", "2", "plain", "two words");
        assertEquals(1, o.status(), o.err());
        assertTrue(o.err().contains("iris: seed 1 passed"), o.err());
        assertTrue(o.err().contains("iris: seed 2 FAILED; what the program printed:\nsimulated: true on 2 nodes, seed 2"),
                o.err());
        assertTrue(o.err().contains("IllegalStateException: planted: seed 2"), o.err());
        // with the program's arguments, quoted where a shell needs it
        assertTrue(o.err().contains("iris: run it again with: iris test " + program
                + " --simulate --seed 2 -- plain 'two words'\n"), o.err());
        assertTrue(o.err().contains("iris: 1 of 2 seeds passed"), o.err());
        // the failing seed, run again with a recorder: the same run, for the IDE's debug views
        Path recording = program.resolve("target/iris-test/seed-2.iristrace");
        assertTrue(o.err().contains("iris: recorded seed 2 (") && o.err().contains(" records) into " + recording), o.err());
        assertFalse(Files.exists(program.resolve("target/iris-test/seed-1.iristrace")), "a passing seed is not recorded");
        Set<String> tables = new TreeSet<>();
        boolean states = false;
        for (MonitorMessage m : TraceFile.read(recording)) {
            tables.addAll(m instanceof MonitorMessage.Pages p ? List.of(p.node()) : List.of());
            states |= m instanceof MonitorMessage.State;
        }
        assertEquals(Set.of("n1", "n2"), tables, "a page table of each simulated node");
        assertTrue(states, "the nodes' states");
        // a seed that fails before any node starts leaves no empty recording behind
        Outcome early = iris("test", program.toString(), "--simulate", "--seed", "3", "--runs", "1", "early");
        assertEquals(1, early.status(), early.err());
        assertTrue(early.err().contains("iris: seed 3 failed before its nodes recorded anything: nothing to open in the "
                + "IDE"), early.err());
        assertFalse(Files.exists(program.resolve("target/iris-test/seed-3.iristrace")), "no empty recording");
        Outcome bank = iris("test", Path.of("..", "examples", "bank").toString(), "--simulate", "--runs", "2");
        assertEquals(0, bank.status(), bank.err());
        assertTrue(bank.err().contains("iris: 2 of 2 seeds passed"), bank.err());
    }

    /**
     * {@code iris test --simulate --faults}: the simulation injects faults drawn from the seed, prints
     * each, and a program that assumes every node stays up fails on a seed that kills one, with the
     * fault in its report and the command that replays it; without faults every seed passes, and a
     * fault that TCP connections do not have is refused.
     */
    @Test
    void testInjectsFaultsFromTheSeedAndReportsThemWithAFailure(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("src/main/iris"));
        Files.writeString(dir.resolve("src/main/iris/trio.iris"), """
                system demo.trio

                message Ping { } returns Ping

                process Peer {
                    handles Ping
                }

                cluster local {
                    node n1 at "127.0.0.1:7401" runs Peer
                    node n2 at "127.0.0.1:7402" runs Peer
                    node n3 at "127.0.0.1:7403" runs Peer
                }
                """);
        Path java = dir.resolve("src/main/java/demo/trio");
        Files.createDirectories(java);
        Files.writeString(java.resolve("Peer.java"), """
                package demo.trio;

                public class Peer extends AbstractPeer {
                    @Override
                    protected Ping onPing(Ping ping) {
                        return ping;
                    }
                }
                """);
        Files.writeString(java.resolve("Main.java"), """
                package demo.trio;

                import dev.iris.runtime.Node;
                import dev.iris.runtime.launch.ClusterSession;
                import java.time.Duration;

                /** Planted: it takes for granted that all three nodes stay up for 20 seconds. */
                public class Main {
                    public static void main(String[] args) throws Exception {
                        try (ClusterSession s = TrioSystem.open(TrioSystem.LOCAL, new TrioSystem.Handlers(Peer::new))) {
                            Node n1 = s.nodes().get(0);
                            for (int second = 0; second < 20; second++) {
                                n1.call("tick", Duration.ofSeconds(5), k -> k.receive(Duration.ofSeconds(1)));
                                if (n1.members().size() != 3) {
                                    throw new IllegalStateException("planted: a node is gone: " + n1.members());
                                }
                            }
                        }
                    }
                }
                """);
        Outcome calm = iris("test", dir.toString(), "--simulate", "--runs", "2");
        assertEquals(0, calm.status(), calm.err());
        assertTrue(calm.err().contains("iris: 2 of 2 seeds passed"), calm.err());
        Outcome slow = iris("test", dir.toString(), "--simulate", "--runs", "2", "--faults", "delay");
        assertEquals(0, slow.status(), slow.err());
        assertTrue(slow.err().matches("(?s).*iris: seed 1 passed through [1-9][0-9]* faults?\n.*"), slow.err());

        Outcome o = iris("test", dir.toString(), "--simulate", "--runs", "3", "--faults", "kill");
        assertEquals(1, o.status(), o.err());
        assertTrue(o.err().contains("iris: fault at ") && o.err().contains(": crashed n"), o.err());
        assertTrue(o.err().contains("IllegalStateException: planted: a node is gone"), o.err());
        assertTrue(o.err().contains("iris: run it again with: iris test " + dir + " --simulate --faults kill --seed "),
                o.err());

        // a failing seed's faults are shrunk to those it needs (a kill or a cut), into a plan that fails again
        Pattern shrunk = Pattern.compile("iris: seed (\\d+) still fails with 1 of its (\\d+) faults \\(\\d+ runs\\): "
                + "([0-9.]+s (?:kill n\\d|partition [n0-9,]+ for [0-9.]+s)); run that with: iris test "
                + Pattern.quote(dir.toString()) + " --simulate --seed \\1 --fault-plan '\\3'");
        Matcher found = null;
        for (int seed = 1; seed <= 6 && found == null; seed++) {
            Outcome many = iris("test", dir.toString(), "--simulate", "--seed", Integer.toString(seed), "--faults",
                    "kill,partition,delay");
            assertEquals(1, many.status(), many.err());
            Matcher m = shrunk.matcher(many.err());
            found = m.find() ? m : null;
        }
        assertTrue(found != null, "a seed of six with more faults than it needs");
        String seed = found.group(1);
        Outcome planned = iris("test", dir.toString(), "--simulate", "--seed", seed, "--fault-plan", found.group(3));
        assertEquals(1, planned.status(), planned.err());
        assertTrue(planned.err().contains("IllegalStateException: planted: a node is gone")
                && planned.err().contains("iris: seed " + seed + " needs its fault to fail (it passes without it)"),
                planned.err());
        Outcome bad = iris("test", dir.toString(), "--simulate", "--fault-plan", "4s explode n2");
        assertEquals(2, bad.status(), bad.err());
        assertTrue(bad.err().contains("iris: --fault-plan: '4s explode n2' is not a fault"), bad.err());

        Outcome drop = iris("test", dir.toString(), "--simulate", "--faults", "kill,drop");
        assertEquals(2, drop.status(), drop.err());
        assertTrue(drop.err().contains("'drop' is not a fault of Iris's connections"), drop.err());
    }

    /**
     * {@code --record}: the bank example's run, recorded, holds every node's page table before its
     * events, the transfers' memory events (pages moving to several nodes), and the tellers group
     * with a member on every node. (Events of one node are in the file in the order its threads
     * wrote them; replay orders them by their Lamport clocks.)
     */
    @Test
    void recordsARunForTheDebugViews(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("bank.iristrace");
        Outcome o = iris("run", Path.of("..", "examples", "bank").toString(), "--record", trace.toString());
        assertEquals(0, o.status(), o.err());
        assertTrue(o.err().contains("recorded ") && o.err().contains(trace.toString()), o.err());
        List<MonitorMessage> messages = TraceFile.read(trace);
        java.util.Set<String> tables = new java.util.TreeSet<>();
        java.util.Set<String> gainers = new java.util.TreeSet<>();
        long events = 0;
        long transfers = 0;
        boolean tellersEverywhere = false;
        for (MonitorMessage m : messages) {
            switch (m) {
                case MonitorMessage.Pages p -> tables.add(p.node());
                case MonitorMessage.Memory e -> {
                    events++;
                    assertTrue(tables.contains(e.node()), "an event of " + e.node() + " before its page table");
                    if (e.event().kind() == dev.iris.runtime.dsm.MemoryEvent.Kind.OWNERSHIP_GAINED) {
                        gainers.add(e.node());
                    }
                }
                case MonitorMessage.Message e -> {
                    if (e.event().kind() == dev.iris.runtime.MessageEvent.Kind.RECEIVE
                            && e.event().message().equals("Transfer")) {
                        transfers++;
                    }
                }
                case MonitorMessage.State s -> tellersEverywhere |= s.groups().getOrDefault(
                        dev.iris.runtime.ProcessId.wellKnownGroup(2), java.util.Set.of()).stream()
                        .map(dev.iris.runtime.ProcessId::nodeNumber).distinct().count() == 3;
                case MonitorMessage.Leaving l -> { } // a node's monitor says so as it closes; a recording may end first
                case MonitorMessage.Durable d -> { } // the bank's clusters are not persistent
                case MonitorMessage.Heap h -> { } // the bank has no heap
            }
        }
        assertEquals(java.util.Set.of("n1", "n2", "n3"), tables);
        assertTrue(events > 100, events + " memory events");
        assertTrue(gainers.size() >= 2, "pages moved to several nodes: " + gainers);
        assertTrue(transfers >= 100, transfers + " transfers received by tellers");
        assertTrue(tellersEverywhere, "a state with a teller on each node");
    }

    @Test
    void runsTheProcessesOfAClusterWithNodePrefixedOutputUntilStopped(@TempDir Path dir) throws Exception {
        Path program = greeter(dir, "System.out.println(\"hello from \" + kernel().node());");
        AtomicInteger status = new AtomicInteger(-1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.out;
        PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        try {
            Thread run = Thread.ofPlatform().start(() -> status.set(Iris.execute(
                    new String[] {"run", program.toString(), "--nodes", "3"}, capture,
                    new PrintStream(err, true, StandardCharsets.UTF_8))));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!(out.toString(StandardCharsets.UTF_8).contains("[node3] hello from node3")
                    && err.toString(StandardCharsets.UTF_8).contains("runs in this JVM"))
                    && System.nanoTime() < deadline && run.isAlive()) {
                Thread.onSpinWait();
            }
            run.interrupt(); // what Ctrl-C does to the waiting command
            run.join(30_000);
        } finally {
            System.setOut(original);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("[n1] hello from n1") && printed.contains("[n2] hello from n2")
                && printed.contains("[node3] hello from node3"), printed + err);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cluster 'local' (n1, n2, node3) runs in this JVM"),
                err.toString(StandardCharsets.UTF_8));
        assertEquals(0, status.get());
    }

    @Test
    void checkReportsEachProblemWithItsPosition(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("broken.iris"), """
                system demo.broken

                process P { handles Missing }
                """);
        Outcome o = iris("check", dir.toString());
        assertEquals(1, o.status());
        assertTrue(o.err().contains("broken.iris:3:21: error: Couldn't resolve reference to Message 'Missing'."),
                o.err());
        assertTrue(o.err().contains("iris: 1 error in the .iris files"), o.err());
        assertEquals(0, iris("check", NAMES.toString()).status());

        // one .iris file with its handler beside it (in its declared package), nothing else searched
        Path flat = Files.createDirectories(dir.resolve("flat"));
        Path program = greeter(dir.resolve("tree"), "");
        Files.copy(program.resolve("src/main/iris/greet.iris"), flat.resolve("greet.iris"));
        Files.copy(program.resolve("src/main/java/demo/greet/Greeter.java"), flat.resolve("Greeter.java"));
        Files.createDirectories(flat.resolve("deeper"));
        Files.writeString(flat.resolve("deeper/Broken.java"), "this is not Java");
        Outcome single = iris("check", flat.resolve("greet.iris").toString());
        assertEquals(0, single.status(), single.err());
    }

    @Test
    void javaErrorsOfTheHandlersAreReportedLikeCompilerErrors(@TempDir Path dir) throws Exception {
        Path program = greeter(dir, "int x = \"not a number\";");
        Outcome o = iris("run", program.toString());
        assertEquals(1, o.status());
        assertTrue(o.err().contains("Greeter.java:6:") && o.err().contains(": error: "), o.err());
        assertTrue(o.err().contains("iris: 1 error in the Java code"), o.err());
    }

    @Test
    void aJavaErrorInGeneratedCodeIsReportedAtItsDeclarationAsABugOfIris(@TempDir Path dir) throws Exception {
        Path program = greeter(dir.resolve("program"), "");
        Path srcGen = dir.resolve("src-gen");
        IrisCompiler.Result generated = IrisCompiler.create().compile(program.resolve("src/main/iris"), srcGen);
        // a generator bug, made by hand: the generated base class refers to a type that does not exist
        Path base = srcGen.resolve("demo/greet/AbstractGreeter.java");
        Files.writeString(base, Files.readString(base).replaceFirst("}\\s*$", "    Missing missing;\n}\n"));
        List<Path> sources = new ArrayList<>(generated.generated().stream().map(srcGen::resolve).toList());
        sources.add(program.resolve("src/main/java/demo/greet/Greeter.java"));
        StringWriter err = new StringWriter();

        UserError e = assertThrows(UserError.class, () -> Program.javac(sources, dir.resolve("classes"),
                System.getProperty("java.class.path"), srcGen, generated.origins(), new PrintWriter(err, true)));

        assertEquals(1, e.status());
        assertEquals("1 error in the Java code (1 in the code Iris generated: a bug in Iris)", e.getMessage());
        String greet = program.resolve("src/main/iris/greet.iris").toString();
        assertTrue(err.toString().startsWith(greet + ":5:9: error: the Java that Iris generated for process Greeter "
                + "does not compile. This is a bug in Iris: please report it with this message. AbstractGreeter.java:"),
                err.toString());
        assertTrue(err.toString().contains("cannot find symbol"), err.toString());
    }

    @Test
    void userErrorsAreOneLineAndAStatus(@TempDir Path dir) throws Exception {
        Outcome missing = iris("run", dir.resolve("nowhere").toString());
        assertEquals(2, missing.status());
        assertEquals("iris: no such file or directory: " + dir.resolve("nowhere") + "\n", missing.err());

        Outcome unknown = iris("run", greeter(dir, "").toString(), "--cluster", "lab");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().endsWith("iris: the program has no cluster 'lab'; its clusters: local\n"),
                unknown.err());

        Outcome arguments = iris("run", greeter(dir.resolve("args"), "").toString(), "durable");
        assertEquals(2, arguments.status());
        assertTrue(arguments.err().endsWith("iris: arguments [durable] are for a program's main class, and "
                + dir.resolve("args") + " has none\n"), arguments.err());

        Path homed = greeter(dir.resolve("homed"), "");
        Path iris = homed.resolve("src/main/iris/greet.iris");
        Files.writeString(iris, Files.readString(iris) + "shared Board { long[8] cells } home n2\n");
        Outcome dropped = iris("run", homed.toString(), "--nodes", "1");
        assertEquals(2, dropped.status());
        assertTrue(dropped.err().contains("shared object 'Board' lives on node 'n2', which this cluster of 1 nodes (n1)"
                + " does not have"), dropped.err());

        Outcome notABundle = iris("node", dir.toString());
        assertEquals(2, notABundle.status());
        assertTrue(notABundle.err().contains("is not a node bundle (it has no conf/node.properties)"), notABundle.err());

        Outcome usage = iris("run");
        assertEquals(2, usage.status());
        assertTrue(usage.err().contains("Missing required parameter: 'PROGRAM'"), usage.err());
        assertEquals(2, iris("frobnicate").status());
    }

    /**
     * Export writes a bundle per node that runs with a plain JVM, and the recipes for containers;
     * two bundles started as separate JVMs over TCP serve a client node in this JVM.
     */
    @Test
    @Timeout(240)
    void exportedBundlesRunAsSeparateNodeJvms(@TempDir Path out) throws Exception {
        Outcome exported = iris("export", NAMES.toString(), "--out", out.toString());
        assertEquals(0, exported.status(), exported.err());
        for (String node : java.util.List.of("n1", "n2")) {
            assertTrue(Files.isExecutable(out.resolve(node + "/bin/iris-node")), node);
            assertTrue(Files.size(out.resolve(node + "/lib/iris-runtime.jar")) > 1_000_000, "runtime with Netty");
            assertTrue(Files.isRegularFile(out.resolve(node + "/lib/program.jar")));
            assertTrue(Files.isRegularFile(out.resolve(node + ".zip")));
        }
        java.util.Properties n1 = new java.util.Properties();
        n1.load(Files.newBufferedReader(out.resolve("n1/conf/node.properties")));
        assertEquals("n1", n1.getProperty("iris.node"));
        assertEquals("127.0.0.1:7102", n1.getProperty("iris.seeds"));
        assertEquals("demo.names.NameServer", n1.getProperty("iris.handlers"));
        assertEquals("data", n1.getProperty("iris.dataDirectory"), "a persistent memory's pages: data/ in the bundle");
        Outcome outside = iris("export", NAMES.toString(), "--out", out.resolve("elsewhere").toString(), "--data-dir",
                "../shared");
        assertEquals(2, outside.status(), outside.err());
        assertTrue(outside.err().contains("must be a directory of each bundle or an absolute path, not '../shared'"),
                outside.err());
        Outcome itself = iris("export", NAMES.toString(), "--out", out.resolve("elsewhere").toString(), "--data-dir",
                "data/..");
        assertEquals(2, itself.status(), itself.err());
        // a new export deletes only what an export writes: a node's pages stay, and stay out of the archives
        Files.createDirectories(out.resolve("n1/state"));
        Files.writeString(out.resolve("n1/state/pages.log"), "pages");
        Outcome again = iris("export", NAMES.toString(), "--out", out.toString());
        assertEquals(0, again.status(), again.err());
        assertEquals("pages", Files.readString(out.resolve("n1/state/pages.log")));
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(out.resolve("n1.zip").toFile())) {
            assertTrue(zip.stream().noneMatch(e -> e.getName().contains("state/")), "no node's pages in the archive");
            assertTrue(zip.getEntry("n1/bin/iris-node") != null);
        }
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                new java.util.zip.GZIPInputStream(Files.newInputStream(out.resolve("n2.tar.gz"))))) {
            java.util.Map<String, Integer> modes = new java.util.HashMap<>();
            for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                modes.put(e.getName(), e.getMode() & 0777);
            }
            assertEquals(0755, modes.get("n2/bin/iris-node"));
            assertEquals(0600, modes.get("n2/conf/credentials/node-key.pem"), "the key stays private in the archive");
            assertEquals(0644, modes.get("n2/conf/credentials/node.pem"));
            assertTrue(modes.containsKey("n2/lib/program.jar") && modes.containsKey("n2/conf/node.properties"));
        }
        // a Java older than 21 is named, not met with an UnsupportedClassVersionError
        for (String[] old : new String[][] {{"openjdk version \"17.0.9\" 2023-10-17", "17"},
                {"java version \"1.8.0_392\"", "8"}}) {
            Path jdk = out.resolve("old-jdk-" + old[1]);
            Path fake = Files.createDirectories(jdk.resolve("bin")).resolve("java");
            Files.writeString(fake, "#!/bin/sh\necho '" + old[0] + "' >&2\nexit 0\n");
            assertTrue(fake.toFile().setExecutable(true));
            ProcessBuilder run = new ProcessBuilder("sh", out.resolve("n1/bin/iris-node").toString())
                    .redirectErrorStream(true);
            run.environment().put("JAVA_HOME", jdk.toString());
            Process node = run.start();
            String said = new String(node.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(1, node.waitFor(), said);
            assertTrue(said.contains("node n1 needs Java 21 or newer, found " + old[1] + " at " + fake), said);
        }

        // credentials: each node's, signed by the cluster's authority, which stays outside the bundles
        var authority = dev.iris.runtime.security.ClusterAuthority.read(out.resolve("authority"));
        for (String node : java.util.List.of("n1", "n2")) {
            var credentials = dev.iris.runtime.security.NodeCredentials.read(out.resolve(node + "/conf/credentials"));
            assertEquals(node, credentials.node());
            credentials.certificate().verify(authority.certificate().getPublicKey());
            assertTrue(Files.isRegularFile(out.resolve("docker/conf/credentials/" + node + "/node-key.pem")));
            assertFalse(Files.exists(out.resolve(node + "/conf/credentials/ca-key.pem")), "no node can admit others");
        }
        assertTrue(Files.readString(out.resolve("docker/Dockerfile")).contains("FROM eclipse-temurin:25-jre"));
        kubernetesRecipeMatchesTheCluster(Files.readString(out.resolve("k8s/iris-names-local.yaml")));

        // the bundles as node JVMs on free ports, and a client node here
        try (LocalBundles cluster = LocalBundles.start(NAMES, null, out.resolve("run"))) {
            var program = new java.net.URLClassLoader(new java.net.URL[] {cluster.bundles().get(0)
                    .resolve("lib/program.jar").toUri().toURL()}, getClass().getClassLoader());
            var system = dev.iris.runtime.launch.GeneratedSystem.load("demo.names.NamesSystem", program);
            dev.iris.runtime.Node client = cluster.client("client", system.codecs(),
                    dev.iris.runtime.dsm.MemoryConfig.NONE);
            Object register = program.loadClass("demo.names.Register").getDeclaredConstructors()[0]
                    .newInstance("printer", 42L);
            Object lookup = program.loadClass("demo.names.Lookup").getDeclaredConstructors()[0].newInstance("printer");
            String seen = client.call("client", java.time.Duration.ofSeconds(60), k -> {
                var all = k.sendGroup(dev.iris.runtime.ProcessId.wellKnownGroup(1), register,
                        dev.iris.runtime.ReplyMode.ALL, java.time.Duration.ofSeconds(10));
                Object found = k.send(dev.iris.runtime.ProcessId.wellKnownGroup(1), lookup,
                        java.time.Duration.ofSeconds(10));
                return all.replies().size() + " " + found;
            });
            assertEquals("4 Found[found=true, pid=42]", seen);
        }
    }

    @SuppressWarnings("unchecked")
    private static void kubernetesRecipeMatchesTheCluster(String yaml) {
        java.util.List<java.util.Map<String, Object>> docs = new java.util.ArrayList<>();
        new org.yaml.snakeyaml.Yaml().loadAll(yaml).forEach(d -> docs.add((java.util.Map<String, Object>) d));
        assertEquals(java.util.List.of("Service", "StatefulSet"), docs.stream().map(d -> d.get("kind")).toList());
        var service = (java.util.Map<String, Object>) docs.get(0).get("spec");
        assertEquals("None", service.get("clusterIP"), "headless");
        var port = ((java.util.List<java.util.Map<String, Object>>) service.get("ports")).get(0);
        var set = (java.util.Map<String, Object>) docs.get(1).get("spec");
        assertEquals(2, set.get("replicas"), "one pod per node of cluster local");
        assertEquals(((java.util.Map<String, Object>) docs.get(0).get("metadata")).get("name"), set.get("serviceName"));
        var pod = (java.util.Map<String, Object>) ((java.util.Map<String, Object>) set.get("template")).get("spec");
        var container = ((java.util.List<java.util.Map<String, Object>>) pod.get("containers")).get(0);
        var containerPort = ((java.util.List<java.util.Map<String, Object>>) container.get("ports")).get(0);
        assertEquals(port.get("port"), containerPort.get("containerPort"));
        String seeds = ((java.util.List<java.util.Map<String, Object>>) container.get("env")).stream()
                .filter(e -> e.get("name").equals("IRIS_SEEDS")).map(e -> (String) e.get("value")).findFirst()
                .orElseThrow();
        assertEquals("iris-names-local-0.iris-names-local:7000,iris-names-local-1.iris-names-local:7000", seeds);
    }
}
