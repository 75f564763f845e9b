package dev.iris.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.iris.runtime.dsm.DistributedLock;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.internal.Blocking;
import dev.iris.runtime.internal.VirtualThreads;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link SimulatedCluster}: a run is decided by its seed alone, and time-outs run on its clock. */
@Timeout(120)
class SimulatedClusterTest {
    private static final List<String> NODES = List.of("n1", "n2", "n3");
    private static final Duration LATENCY_MIN = Duration.ofNanos(50_000);
    private static final Duration LATENCY_MAX = Duration.ofMillis(2);

    /** Java 24 or newer with java.lang open (the build's JDK and options here). */
    @BeforeEach
    void canSimulate() {
        assumeTrue(VirtualThreads.unavailable() == null, VirtualThreads::unavailable);
    }

    private static SimulatedCluster start(String name, long seed) {
        return SimulatedCluster.start(name, NODES, Codecs.of(), seed, LATENCY_MIN, LATENCY_MAX,
                UnaryOperator.identity());
    }

    /**
     * Three nodes; an echo server on n2 and one on n3; clients on n1 and n3 send to both at once;
     * then a group with a member on each node, and a group send. Returns every message event of
     * every node, with its simulated time.
     */
    static List<String> history(long seed) throws Exception {
        List<String> events = new ArrayList<>();
        try (SimulatedCluster c = start("history", seed)) {
            for (Node n : c.nodes()) {
                n.addMessageListener(e -> events.add(e.nanos() + " " + e.node() + " " + e.kind() + " " + e.peer()
                        + " " + e.requestId() + " " + e.sender() + "->" + e.target() + " " + e.content()));
            }
            ProcessId echo2 = c.node(1).spawn("echo", k -> {
                while (true) {
                    Request r = k.receive();
                    k.reply(r, "n2:" + r.message());
                }
            });
            ProcessId echo3 = c.node(2).spawn("echo", k -> {
                while (true) {
                    Request r = k.receive();
                    k.reply(r, "n3:" + r.message());
                }
            });
            c.node(2).spawn("client", k -> {
                for (int i = 0; i < 20; i++) {
                    k.send(i % 2 == 0 ? echo2 : echo3, "b" + i, Duration.ofSeconds(5));
                }
            });
            List<Object> answers = c.call(0, "client", Duration.ofSeconds(30), k -> {
                List<Object> got = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    got.add(k.send(i % 2 == 0 ? echo2 : echo3, "a" + i, Duration.ofSeconds(5)));
                }
                return got;
            });
            assertEquals("n2:a0", answers.get(0));
            assertEquals("n3:a19", answers.get(19));
            // a group with a member on every node; a group send from n1 gets every reply
            ProcessId group = c.call(0, "creator", Duration.ofSeconds(10), k -> k.createGroup(false));
            for (Node n : c.nodes()) {
                n.spawn("member", k -> {
                    k.join(group);
                    while (true) {
                        Request r = k.receive();
                        k.reply(r, k.node().name());
                    }
                });
            }
            c.run(Duration.ofSeconds(1));
            List<String> replied = c.call(0, "caster", Duration.ofSeconds(10), k -> k.sendGroup(group, "all",
                    ReplyMode.ALL, Duration.ofSeconds(5)).replies().stream().map(r -> (String) r.message()).sorted()
                    .toList());
            assertEquals(NODES, replied);
            c.run(Duration.ofSeconds(1)); // the other client finishes
        }
        return events;
    }

    @Test
    void theSameSeedGivesTheSameHistoryStepForStep() throws Exception {
        List<String> first = history(42);
        List<String> second = history(42);
        assertTrue(first.size() >= 160, "80 sends and their replies, seen at both ends: " + first.size());
        assertEquals(first, second);
        List<String> other = history(43);
        assertNotEquals(first.stream().map(e -> e.substring(0, e.indexOf(' '))).toList(),
                other.stream().map(e -> e.substring(0, e.indexOf(' '))).toList(),
                "another seed, other latencies: the events' times differ");
    }

    /**
     * A cut shorter than the failure timeout loses nothing: a request sent into it arrives once it
     * heals, as TCP's retransmissions would bring it, and its reply comes. Before, the simulation
     * dropped such frames on a connection that went on, a history no TCP connection has: the send
     * timed out, and a short partition failed the bank example's seeds.
     */
    @Test
    void whatIsSentIntoAShortCutArrivesOnceItHeals() throws Exception {
        try (SimulatedCluster c = start("short-cut", 7)) {
            ProcessId echo = c.node(1).spawn("echo", k -> {
                while (true) {
                    Request r = k.receive();
                    k.reply(r, "n2:" + r.message());
                }
            });
            CompletableFuture<Object> sent = new CompletableFuture<>();
            c.partition(List.of("n2"));
            c.node(0).spawn("client", k -> {
                try {
                    sent.complete(k.send(echo, "across", Duration.ofSeconds(5)));
                } catch (Throwable t) {
                    sent.completeExceptionally(t);
                }
            });
            c.run(Duration.ofSeconds(1)); // half the failure timeout
            assertFalse(sent.isDone(), "a reply through the cut: " + sent);
            c.heal();
            c.run(Duration.ofSeconds(1));
            assertEquals("n2:across", sent.getNow("no reply yet"));
            assertEquals(3, c.node(0).members().size(), "nobody was declared dead: " + c.node(0).members());
        }
    }

    /**
     * A cut that ends before the frames behind it would have arrived keeps them in order: those it
     * caught on their way travel on behind those still on their way. (A first version sent a caught
     * frame on behind the latest one, and the frames after it overtook it.)
     */
    @Test
    void aCutShorterThanTheFramesLatencyKeepsThemInOrder() throws Exception {
        for (long seed = 1; seed <= 5; seed++) {
            try (SimulatedCluster c = start("order", seed)) {
                List<Object> received = new ArrayList<>();
                ProcessId sink = c.node(1).spawn("sink", k -> {
                    while (true) {
                        Request r = k.receive();
                        received.add(r.message());
                        k.reply(r, "ok");
                    }
                });
                c.node(0).spawn("source", k -> {
                    for (int i = 0; i < 200; i++) {
                        k.sendAsync(sink, "m" + i, Duration.ofSeconds(10));
                    }
                    k.send(sink, "m200", Duration.ofSeconds(10)); // the process stays until all went out
                });
                for (int cut = 0; cut < 20; cut++) {
                    c.run(Duration.ofNanos(300_000));
                    c.partition(List.of("n2"));
                    c.run(Duration.ofNanos(200_000)); // a tenth of the most a frame takes
                    c.heal();
                }
                c.run(Duration.ofSeconds(1));
                assertEquals(IntStream.rangeClosed(0, 200).mapToObj(i -> "m" + i).toList(), received, "seed " + seed);
            }
        }
    }

    /** Three nodes add to one shared counter page, each ten times, under sequential consistency (and a lock). */
    static List<String> memoryHistory(long seed, boolean locked) throws Exception {
        List<String> events = new ArrayList<>();
        MemoryConfig memory = MemoryConfig.of(List.of(MemoryConfig.Region.of("data", 4096))).withManagers(NODES);
        try (SimulatedCluster c = SimulatedCluster.start("memory", NODES, Codecs.of(), seed, LATENCY_MIN,
                LATENCY_MAX, config -> config.withMemory(memory))) {
            for (Node n : c.nodes()) {
                n.memory().addListener(e -> events.add(e.nanos() + " " + e.node() + " " + e.kind() + " " + e.page()
                        + " " + e.peer()));
            }
            long counter = c.node(0).memory().region("data").base();
            for (int i = 0; i < 3; i++) {
                c.node(i).spawn("adder", k -> {
                    DistributedLock lock = k.memory().lock("counter");
                    for (int j = 0; j < 10; j++) {
                        if (locked) {
                            lock.lock();
                        }
                        k.memory().setLong(counter, k.memory().getLong(counter) + 1);
                        if (locked) {
                            lock.unlock();
                        }
                    }
                });
            }
            c.run(Duration.ofSeconds(5));
            events.add("counter " + c.call(1, "reader", Duration.ofSeconds(5), k -> k.memory().getLong(counter)));
        }
        return events;
    }

    /**
     * The shared memory runs under the simulation, a seed deciding its history too; and the
     * simulation finds the bug in the adders (a read and a write that are not one atomic step lose
     * updates) within a few seeds, and a failing seed fails again; with a lock, no seed loses one.
     */
    @Test
    void sharedMemoryRunsUnderTheSimulationWhichFindsALostUpdate() throws Exception {
        List<String> first = memoryHistory(5, false);
        assertTrue(first.size() > 20, "faults, transfers and invalidations: " + first);
        assertEquals(first, memoryHistory(5, false));
        Long failing = null;
        for (long seed = 1; seed <= 20 && failing == null; seed++) {
            List<String> h = memoryHistory(seed, false);
            if (!h.get(h.size() - 1).equals("counter 30")) {
                failing = seed;
                assertEquals(h, memoryHistory(seed, false), "the failing seed " + seed + " replays its history");
            }
        }
        assertTrue(failing != null, "no seed of 20 lost an update");
        for (long seed = 1; seed <= 5; seed++) {
            List<String> h = memoryHistory(seed, true);
            assertEquals("counter 30", h.get(h.size() - 1), "with the lock, seed " + seed);
        }
    }

    /**
     * Two processes take two locks in opposite orders: under some seeds each gets its first lock and
     * waits for the other's, for ever. The simulation finds such a seed and fails it, naming both
     * processes and both locks (Iris's own check: no process waits for ever on a lock); the seed
     * fails the same way again; with one order for both, no seed does.
     */
    @Test
    void theSimulationFindsADeadlockOnLocks() throws Exception {
        long failing = firstFailing(seed -> lockOrders(seed, false), "done 2");
        assertTrue(failing != 0, "no seed of 20 deadlocked");
        String failure = lockOrders(failing, false);
        Matcher lasted = Pattern.compile("a deadlock on distributed locks, for (\\d+) s of simulated time: process "
                + "thread 'iris:n1:taker:.*").matcher(failure);
        assertTrue(lasted.matches() && Integer.parseInt(lasted.group(1)) >= 10, "reported after 10 s: " + failure);
        assertTrue(failure.contains("'iris:n2:taker:") && failure.contains("waits for lock 'lock")
                && failure.matches(".*' holds \\(a lock waits without a time-out: take locks in the same order "
                        + "everywhere\\) \\(found at step \\d+, \\d+\\.\\d{3} s of simulated time\\)"),
                failure);
        assertEquals(failure, lockOrders(failing, false), "seed " + failing + " deadlocks the same way again");
        for (long seed = 1; seed <= 5; seed++) {
            assertEquals("done 2", lockOrders(seed, true), "one order, seed " + seed);
        }
    }

    /**
     * A planted forwarding loop: a front process on n2 and one on n3 pass a request to their node's
     * worker, or, while it is busy, to the other front; when both workers are busy the request goes
     * round between the fronts until the kernel refuses the sixteenth forward. Some seed finds it
     * and fails again the same way; with the fronts passing a busy node's request to the other
     * node's worker instead, no seed of five does.
     */
    @Test
    void theSimulationFindsAForwardingLoop() throws Exception {
        long failing = firstFailing(seed -> fronts(seed, false), "60 answered");
        assertTrue(failing != 0, "no seed of 20 went round in a loop");
        String failure = fronts(failing, false);
        assertTrue(failure.contains("forwarding loop"), failure);
        assertEquals(failure, fronts(failing, false), "seed " + failing + " fails the same way again");
        for (long seed = 1; seed <= 5; seed++) {
            assertEquals("60 answered", fronts(seed, true), "no loop, seed " + seed);
        }
    }

    /**
     * Six clients on n1 send 10 requests each to the fronts on n2 and n3 in turn; each front's
     * worker asks a backend on n1 three times for each request and is busy meanwhile. How it ended:
     * how many were answered, or the first failure.
     */
    private static String fronts(long seed, boolean fixed) throws Exception {
        try (SimulatedCluster c = start("fronts", seed)) {
            ProcessId backend = c.node(0).spawn("backend", k -> {
                while (true) {
                    Request r = k.receive();
                    k.reply(r, r.message());
                }
            });
            List<ProcessId> workers = new ArrayList<>();
            List<AtomicBoolean> busy = List.of(new AtomicBoolean(), new AtomicBoolean());
            for (int i = 0; i < 2; i++) {
                AtomicBoolean mine = busy.get(i);
                workers.add(c.node(1 + i).spawn("worker", k -> {
                    while (true) {
                        Request r = k.receive();
                        mine.set(true);
                        for (int trip = 0; trip < 3; trip++) {
                            k.send(backend, r.message(), Duration.ofSeconds(5)); // the work: round trips to n1
                        }
                        mine.set(false);
                        k.reply(r, "done " + r.message());
                    }
                }));
            }
            List<ProcessId> fronts = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                int self = i;
                fronts.add(c.node(1 + i).spawn("front", k -> {
                    while (true) {
                        Request r = k.receive();
                        if (!busy.get(self).get()) {
                            k.forward(r, workers.get(self));
                        } else if (fixed) {
                            k.forward(r, workers.get(1 - self));
                        } else {
                            k.forward(r, fronts.get(1 - self)); // the planted bug
                        }
                    }
                }));
            }
            AtomicInteger answered = new AtomicInteger();
            AtomicReference<String> failed = new AtomicReference<>();
            for (int i = 0; i < 6; i++) {
                c.node(0).spawn("client", k -> {
                    for (int j = 0; j < 10; j++) {
                        try {
                            k.send(fronts.get(j % 2), "r" + j, Duration.ofSeconds(5));
                            answered.incrementAndGet();
                        } catch (IpcException e) {
                            failed.compareAndSet(null, e.getMessage());
                        }
                    }
                });
            }
            c.run(Duration.ofSeconds(30));
            return failed.get() != null ? failed.get() : answered.get() + " answered";
        }
    }

    /** The first seed of 1 to 20 whose run does not end as {@code passed}, or 0. */
    private static long firstFailing(SeededRun run, String passed) throws Exception {
        for (long seed = 1; seed <= 20; seed++) {
            if (!run.outcome(seed).equals(passed)) {
                return seed;
            }
        }
        return 0;
    }

    /** A run of a simulation under a seed, and how it ended. */
    private interface SeededRun {
        String outcome(long seed) throws Exception;
    }

    /**
     * A process on n1 takes lock a then b, ten times, and one on n2 the same or b then a; how it
     * ended. Both locks are managed by n3, so neither process takes them without a round trip.
     */
    private static String lockOrders(long seed, boolean oneOrder) throws Exception {
        MemoryConfig memory = MemoryConfig.of(List.of(MemoryConfig.Region.of("data", 4096))).withManagers(NODES);
        List<String> n3s = IntStream.range(0, 1_000).mapToObj(i -> "lock" + i)
                .filter(n -> Math.floorMod(NodeId.of(n).number(), 3) == 2).limit(2).toList();
        AtomicInteger done = new AtomicInteger();
        try (SimulatedCluster c = SimulatedCluster.start("locks", NODES, Codecs.of(), seed, LATENCY_MIN,
                LATENCY_MAX, config -> config.withMemory(memory))) {
            for (int i = 0; i < 2; i++) {
                String first = n3s.get(i == 0 || oneOrder ? 0 : 1);
                String second = n3s.get(i == 0 || oneOrder ? 1 : 0);
                c.node(i).spawn("taker", k -> {
                    DistributedLock one = k.memory().lock(first);
                    DistributedLock two = k.memory().lock(second);
                    for (int j = 0; j < 10; j++) {
                        one.lock();
                        two.lock();
                        two.unlock();
                        one.unlock();
                    }
                    done.incrementAndGet();
                });
            }
            c.run(Duration.ofSeconds(60));
            return "done " + done.get();
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    /**
     * Iris's own check that no read of sequentially consistent memory is stale runs in every
     * simulation: readers on two nodes and a writer on a third pass it under every seed tried. (With
     * an invalidation left out on purpose in the runtime, a reader keeps its old copy and the run
     * fails with "a stale read: process thread 'iris:n1:reader:..." naming both writes: checked by
     * hand; see doc/design/simulation.md.)
     */
    @Test
    void readersAndAWriterPassIrisCheckThatNoReadIsStale() throws Exception {
        for (long seed = 1; seed <= 5; seed++) {
            assertEquals("done 3", readersAndWriter(seed), "seed " + seed);
        }
    }

    private static String readersAndWriter(long seed) throws Exception {
        MemoryConfig memory = MemoryConfig.of(List.of(MemoryConfig.Region.of("data", 4096))).withManagers(NODES);
        AtomicInteger done = new AtomicInteger();
        try (SimulatedCluster c = SimulatedCluster.start("reads", NODES, Codecs.of(), seed, LATENCY_MIN,
                LATENCY_MAX, config -> config.withMemory(memory))) {
            long base = c.node(0).memory().region("data").base();
            for (int i = 0; i < 2; i++) {
                c.node(i).spawn("reader", k -> {
                    long last = 0;
                    for (int j = 0; j < 40; j++) {
                        long now = k.memory().getLong(base);
                        if (now < last) {
                            throw new IllegalStateException("went back from " + last + " to " + now);
                        }
                        last = now;
                    }
                    done.incrementAndGet();
                });
            }
            c.node(2).spawn("writer", k -> {
                for (int j = 1; j <= 20; j++) {
                    k.memory().setLong(base, j);
                    k.memory().getLong(base + 8); // another page access between writes
                }
                done.incrementAndGet();
            });
            c.run(Duration.ofSeconds(60));
            return "done " + done.get();
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    /**
     * Another JVM (other identity hashes, another salt for the JDK's immutable maps, other Netty
     * channel ids) replays the histories of one seed byte for byte.
     */
    @Test
    void anotherJvmReplaysTheSameHistories() throws Exception {
        String here = SimulationReplayMain.fingerprint(3);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), SimulationReplayMain.class.getName(), "3")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String there;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            there = out.lines().filter(l -> l.startsWith("FINGERPRINT ")).findFirst().orElse("(none)");
        }
        assertEquals(0, p.waitFor(), "the other JVM ran the histories");
        assertEquals("FINGERPRINT " + here, there);
    }

    /**
     * A client that takes a group send's first reply for all of them: it sends to a group with a
     * member on n2 and one on n3 and, once the send returns, expects both to have the message.
     * Whether the second member has it by then depends on the frames' latencies: under FIRST some
     * seed of the first 20 finds the bug, and under ALL no seed does.
     */
    private static boolean everyMemberHadIt(long seed, ReplyMode mode) throws Exception {
        try (SimulatedCluster c = start("first", seed)) {
            ProcessId group = c.call(0, "creator", Duration.ofSeconds(10), k -> k.createGroup(false));
            java.util.Set<String> had = java.util.concurrent.ConcurrentHashMap.newKeySet();
            for (int n = 1; n <= 2; n++) {
                c.node(n).spawn("member", k -> {
                    k.join(group);
                    while (true) {
                        Request r = k.receive();
                        had.add(k.node().name());
                        k.reply(r, "done");
                    }
                });
            }
            c.run(Duration.ofSeconds(1));
            return c.call(0, "client", Duration.ofSeconds(10), k -> {
                k.sendGroup(group, "do it", mode, Duration.ofSeconds(5));
                return had.size() == 2;
            });
        }
    }

    @Test
    void theSimulationFindsAClientThatTakesTheFirstReplyForAll() throws Exception {
        Long found = null;
        for (long seed = 1; seed <= 20 && found == null; seed++) {
            if (!everyMemberHadIt(seed, ReplyMode.FIRST)) {
                found = seed;
            }
        }
        assertTrue(found != null, "no seed of 20 found the bug");
        assertTrue(!everyMemberHadIt(found, ReplyMode.FIRST), "seed " + found + " finds it again");
        for (long seed = 1; seed <= 5; seed++) {
            assertTrue(everyMemberHadIt(seed, ReplyMode.ALL), "with ALL, seed " + seed);
        }
    }

    /**
     * A fourth planted bug, a reply counted twice: two clients add to a counter on n2, each addition
     * sent again when its reply is late, with a time-out (3 ms) shorter than the network's slowest
     * round trip (two frames of up to 2 ms). An addition whose reply was only slow is made twice,
     * and the counter ends above the additions confirmed: some seed of the first 20 finds it and
     * finds it again; a counter that knows the additions it made (by the client's own id for each)
     * counts each once under every seed.
     */
    @Test
    void theSimulationFindsAReplyCountedTwice() throws Exception {
        Long found = null;
        for (long seed = 1; seed <= 20 && found == null; seed++) {
            if (!eachAdditionCountedOnce(seed, false)) {
                found = seed;
            }
        }
        assertTrue(found != null, "no seed of 20 found the bug");
        assertFalse(eachAdditionCountedOnce(found, false), "seed " + found + " finds it again");
        for (long seed = 1; seed <= 5; seed++) {
            assertTrue(eachAdditionCountedOnce(seed, true), "with the additions' ids, seed " + seed);
        }
    }

    /** Whether the counter of {@link #theSimulationFindsAReplyCountedTwice} counted each confirmed addition once. */
    private static boolean eachAdditionCountedOnce(long seed, boolean byId) throws Exception {
        try (SimulatedCluster c = start("twice", seed)) {
            Set<String> counted = new TreeSet<>();
            long[] counter = {0};
            ProcessId adder = c.node(1).spawn("counter", k -> {
                while (true) {
                    Request r = k.receive();
                    if (!byId || counted.add((String) r.message())) {
                        counter[0]++;
                    }
                    k.reply(r, "added");
                }
            });
            AtomicInteger confirmed = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            for (int n : new int[] {0, 2}) {
                c.node(n).spawn("client", k -> {
                    for (int i = 0; i < 20; i++) {
                        String addition = k.node().name() + ":" + i;
                        while (true) {
                            try {
                                k.send(adder, addition, Duration.ofMillis(3));
                                confirmed.incrementAndGet();
                                break;
                            } catch (IpcTimeoutException late) {
                                // sent again: the first may have been added
                            }
                        }
                    }
                    done.incrementAndGet();
                });
            }
            c.run(Duration.ofSeconds(10));
            assertEquals(2, done.get(), "both clients are done");
            assertEquals(40, confirmed.get());
            return counter[0] == confirmed.get();
        }
    }

    /**
     * A persistent memory with backup copies in the simulation: its page logs' writes run as steps
     * of the simulation. Processes on the three nodes add to their counters; a crashed node started
     * again from its log joins the running cluster and reads every addition; every node crashed and
     * started again from its log comes back with all of them. A seed replays the same history.
     */
    @Test
    void aPersistentMemoryComesBackFromItsLogsInTheSimulation(@TempDir Path dir) throws Exception {
        List<String> first = persistentRun(dir.resolve("first"), 5);
        assertEquals(first, persistentRun(dir.resolve("again"), 5), "the same seed, the same history");
        assertTrue(first.get(0).startsWith("written [20, 20, 20] at step "), first.toString());
        assertEquals(List.of("n3 started again [20, 20, 20]", "after all restarted [60, 60, 60]"),
                first.subList(1, 3));
    }

    /** The history of {@link #aPersistentMemoryComesBackFromItsLogsInTheSimulation} under {@code seed}. */
    private static List<String> persistentRun(Path data, long seed) throws Exception {
        MemoryConfig memory = MemoryConfig.of(List.of(MemoryConfig.Region.of("counters", 3 * 64))).withPageSize(64)
                .withManagement(dev.iris.runtime.dsm.PageManagement.FIXED).withManagers(NODES).withBackup(true)
                .withPersistent(true);
        List<String> history = new ArrayList<>();
        try (SimulatedCluster c = SimulatedCluster.start("persistent", NODES, Codecs.of(), seed, LATENCY_MIN,
                LATENCY_MAX, config -> config.withMemory(memory).withDataDirectory(data.resolve(config.node())))) {
            for (int n = 0; n < NODES.size(); n++) {
                int slot = n;
                c.call(n, "adder", Duration.ofMinutes(1), k -> {
                    long counter = k.memory().region("counters").base() + 64L * slot; // a page each
                    for (int i = 0; i < 20; i++) {
                        k.memory().getAndAdd(counter, 1);
                    }
                    return null;
                });
            }
            history.add("written " + counters(c, 0) + " at step " + c.steps());
            c.crash("n3");
            c.run(Duration.ofSeconds(5));
            c.restart("n3");
            c.run(Duration.ofSeconds(1));
            history.add("n3 started again " + counters(c, 2));
            for (int n = 0; n < NODES.size(); n++) {
                int slot = n;
                c.call(n, "adder", Duration.ofMinutes(1), k -> {
                    long counter = k.memory().region("counters").base() + 64L * slot;
                    for (int i = 0; i < 40; i++) {
                        k.memory().getAndAdd(counter, 1);
                    }
                    return null;
                });
            }
            for (String node : NODES) {
                c.crash(node);
            }
            for (String node : NODES) {
                c.restart(node);
            }
            c.run(Duration.ofSeconds(5));
            history.add("after all restarted " + counters(c, 1));
        }
        return history;
    }

    /** The three counters, as node {@code n} reads them. */
    private static List<Long> counters(SimulatedCluster c, int n) throws Exception {
        return c.call(n, "reader", Duration.ofMinutes(1), k -> {
            long base = k.memory().region("counters").base();
            return List.of(k.memory().getLong(base), k.memory().getLong(base + 64), k.memory().getLong(base + 128));
        });
    }

    /** A crashed node is declared dead by the others; started again, it joins them, and a process on it answers. */
    @Test
    void aCrashedNodeRestartsAndJoinsAgain() throws Exception {
        try (SimulatedCluster c = start("restart", 9)) {
            c.crash("n3");
            c.run(Duration.ofSeconds(5));
            assertEquals(2, c.node(0).members().size(), "n3 was declared dead: " + c.node(0).members());
            assertThrows(IllegalStateException.class, () -> c.restart("n1"), "n1 runs");
            Node n3 = c.restart("n3");
            c.run(Duration.ofSeconds(5));
            assertEquals(3, c.node(0).members().size(), "n3 joined again: " + c.node(0).members());
            assertEquals(3, n3.members().size(), n3.members().toString());
            ProcessId echo = n3.spawn("echo", k -> k.reply(k.receive(), "back"));
            assertEquals("back", c.call(0, "client", Duration.ofSeconds(10), k -> k.send(echo, "hi",
                    Duration.ofSeconds(5))));
        }
    }

    /** A receive's time-out of a simulated minute passes on the simulated clock, while heartbeats keep the members. */
    @Test
    void timeOutsRunOnTheSimulatedClock() throws Exception {
        try (SimulatedCluster c = start("timeouts", 7)) {
            Duration before = c.elapsed();
            Request nothing = c.call(0, "waiter", Duration.ofMinutes(2), k -> k.receive(Duration.ofMinutes(1)));
            assertNull(nothing);
            Duration waited = c.elapsed().minus(before);
            assertTrue(waited.compareTo(Duration.ofMinutes(1)) >= 0 && waited.compareTo(Duration.ofSeconds(61)) < 0,
                    "a simulated minute passed: " + waited);
            assertTrue(c.node(1).members().size() == 3, "heartbeats kept the members alive meanwhile: "
                    + c.node(1).members());

            // so does a wait for members that do not come
            boolean three = c.call(0, "counter", Duration.ofMinutes(2), k -> c.node(0).awaitMembers(3, Duration.ofMinutes(1)));
            assertTrue(three);
            before = c.elapsed();
            boolean four = c.call(0, "counter", Duration.ofMinutes(2), k -> c.node(0).awaitMembers(4, Duration.ofMinutes(1)));
            assertFalse(four);
            waited = c.elapsed().minus(before);
            assertTrue(waited.compareTo(Duration.ofMinutes(1)) >= 0 && waited.compareTo(Duration.ofSeconds(61)) < 0,
                    "a simulated minute passed: " + waited);
        }
    }

    /**
     * A process interrupted while it waits on the simulated clock stops waiting, as it would on the
     * JVM's: its wait must not return at once, again and again, while the clock stands still. (A
     * crashed node's process, interrupted in its wait for a commit's backup copies, once ran on for
     * ever at one simulated instant: the bank's seed 10 never ended.)
     */
    @Test
    @Timeout(30) // without the fix it never ends
    void anInterruptedWaitEndsAndTheClockGoesOn() throws Exception {
        try (SimulatedCluster c = start("interrupted", 3)) {
            CompletableFuture<Void> never = new CompletableFuture<>();
            CompletableFuture<Throwable> ended = new CompletableFuture<>();
            c.node(1).spawn("waiter", k -> {
                try {
                    c.node(1).await(never, Duration.ofMinutes(10));
                } catch (Throwable e) {
                    ended.complete(e);
                }
            });
            c.run(Duration.ofSeconds(1));
            assertFalse(ended.isDone(), "it waits");
            Duration crashed = c.elapsed();
            c.crash("n2"); // interrupts its processes
            c.run(Duration.ofSeconds(1));
            assertTrue(ended.getNow(null) instanceof InterruptedException, "its wait ended: " + ended.getNow(null));
            assertTrue(c.elapsed().compareTo(crashed.plusSeconds(1)) >= 0, "the clock went on: " + c.elapsed());
        }
    }

    /**
     * Faults the simulation injects by itself come from the seed: the same seed injects the same
     * faults at the same simulated times again, another seed others. Never the first node and never
     * more than a minority is down; a node that starts again is handed over (to start its
     * processes). Every kind comes within a few seeds.
     */
    @Test
    void injectedFaultsComeFromTheSeed() throws Exception {
        List<String> five = injected(5);
        assertEquals(five, injected(5), "replayed");
        assertNotEquals(five, injected(6));
        Set<String> kinds = new TreeSet<>();
        Set<String> all = Set.of("crashed", "restarted", "cut", "healed", "slowed");
        for (long seed = 5; seed <= 20 && !kinds.containsAll(all); seed++) {
            for (String fault : injected(seed)) {
                kinds.add(fault.replaceAll("^[0-9.]+ s: (\\w+).*", "$1"));
            }
        }
        assertEquals(all, kinds, "no fault failed to be injected, and every kind came");
    }

    /** With five nodes too: two may be down, and a cut leaves the first node's side a majority of all five. */
    @Test
    void injectedFaultsKeepAMajorityOfFiveTogether() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            injected(seed, List.of("n1", "n2", "n3", "n4", "n5"));
        }
    }

    /**
     * The faults of a plan come at their moments: replayed on the seed that drew them, the run's
     * faults are those it drew, told alike; the plan's text reads back as the plan; a plan without
     * its first fault injects the others (those that can still happen) at their moments. A plan that
     * is not one is refused, saying what a fault looks like.
     */
    @Test
    void aFaultPlanReplaysTheFaultsASeedDrew() throws Exception {
        List<PlannedFault> drawn = new ArrayList<>();
        List<String> told = injected(7, NODES, null, drawn);
        List<PlannedFault> replayed = new ArrayList<>();
        assertEquals(told, injected(7, NODES, drawn, replayed), "the faults told, from the plan");
        assertEquals(drawn, replayed);
        assertEquals(drawn, PlannedFault.parse(PlannedFault.format(drawn)), "the plan read back from its text");
        List<PlannedFault> fewer = drawn.subList(1, drawn.size());
        List<PlannedFault> without = new ArrayList<>();
        injected(7, NODES, fewer, without);
        assertFalse(without.contains(drawn.get(0)), "the fault left out: " + drawn.get(0));
        assertTrue(fewer.containsAll(without) && without.size() > fewer.size() / 2, without + " of " + fewer);
        assertEquals(List.of(new PlannedFault(4_211_538_112L, SimulatedCluster.Fault.KILL, List.of("n2"), 0),
                new PlannedFault(7_500_000_000L, SimulatedCluster.Fault.PARTITION, List.of("n2", "n3"), 2_100_000_000L),
                new PlannedFault(9_000_000_000L, SimulatedCluster.Fault.DELAY, List.of(), 3_000_000_000L)),
                PlannedFault.parse("4.211538112s kill n2; 7.5s partition n2,n3 for 2.1s;9s delay for 3s"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlannedFault.parse("1s kill n2; 3s explode n2"));
        assertTrue(e.getMessage().startsWith("'3s explode n2' is not a fault: a fault is '<seconds>s kill <node>'"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PlannedFault.parse("1s kill"));
        assertTrue(e.getMessage().startsWith("a kill names one node and lasts no time"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PlannedFault.parse("1s partition n2, for 1s"));
        assertTrue(e.getMessage().startsWith("'' cannot be a node of a fault plan"), e.getMessage());
    }

    /**
     * A simulation's threads leave their log records to its driver, which writes them once they
     * have parked: a process that wrote itself could block on the console's lock held by a thread
     * outside the simulation (a test runner's flusher), holding the handler's monitor the driver
     * then waits for. The node that a fault plan starts again logs that it listens, on this thread.
     */
    @Test
    void theSimulationsThreadsLeaveTheirLogRecordsToItsDriver() throws Exception {
        Logger runtime = Logger.getLogger("dev.iris.runtime");
        List<String> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add((Thread.currentThread().isVirtual() ? "virtual " : "") + r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        runtime.addHandler(handler);
        try (SimulatedCluster c = start("logs", 4)) {
            List<String> told = new ArrayList<>();
            c.injectFaults(PlannedFault.parse("1s kill n2; 2s restart n2"), told::add, n -> { });
            c.run(Duration.ofSeconds(3));
            assertEquals(2, told.size(), told.toString());
        } finally {
            runtime.removeHandler(handler);
        }
        assertTrue(records.stream().filter(r -> r.contains("listening on")).count() > NODES.size(), records.toString());
        assertTrue(records.stream().noneMatch(r -> r.startsWith("virtual ")), records.toString());
    }

    /**
     * A plan replays the run that drew it also when the injector wakes and no fault can happen (only
     * kills, and one leaves no more majority to kill from): its wakes cost the processes no choice,
     * so the processes' history is the same with the plan, which has no such wakes.
     */
    @Test
    void aPlanReplaysTheRunThatDrewItAlsoWhenNoFaultCanHappen() throws Exception {
        List<PlannedFault> plan = new ArrayList<>();
        List<String> drawn = killAndChatter(3, null, plan);
        assertEquals(List.of(SimulatedCluster.Fault.KILL), plan.stream().map(PlannedFault::kind).toList());
        assertTrue(drawn.size() > 1_000, drawn.size() + " message events");
        assertEquals(drawn, killAndChatter(3, plan, new ArrayList<>()));
    }

    /**
     * Three clients on n1 send to an echo on n1, each pausing 20 ms between sends, for 30 simulated
     * seconds, while kills are drawn (one every second on average) or come from {@code plan}; n1's
     * message events, with the plan injected into {@code injected}.
     */
    private static List<String> killAndChatter(long seed, List<PlannedFault> plan, List<PlannedFault> injected)
            throws Exception {
        List<String> events = new ArrayList<>();
        try (SimulatedCluster c = start("chatter", seed)) {
            c.node(0).addMessageListener(e -> events.add(e.nanos() + " " + e.kind() + " " + e.content()));
            ProcessId echo = c.node(0).spawn("echo", k -> {
                while (true) {
                    Request r = k.receive();
                    k.reply(r, r.message());
                }
            });
            for (int i = 0; i < 3; i++) {
                int client = i;
                c.node(0).spawn("client", k -> {
                    for (int j = 0; j < 1_000; j++) {
                        k.send(echo, client + ":" + j, Duration.ofSeconds(5));
                        k.receive(Duration.ofMillis(20));
                    }
                });
            }
            if (plan == null) {
                c.injectFaults(EnumSet.of(SimulatedCluster.Fault.KILL), Duration.ofSeconds(1), f -> { }, n -> { });
            } else {
                c.injectFaults(plan, f -> { }, n -> { });
            }
            c.run(Duration.ofSeconds(30));
            injected.addAll(c.faultPlan());
        }
        return events;
    }

    private static List<String> injected(long seed) {
        return injected(seed, NODES);
    }

    private static List<String> injected(long seed, List<String> names) {
        return injected(seed, names, null, new ArrayList<>());
    }

    /**
     * A minute of seed {@code seed}'s faults on {@code names}, drawn or those of {@code plan}, with
     * the plan of those injected into {@code injected}; checks what must hold after each simulated
     * second, and that every cut leaves a majority on the first node's side.
     */
    private static List<String> injected(long seed, List<String> names, List<PlannedFault> plan,
            List<PlannedFault> injected) {
        int majority = names.size() / 2 + 1;
        try (SimulatedCluster c = SimulatedCluster.start("faults", names, Codecs.of(), seed, LATENCY_MIN, LATENCY_MAX,
                UnaryOperator.identity())) {
            List<String> told = new ArrayList<>();
            List<Node> restarted = new ArrayList<>();
            if (plan == null) {
                c.injectFaults(EnumSet.allOf(SimulatedCluster.Fault.class), Duration.ofSeconds(2), told::add,
                        restarted::add);
            } else {
                c.injectFaults(plan, told::add, restarted::add);
            }
            for (int second = 0; second < 60; second++) {
                c.run(Duration.ofSeconds(1));
                assertFalse(c.node(0).closed(), "the first node is never killed");
                assertTrue(c.nodes().stream().filter(n -> !n.closed()).count() >= majority, "a majority up: " + told);
            }
            assertEquals(told, c.faults());
            assertEquals(told.stream().filter(f -> f.contains(": restarted")).count(), restarted.size());
            for (String fault : told) {
                assertFalse(fault.contains("could not"), fault);
                if (fault.contains(": cut ")) {
                    String rest = fault.replaceAll(".* off from (.*) for .*", "$1");
                    assertTrue(rest.startsWith(names.get(0)) && rest.split(", ").length >= majority, fault);
                }
            }
            assertTrue(told.size() > 10 || plan != null, "about one fault every 2 s: " + told);
            injected.addAll(c.faultPlan());
            return told;
        }
    }

    /**
     * A send to a process that never answers times out on the simulated clock, also in a simulation
     * that follows another on this thread (each loop keeps its own deadlines).
     */
    @Test
    void aSendTimesOutInEachSimulationOnAThread() throws Exception {
        for (long seed = 1; seed <= 2; seed++) {
            try (SimulatedCluster c = start("deadlines", seed)) {
                ProcessId silent = c.node(1).spawn("silent", k -> {
                    while (true) {
                        k.receive();
                    }
                });
                IpcTimeoutException e = assertThrows(IpcTimeoutException.class, () -> c.call(0, "sender",
                        Duration.ofMinutes(1), k -> k.send(silent, "hello?", Duration.ofSeconds(5))));
                assertTrue(e.getMessage().contains("no reply from"), "simulation " + seed + ": " + e.getMessage());
            }
        }
    }

    /**
     * The thread that runs the simulation may not wait on a node itself (it alone runs the
     * simulation that would answer): a page fault from it is refused with an error that says why.
     * A thread outside the simulation may not wait on its time.
     */
    @Test
    void theSimulationsOwnThreadMayNotBlockOnANode() throws Exception {
        MemoryConfig memory = MemoryConfig.of(List.of(MemoryConfig.Region.of("data", 4096))).withManagers(NODES);
        try (SimulatedCluster c = SimulatedCluster.start("driver", NODES, Codecs.of(), 1, LATENCY_MIN, LATENCY_MAX,
                config -> config.withMemory(memory))) {
            long address = c.node(0).memory().region("data").base();
            Blocking.Refused e = assertThrows(Blocking.Refused.class, () -> c.node(2).memory().getLong(address));
            assertTrue(e.getMessage().contains("the thread that runs a simulation may not block"), e.getMessage());
            assertEquals(0L, (long) c.call(2, "reader", Duration.ofSeconds(5), k -> k.memory().getLong(address)),
                    "a process may");
            AtomicReference<Throwable> outside = new AtomicReference<>();
            Thread.ofPlatform().start(() -> {
                try {
                    c.node(0).await(new CompletableFuture<>(), Duration.ofSeconds(1));
                } catch (Throwable x) {
                    outside.set(x);
                }
            }).join();
            assertTrue(outside.get() instanceof IllegalStateException
                    && outside.get().getMessage().contains("is outside the simulation"), String.valueOf(outside.get()));
        }
    }

    /** A process that sleeps (a wait the simulation does not control) makes the run fail, naming it and where it sleeps. */
    @Test
    void aProcessThatSleepsIsReported() throws Exception {
        try (SimulatedCluster c = start("sleeper", 1)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> c.call(0, "sleeper", Duration.ofSeconds(10), k -> {
                        Thread.sleep(60_000); // its timer cannot fire before the simulation looks
                        return null;
                    }));
            assertTrue(e.getMessage().contains("not deterministic") && e.getMessage().contains("'iris:n1:sleeper:")
                    && e.getMessage().contains("waits with a time-out") && e.getMessage().contains("SimulatedClusterTest"),
                    e.getMessage());
        }
    }
}
