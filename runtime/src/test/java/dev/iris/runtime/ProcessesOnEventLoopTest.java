package dev.iris.runtime;

import static dev.iris.runtime.Clusters.call;
import static dev.iris.runtime.Clusters.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.SharedMemory;
import dev.iris.runtime.internal.LoopCarriers;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
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

    /**
     * {@link #config} with a heartbeat of 5 s: a process moves off its loop only after holding it, or
     * waiting for it, for 1 s, which no pause of a loaded machine makes happen by itself.
     */
    private static NodeConfig patient(String name, List<? extends SocketAddress> seeds) {
        return config(name, seeds).withFailureDetection(Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    /** Puts the warnings of {@link LoopCarriers} that contain {@code about} in {@code into}, until closed. */
    private static AutoCloseable capture(LinkedBlockingQueue<String> into, String about) {
        Logger log = Logger.getLogger(LoopCarriers.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                String text = new SimpleFormatter().formatMessage(record);
                if (text.contains(about)) {
                    into.add(text);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(handler);
        return () -> log.removeHandler(handler);
    }

    /** Java 24 or newer (the build's JDK here): on older ones such nodes refuse to start, as a test below shows. */
    private static void canCarry() {
        assumeTrue(LoopCarriers.unavailable() == null, LoopCarriers::unavailable);
    }

    /** The name of the thread that carries the calling virtual thread ("VirtualThread[#22,name]/runnable@carrier"). */
    private static String carrier() {
        String s = Thread.currentThread().toString();
        return s.substring(s.lastIndexOf('@') + 1);
    }

    @Test
    void aProcessOnTheLoopSendsAndIsAnsweredOverTcpWithoutLeavingIt() throws Exception {
        canCarry();
        try (Node a = Node.start(patient("a", List.of()), Codecs.of());
                Node b = Node.start(patient("b", List.of(Node.parse(a.address()))), Codecs.of())) {
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
        canCarry();
        int page = 4096;
        MemoryConfig memory = MemoryConfig.of(List.of(new MemoryConfig.Region("data", 8L * page,
                Consistency.SEQUENTIAL, "b"))).withPageSize(page).withManagers(List.of("b"));
        try (Node b = Node.start(patient("b", List.of()).withMemory(memory), Codecs.of());
                Node a = Node.start(patient("a", List.of(Node.parse(b.address()))).withMemory(memory), Codecs.of())) {
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
        canCarry();
        LinkedBlockingQueue<String> warnings = new LinkedBlockingQueue<>();
        // a heartbeat of 1 s: a process may hold the loop, or wait for it, for 200 ms
        try (AutoCloseable logged = capture(warnings, ":test-call:");
                Node a = Node.start(config("a", List.of()).withFailureDetection(Duration.ofSeconds(1),
                        Duration.ofSeconds(5)), Codecs.of());
                Node b = Node.start(config("b", List.of(Node.parse(a.address()))), Codecs.of())) {
            assertTrue(a.awaitMembers(2, TIMEOUT) && b.awaitMembers(2, TIMEOUT));
            ProcessId echo = server(b, m -> "b:" + m);
            String[] before = new String[1];
            String after = call(a, k -> {
                before[0] = carrier();
                // compute without blocking until the warning comes: the watchdog sees the loop held
                while (warnings.isEmpty()) {
                    Thread.onSpinWait();
                }
                assertEquals("b:x", k.send(echo, "x", TIMEOUT)); // blocks: resumes on a shared carrier
                return carrier();
            });
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
        }
    }

    @Test
    void closingTheNodeEndsItsProcessesOnTheSharedCarriers() throws Exception {
        canCarry();
        CountDownLatch receiving = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        String[] carriers = new String[2];
        Node a = Node.start(patient("a", List.of()), Codecs.of());
        try {
            a.spawn("waits", k -> {
                try {
                    carriers[0] = carrier();
                    receiving.countDown();
                    k.receive();
                } finally {
                    carriers[1] = carrier();
                    ended.countDown();
                }
            });
            assertTrue(receiving.await(10, TimeUnit.SECONDS));
        } finally {
            a.close();
        }
        assertTrue(ended.await(10, TimeUnit.SECONDS), "the process ended once its node closed");
        assertTrue(carriers[0].contains("EventLoopGroup"), carriers[0]);
        assertTrue(carriers[1].startsWith("iris-carrier-"), "ended on a shared carrier, the loop stopping: " + carriers[1]);
    }

    @Test
    void threadsThatAProcessOnTheLoopStartsRunOnTheSharedCarriers() throws Exception {
        canCarry();
        try (Node a = Node.start(patient("a", List.of()), Codecs.of())) {
            List<String> carriers = call(a, k -> {
                String[] child = new String[1];
                Thread t = Thread.ofVirtual().start(() -> child[0] = carrier());
                t.join();
                return List.of(carrier(), child[0]);
            });
            assertTrue(carriers.get(0).contains("EventLoopGroup"), carriers.toString());
            assertTrue(carriers.get(1).startsWith("iris-carrier-"), carriers.toString());
        }
    }

    /**
     * A process waits to enter a monitor while it owns another, which the loop that carries it then
     * waits for (in a handler of a frame): the process's resumption, queued on the blocked loop, runs
     * on a shared carrier once it waited a fifth of a heartbeat, and everything goes on.
     */
    @Test
    void aResumptionThatTheBlockedLoopCannotRunIsRescued() throws Exception {
        canCarry();
        LinkedBlockingQueue<String> warnings = new LinkedBlockingQueue<>();
        Object owned = new Object(); // the process owns it
        Object awaited = new Object(); // the test owns it until the loop is blocked
        AtomicBoolean armed = new AtomicBoolean();
        AtomicReference<Thread> loop = new AtomicReference<>();
        // one event loop: the frames from b and a's processes share it
        NodeConfig aConfig = config("a", List.of()).withEventLoops(1).withFailureDetection(Duration.ofMillis(100),
                Duration.ofSeconds(5)).withConnectionHandler(() -> new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (armed.compareAndSet(true, false)) {
                            loop.set(Thread.currentThread());
                            synchronized (owned) { // blocks the loop until the process lets go
                                owned.notifyAll();
                            }
                        }
                        ctx.fireChannelRead(msg);
                    }
                });
        try (AutoCloseable logged = capture(warnings, ":tangled:");
                Node a = Node.start(aConfig, Codecs.of());
                Node b = Node.start(config("b", List.of(Node.parse(a.address()))), Codecs.of())) {
            assertTrue(a.awaitMembers(2, TIMEOUT) && b.awaitMembers(2, TIMEOUT));
            CountDownLatch owns = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            String[] resumedOn = new String[1];
            synchronized (awaited) {
                a.spawn("tangled", k -> {
                    synchronized (owned) {
                        owns.countDown();
                        synchronized (awaited) { // gives up the loop, keeping 'owned'
                            resumedOn[0] = carrier();
                        }
                    }
                    done.countDown();
                });
                assertTrue(owns.await(10, TimeUnit.SECONDS));
                armed.set(true); // the next frame from b (a heartbeat) blocks the loop on 'owned'
                Thread t;
                while ((t = loop.get()) == null || t.getState() != Thread.State.BLOCKED) {
                    Thread.onSpinWait(); // an event: the loop thread's state
                }
            } // the process may enter 'awaited' now, but its loop is blocked on what it owns
            assertTrue(done.await(10, TimeUnit.SECONDS), "the process ended");
            assertTrue(resumedOn[0].startsWith("iris-carrier-"), resumedOn[0]);
            String warning = warnings.poll(10, TimeUnit.SECONDS);
            assertNotNull(warning);
            assertTrue(warning.contains(":tangled:") && warning.contains("waited") && warning.contains("node 'a'"),
                    warning);
            assertEquals("b:y", call(a, k -> k.send(server(b, m -> "b:" + m), "y", TIMEOUT)), "a's loop runs again");
        }
    }

    /**
     * A node JVM started without {@code --add-opens java.base/java.lang=ALL-UNNAMED}: the node does
     * not start, and the error says what to add.
     */
    @Test
    void aJvmThatCannotCarryProcessesOnTheLoopRefusesToStartTheNodeSayingWhy() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(jvm.waitFor(60, TimeUnit.SECONDS));
        assertEquals(3, jvm.exitValue(), out);
        String why = Runtime.version().feature() < 24 ? "Java 24 or newer"
                : "the JVM option --add-opens java.base/java.lang=ALL-UNNAMED";
        assertTrue(out.contains("node 'lone': processes on the event loop need " + why), out);
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
