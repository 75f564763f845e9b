package dev.iris.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
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
            while (!out.toString(StandardCharsets.UTF_8).contains("[node3] hello from node3")
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
    void userErrorsAreOneLineAndAStatus(@TempDir Path dir) throws Exception {
        Outcome missing = iris("run", dir.resolve("nowhere").toString());
        assertEquals(2, missing.status());
        assertEquals("iris: no such file or directory: " + dir.resolve("nowhere") + "\n", missing.err());

        Outcome unknown = iris("run", greeter(dir, "").toString(), "--cluster", "lab");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().endsWith("iris: the program has no cluster 'lab'; its clusters: local\n"),
                unknown.err());

        Outcome usage = iris("run");
        assertEquals(2, usage.status());
        assertTrue(usage.err().contains("Missing required parameter: 'PROGRAM'"), usage.err());
        assertEquals(2, iris("frobnicate").status());
    }
}
