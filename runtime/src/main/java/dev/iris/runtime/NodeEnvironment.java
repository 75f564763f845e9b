package dev.iris.runtime;

import dev.iris.runtime.internal.NodeTime;
import dev.iris.runtime.dsm.SharedMemory;
import dev.iris.runtime.internal.store.PageLog;
import io.netty.util.concurrent.Future;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * What a node runs on besides its configuration: the JVM's time, threads and randomness, or a
 * simulation's ({@link SimulatedCluster}), under which the same protocol classes run unchanged.
 *
 * @param time       the node's time, on which its time-outs and failure detection run
 * @param random     draws the first numbers of the node's ids (requests, processes, groups, page
 *                   faults: a late answer to an earlier incarnation of the node then matches nothing
 *                   new) and its random back-offs; the JVM's is thread-safe, a simulation's runs on
 *                   its one thread
 * @param threads    makes its processes' threads (name, body); null: the JDK's virtual threads, or
 *                   the event loop's with {@link NodeConfig#processesOnEventLoop()}
 * @param eventNanos stamps the node's message events
 * @param waiter     waits for a channel's future (binding, closing)
 * @param disk       makes the page log's writes durable (a persistent memory's)
 * @param blockingIo runs the page log's file I/O (a name for its threads, how many): the JVM's
 *                   daemon threads, or a simulation's steps
 * @param memoryView the node's shared memory as its program sees it (node name, memory): the
 *                   memory itself, or a simulation's checked view of it
 */
record NodeEnvironment(NodeTime time, RandomGenerator random, BiFunction<String, Runnable, Thread> threads,
        LongSupplier eventNanos, Waiter waiter, PageLog.Disk disk,
        BiFunction<String, Integer, ExecutorService> blockingIo,
        BiFunction<String, SharedMemory, SharedMemory> memoryView) {

    /** Waits for a Netty future. */
    interface Waiter {
        /** Waits until {@code future} is done, at most {@code millis}; whether it is. */
        boolean await(Future<?> future, long millis);
    }

    /** The JVM's: its running time, {@link ThreadLocalRandom}, blocking waits. */
    static NodeEnvironment jvm() {
        return new NodeEnvironment(new NodeTime(), () -> ThreadLocalRandom.current().nextLong(), null, System::nanoTime,
                (future, millis) -> millis == Long.MAX_VALUE ? future.awaitUninterruptibly().isDone()
                        : future.awaitUninterruptibly(millis, TimeUnit.MILLISECONDS), PageLog.Disk.REAL,
                NodeEnvironment::daemonThreads, (node, memory) -> memory);
    }

    /** {@code count} daemon threads named {@code name} and a number, which end after 30 s without work. */
    private static ExecutorService daemonThreads(String name, int count) {
        AtomicInteger made = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(count, count, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, name + made.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** This environment with {@code disk} under the page log (a test's, that fails or holds a force). */
    NodeEnvironment withDisk(PageLog.Disk disk) {
        return new NodeEnvironment(time, random, threads, eventNanos, waiter, disk, blockingIo, memoryView);
    }
}
