package dev.iris.bench.cluster;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * How every system is measured, the same way: latency with one request in flight (each one timed
 * into an HdrHistogram), throughput as a closed loop with several in flight (operations counted
 * over a window of fixed length).
 */
final class Measure {
    /**
     * Durations of one measurement: the JVMs' warm-up once after they start, the warm-up before each
     * latency and each throughput, the latency's and the throughput's windows (0: none).
     * {@link #SMOKE} keeps the harness exercised in CI in seconds.
     */
    record Durations(long jvmWarmupMillis, long warmupMillis, long latencyMillis, long throughputMillis) {
        static final Durations FULL = new Durations(16_000, 300, 1_000, 1_000);
        static final Durations SMOKE = new Durations(0, 100, 200, 200);
    }

    /** One operation, run by the thread that measures it. */
    interface Op {
        void run() throws Exception;
    }

    /** Load that keeps {@code inFlight} operations outstanding and counts each completed one. */
    interface Load {
        void start(int inFlight, LongAdder done) throws Exception;

        void stop() throws Exception;
    }

    private Measure() {
    }

    /**
     * The histogram of a latency window that an event loop records into, which tells when it holds
     * its first samples: a window is timed, but a loaded machine may run no request in it.
     */
    static final class Recording {
        static final int MIN_SAMPLES = 10;
        final Histogram histogram = histogram();
        private final CompletableFuture<Void> enough = new CompletableFuture<>();

        /** Records one latency (by one thread at a time). */
        void record(long nanos) {
            histogram.recordValue(Math.max(1_000, nanos));
            if (histogram.getTotalCount() == MIN_SAMPLES) {
                enough.complete(null);
            }
        }

        /** Waits out the window, then until it holds {@link #MIN_SAMPLES} samples (60 s at most). */
        void await(Durations d) throws Exception {
            TimeUnit.MILLISECONDS.sleep(d.latencyMillis());
            enough.get(60, TimeUnit.SECONDS);
        }
    }

    /** A histogram for latencies from 1 µs to 60 s in nanoseconds, 3 significant digits. */
    static Histogram histogram() {
        return new Histogram(TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(60), 3);
    }

    /**
     * Runs {@code op} back to back: unrecorded for the warm-up, then timed one by one, with the
     * threads woken meanwhile counted by {@code wakeups}.
     */
    static Histogram latency(Op op, Durations d, Wakeups wakeups) throws Exception {
        Histogram h = histogram();
        long warmEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(d.warmupMillis());
        while (System.nanoTime() < warmEnd) {
            op.run();
        }
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(d.latencyMillis());
        long t;
        wakeups.start();
        do {
            long start = System.nanoTime();
            op.run();
            t = System.nanoTime();
            h.recordValue(Math.max(1_000, t - start));
        } while (t < end);
        wakeups.stop();
        return h;
    }

    /** A throughput window's result: operations per second, and how many operations completed in it. */
    record Throughput(double opsPerSecond, long operations) {
    }

    /**
     * Starts {@code load}, lets it warm up, counts completions in the window, with the CPU time spent
     * meanwhile taken by {@code cpu}.
     */
    static Throughput throughput(Load load, int inFlight, Durations d, CpuTime cpu) throws Exception {
        LongAdder done = new LongAdder();
        load.start(inFlight, done);
        try {
            TimeUnit.MILLISECONDS.sleep(d.warmupMillis());
            cpu.start();
            long before = done.sum();
            long start = System.nanoTime();
            TimeUnit.MILLISECONDS.sleep(d.throughputMillis());
            long operations = done.sum() - before;
            long took = System.nanoTime() - start;
            cpu.stop();
            return new Throughput(operations * 1e9 / took, operations);
        } finally {
            load.stop();
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** A load of {@code inFlight} threads each running {@code op} in a loop. */
    static Load threads(String name, Op op) {
        return new Load() {
            private volatile boolean running;
            private Thread[] threads;

            @Override
            public void start(int inFlight, LongAdder done) {
                running = true;
                threads = new Thread[inFlight];
                for (int i = 0; i < inFlight; i++) {
                    threads[i] = Thread.ofPlatform().daemon().name(name + "-" + i).start(() -> {
                        try {
                            while (running) {
                                op.run();
                                done.increment();
                            }
                        } catch (Exception e) {
                            if (running) {
                                throw new IllegalStateException(name + " failed", e);
                            }
                        }
                    });
                }
            }

            @Override
            public void stop() throws InterruptedException {
                running = false;
                for (Thread t : threads) {
                    t.join(TimeUnit.SECONDS.toMillis(30));
                }
            }
        };
    }

    /** The two logical operations of the shared-array workload, on one 4 KiB slot. */
    interface Slots {
        void read(int slot, byte[] into);

        void write(int slot, byte[] from);
    }

    /**
     * The shared-array workload: {@code threads} threads each read (with probability
     * {@code readPercent}) or write a whole random slot of {@code slots}, back to back, for
     * {@code millis}; returns the number of operations.
     */
    static long mix(Slots array, int slots, int readPercent, int threads, long millis) throws InterruptedException {
        LongAdder ops = new LongAdder();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = Thread.ofPlatform().start(() -> {
                byte[] slot = new byte[DsmPeer.PAGE];
                java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
                long n = 0;
                while (System.nanoTime() < end) {
                    int key = random.nextInt(slots);
                    if (random.nextInt(100) < readPercent) {
                        array.read(key, slot);
                    } else {
                        slot[0]++;
                        array.write(key, slot);
                    }
                    n++;
                }
                ops.add(n);
            });
        }
        for (Thread w : workers) {
            w.join();
        }
        return ops.sum();
    }
}
