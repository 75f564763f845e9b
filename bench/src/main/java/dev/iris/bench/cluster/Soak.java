package dev.iris.bench.cluster;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.Dispatch;
import dev.iris.runtime.GroupReplies;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeConfig;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.ReplyMode;
import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.SharedMemory;
import dev.iris.runtime.security.ClusterAuthority;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The soak: three nodes on loopback TCP in this JVM, on mutual TLS as exported bundles are, under
 * mixed load for a while, with Netty's leak detector at paranoid level (every buffer tracked). Each node runs a group member that
 * echoes, two processes group-sending payloads from 64 B to 2 MiB (fragmented) with all replies,
 * and a thread on the shared memory (atomic adds and whole-page writes and reads). Every interval
 * it collects garbage and checks that every kind of work made progress.
 *
 * <pre>
 * Soak [--seconds N] [--backup]   (default 600 s; --backup: backup copies of pages on)
 * </pre>
 *
 * Prints one {@code SOAK ...} line with the figures and exits 0 when nothing failed, nothing
 * leaked, nothing stalled, no atomic add was lost, no page was seen half written and the heap
 * after GC stayed flat; else 1.
 */
public final class Soak {
    private static final LongAdder LEAKS = new LongAdder();
    private static final ProcessId GROUP = IrisPeer.GROUP;
    private static final int PAGE = 4096;
    private static final int SLOTS = 64;

