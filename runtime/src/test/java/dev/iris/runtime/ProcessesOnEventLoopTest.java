package dev.iris.runtime;

import static dev.iris.runtime.Clusters.call;
import static dev.iris.runtime.Clusters.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.SharedMemory;
import dev.iris.runtime.internal.LoopCarriers;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;

/**
 * Processes carried by their node's event loop ({@link NodeConfig#processesOnEventLoop}): they send,
 * are answered and fault pages over TCP on the loop, a process that holds the loop is moved off it
 * with a warning, a closing node ends them, and a JVM that cannot carry them refuses to start the
 * node, saying why.
 */
class ProcessesOnEventLoopTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static NodeConfig config(String name, List<? extends SocketAddress> seeds) {
        return NodeConfig.of(name, "carried", new InetSocketAddress("127.0.0.1", 0), seeds)
                .withProcessesOnEventLoop(true);
    }

    /** The name of the thread that carries the calling virtual thread ("VirtualThread[#22,name]/runnable@carrier"). */
    private static String carrier() {
        String s = Thread.currentThread().toString();
        return s.substring(s.lastIndexOf('@') + 1);
    }

    @Test
    void aProcessOnTheLoopSendsAndIsAnsweredOverTcpWithoutLeavingIt() throws Exception {
        try (Node a = Node.start(config("a", List.of()), Codecs.of());
                Node b = Node.start(config("b", List.of(Node.parse(a.address()))), Codecs.of())) {
            assertTrue(a.awaitMembers(2, TIMEOUT) && b.awaitMembers(2, TIMEOUT));
            ProcessId echo = server(b, m -> "b:" + m);
            List<String> carriers = call(a, k -> {
                List<String> seen = new ArrayList<>();
                seen.add(carrier());
                for (int i = 0; i < 200; i++) {
                    assertEquals("b:" + i, k.send(echo, String.valueOf(i), TIMEOUT));
                    seen.add(carrier());
                }
                return seen;
            });
            assertEquals(1, carriers.stream().distinct().count(), "one carrier throughout: " + carriers.stream()
                    .distinct().toList());
            String loop = carriers.get(0);
            assertTrue(loop.contains("EventLoopGroup"), "carried by a Netty event loop: " + loop);
            // b's server is carried by b's loop, not a's
            String bLoop = call(b, k -> carrier());
            assertTrue(bLoop.contains("EventLoopGroup"), bLoop);
            assertNotEquals(loop, bLoop);
        }
    }

    @Test
    void aProcessOnTheLoopFaultsPagesInAndTakesThemOver() throws Exception {
        int page = 4096;
        MemoryConfig memory = MemoryConfig.of(List.of(new MemoryConfig.Region("data", 8L * page,
                Consistency.SEQUENTIAL, "b"))).withPageSize(page).withManagers(List.of("b"));
        try (Node b = Node.start(config("b", List.of()).withMemory(memory), Codecs.of());
                Node a = Node.start(config("a", List.of(Node.parse(b.address()))).withMemory(memory), Codecs.of())) {
            assertTrue(a.awaitMembers(2, TIMEOUT) && b.awaitMembers(2, TIMEOUT));
            long base = a.memory().region("data").base();
            call(b, k -> {
                SharedMemory m = k.memory();
                for (int p = 0; p < 8; p++) {
                    m.setLong(base + (long) p * page, 100 + p);
                }
                return null;
            });
            String loop = call(a, k -> {
                SharedMemory m = k.memory();
                for (int round = 0; round < 20; round++) {
                    for (int p = 0; p < 8; p++) {
                        long at = base + (long) p * page;
                        long v = m.getLong(at); // a read fault once b wrote the page
                        assertEquals(100 + p + round, v, "page " + p + " in round " + round);
                        m.setLong(at, v + 1); // a write fault: a takes the page over
                    }
                    int r = round;
                    call(b, kb -> { // b takes every page back, one higher than a left it
                        for (int p = 0; p < 8; p++) {
                            long at = base + (long) p * page;
                            assertEquals(101 + p + r, kb.memory().getLong(at));
                            kb.memory().setLong(at, 101 + p + r);
                        }
                        return null;
                    });
                }
                return carrier();
            });
            assertTrue(loop.contains("EventLoopGroup"), "carried by a Netty event loop: " + loop);
        }
    }

    @Test
    void aProcessThatHoldsTheLoopIsMovedOffItWithAWarningAndTheNodeGoesOn() throws Exception {
        LinkedBlockingQueue<String> warnings = new LinkedBlockingQueue<>();
        Logger log = Logger.getLogger(LoopCarriers.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(new SimpleFormatter().formatMessage(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(capture);
        // a heartbeat of 100 ms: a process may hold the loop for 20 ms
        try (Node a = Node.start(config("a", List.of()).withFailureDetection(Duration.ofMillis(100),
                Duration.ofSeconds(2)), Codecs.of());
                Node b = Node.start(config("b", List.of(Node.parse(a.address()))), Codecs.of())) {
            assertTrue(a.awaitMembers(2, TIMEOUT) && b.awaitMembers(2, TIMEOUT));
            ProcessId echo = server(b, m -> "b:" + m);
            CountDownLatch warned = new CountDownLatch(1);
            String[] before = new String[1];
            String after = call(a, k -> {
                before[0] = carrier();
                // compute without blocking until the warning comes: the watchdog sees the loop held
                String w;
                long spins = 0;
                while ((w = warnings.peek()) == null) {
                    spins++;
                }
                assertTrue(spins > 0);
                warned.countDown();
                assertEquals("b:x", k.send(echo, "x", TIMEOUT)); // blocks: resumes on a shared carrier
                return carrier();
            });
            assertEquals(0, warned.getCount());
            String warning = warnings.take();
            assertTrue(warning.contains(":test-call:") && warning.contains("event loop of node 'a'")
                    && warning.contains("shared carrier threads"), warning);
            assertTrue(before[0].contains("EventLoopGroup"), before[0]);
            assertTrue(after.startsWith("iris-carrier-"), "moved to a shared carrier: " + after);
            // the loop is free again: a new process on it is answered
            assertEquals("b:y", call(a, k -> {
                assertTrue(carrier().contains("EventLoopGroup"), carrier());
                return k.send(echo, "y", TIMEOUT);
            }));
            assertEquals(2, a.members().size(), "a still sees b: " + a.members());
        } finally {
            log.removeHandler(capture);
        }
    }

    @Test
    void closingTheNodeEndsItsProcessesOnTheLoop() throws Exception {
        CountDownLatch receiving = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        Node a = Node.start(config("a", List.of()), Codecs.of());
        try {
            a.spawn("waits", k -> {
                try {
                    receiving.countDown();
                    k.receive();
                } finally {
                    ended.countDown();
                }
            });
            assertTrue(receiving.await(10, TimeUnit.SECONDS));
        } finally {
            a.close();
        }
        assertTrue(ended.await(10, TimeUnit.SECONDS), "the process ended once its node closed");
    }

    /**
     * A node JVM started without {@code --add-opens java.base/java.lang=ALL-UNNAMED}: the node does
     * not start, and the error says what to add.
     */
    @Test
    void aJvmThatCannotCarryProcessesOnTheLoopRefusesToStartTheNodeSayingWhy() throws Exception {
        assertEquals(null, LoopCarriers.unavailable(), "this test JVM has what it takes (see runtime/pom.xml)");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(jvm.waitFor(60, TimeUnit.SECONDS));
        assertEquals(3, jvm.exitValue(), out);
        assertTrue(out.contains("node 'lone': processes on the event loop need the JVM option --add-opens "
                + "java.base/java.lang=ALL-UNNAMED"), out);
    }

    /** Starts a node with processes on its event loop; prints the error and exits with 3 if it does not start. */
    public static final class Main {
        public static void main(String[] args) {
            try {
                Node node = Node.start(config("lone", List.of()), Codecs.of());
                node.close();
                System.out.println("started");
            } catch (IllegalStateException e) {
                System.out.println(e.getMessage());
                System.exit(3);
            }
        }
    }

    @Test
    void theDefaultIsTheSharedCarriers() throws Exception {
        NodeConfig plain = NodeConfig.of("a", "carried", new InetSocketAddress("127.0.0.1", 0), List.of());
        assertFalse(plain.processesOnEventLoop());
        try (Node a = Node.start(plain, Codecs.of())) {
            String c = call(a, k -> carrier());
            assertNotNull(c);
            assertFalse(c.contains("EventLoopGroup"), c);
        }
    }
}