    private final LongAdder groupSends = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder memoryOps = new LongAdder();
    private final LongAdder adds = new LongAdder();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        // before any buffer class exists: every buffer tracked, every leak counted
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                    long maxActive) {
                return new ResourceLeakDetector<>(resource, samplingInterval) {
                    @Override
                    protected void reportTracedLeak(String resourceType, String records) {
                        LEAKS.increment();
                        super.reportTracedLeak(resourceType, records);
                    }

                    @Override
                    protected void reportUntracedLeak(String resourceType) {
                        LEAKS.increment();
                        super.reportUntracedLeak(resourceType);
                    }
                };
            }
        });
        Harness.quietLogging();
        long seconds = 600;
        boolean backup = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--seconds")) {
                seconds = Long.parseLong(args[++i]);
            } else if (args[i].equals("--backup")) {
                backup = true;
            } else {
                System.err.println("usage: Soak [--seconds N] [--backup]");
                System.exit(2);
            }
        }
        System.exit(new Soak().run(seconds, backup) ? 0 : 1);
    }

    private boolean run(long seconds, boolean backup) throws Exception {
        List<String> names = List.of("s0", "s1", "s2");
        MemoryConfig memory = MemoryConfig.of(List.of(MemoryConfig.Region.of("counters", 3 * 8),
                new MemoryConfig.Region("slots", (long) SLOTS * PAGE, Consistency.SEQUENTIAL, null)))
                .withManagers(names).withBackup(backup);
        ClusterAuthority authority = ClusterAuthority.create("soak"); // the default a bundle gets: mutual TLS
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // port 0: the system picks each node's port as it binds; s1 and s2 seed with the port s0 got
            nodes.add(Node.start(NodeConfig.of(names.get(i), "soak", IrisPeer.loopback(0),
                    i == 0 ? List.of() : List.of(IrisPeer.loopback(IrisPeer.port(nodes.get(0))))).withMemory(memory)
                    .withCredentials(authority.issue(names.get(i))), Codecs.of()));
        }
        int workers = 3 * 3;
        CountDownLatch stopped = new CountDownLatch(workers);
        try {
            for (Node n : nodes) {
                if (!n.awaitMembers(3, Duration.ofSeconds(30))) {
                    throw new IllegalStateException(n + " sees " + n.members());
                }
            }
            CountDownLatch joined = new CountDownLatch(3);
            for (Node n : nodes) {
                n.spawn("echo", IrisPeer.echo(joined, Dispatch.PROCESS_THREAD));
            }
            joined.await(30, TimeUnit.SECONDS);
            for (int i = 0; i < 3; i++) {
                Node n = nodes.get(i);
                for (int p = 0; p < 2; p++) {
                    n.spawn("sender", k -> work(stopped, () -> {
                        byte[] payload = new byte[payloadSize()];
                        GroupReplies replies = k.sendGroup(GROUP, payload, ReplyMode.ALL, Duration.ofSeconds(30));
                        if (!replies.satisfied() || replies.replies().size() != 3) {
                            throw new IllegalStateException("group send: " + replies);
                        }
                        for (GroupReplies.Reply r : replies.replies()) {
                            if (((byte[]) r.message()).length != payload.length) {
                                throw new IllegalStateException("a reply of " + ((byte[]) r.message()).length
                                        + " bytes to " + payload.length);
                            }
                        }
                        groupSends.increment();
                        bytesSent.add(payload.length);
                    }));
                }
                int self = i;
                SharedMemory m = n.memory();
                Thread.ofPlatform().name("memory-" + i).start(() -> work(stopped, () -> memoryStep(m, self)));
            }
            return observe(nodes, seconds, stopped);
        } finally {
            running = false;
            stopped.await(60, TimeUnit.SECONDS);
            nodes.forEach(Node::close);
        }
    }

    private static int payloadSize() {
        int roll = ThreadLocalRandom.current().nextInt(1000);
        return roll < 2 ? 2 << 20 : roll < 100 ? 16 << 10 : roll < 500 ? 1024 : 64;
    }

    /** One step on the shared memory: an atomic add to this node's counter, or a whole slot written or read. */
    private void memoryStep(SharedMemory m, int self) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long slot = m.region("slots").base() + (long) random.nextInt(SLOTS) * PAGE;
        switch (random.nextInt(3)) {
            case 0 -> {
                m.getAndAdd(m.region("counters").base() + 8L * self, 1);
                adds.increment();
            }
            case 1 -> {
                byte[] page = new byte[PAGE];
                java.util.Arrays.fill(page, (byte) random.nextInt(1, 256));
                m.write(slot, page, 0, PAGE);
            }
            default -> {
                byte[] page = new byte[PAGE];
                m.read(slot, page, 0, PAGE);
                for (byte b : page) {
                    if (b != page[0]) {
                        throw new IllegalStateException("slot at 0x" + Long.toHexString(slot) + " seen half written");
                    }
                }
            }
        }
        memoryOps.increment();
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Runs {@code step} until the soak ends; the first failure of a worker is recorded and ends it. */
    private void work(CountDownLatch stopped, Step step) {
        try {
            while (running) {
                step.run();
            }
        } catch (Exception e) {
            if (running) {
                failures.add(Thread.currentThread().getName() + ": " + e);
            }
        } finally {
            stopped.countDown();
        }
    }

    private boolean observe(List<Node> nodes, long seconds, CountDownLatch stopped) throws Exception {
        long interval = Math.max(2, Math.min(30, seconds / 10));
        long heapStart = heapAfterGc();
        long heapMax = heapStart;
        int stalls = 0;
        long lastSends = 0;
        long lastOps = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds) && failures.isEmpty()) {
            TimeUnit.SECONDS.sleep(interval);
            long sends = groupSends.sum();
            long ops = memoryOps.sum();
            if (sends == lastSends || ops == lastOps) {
                stalls++;
                failures.add("no progress in " + interval + " s (group sends " + sends + ", memory operations " + ops + ")");
            }
            lastSends = sends;
            lastOps = ops;
            long heap = heapAfterGc();
            heapMax = Math.max(heapMax, heap);
            System.out.printf(Locale.ROOT, "[soak] %4d s: %,d group sends (%,d MiB), %,d memory operations, "
                    + "heap after GC %d MiB, leaks %d%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
                    sends, bytesSent.sum() >> 20, ops, heap >> 20, LEAKS.sum());
        }
        running = false;
        boolean allStopped = stopped.await(60, TimeUnit.SECONDS);
        if (!allStopped) {
            failures.add(stopped.getCount() + " workers still running 60 s after the end (stuck)");
        }
        SharedMemory m = nodes.get(0).memory();
        long counted = 0;
        for (int i = 0; i < 3; i++) {
            counted += m.getLong(m.region("counters").base() + 8L * i);
        }
        if (counted != adds.sum()) {
            failures.add("atomic adds: " + adds.sum() + " done, " + counted + " counted");
        }
        long heapEnd = heapAfterGc();
        // collected but unreleased buffers are reported when the detector next tracks an allocation
        for (int i = 0; i < 10_000; i++) {
            ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(64);
            b.release();
        }
        boolean flat = heapEnd <= Math.max(heapStart * 3 / 2, heapStart + (64L << 20));
        if (!flat) {
            failures.add("heap after GC grew from " + (heapStart >> 20) + " to " + (heapEnd >> 20) + " MiB");
        }
        if (LEAKS.sum() > 0) {
            failures.add(LEAKS.sum() + " leaked buffers reported");
        }
        System.out.printf(Locale.ROOT, "SOAK seconds=%d groupSends=%d mibSent=%d memoryOps=%d adds=%d counted=%d "
                + "leaks=%d stalls=%d heapStartMiB=%d heapMaxMiB=%d heapEndMiB=%d failures=%d%n", seconds,
                groupSends.sum(), bytesSent.sum() >> 20, memoryOps.sum(), adds.sum(), counted, LEAKS.sum(), stalls,
                heapStart >> 20, heapMax >> 20, heapEnd >> 20, failures.size());
        failures.forEach(f -> System.out.println("FAILURE " + f));
        return failures.isEmpty();
    }

    private static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
