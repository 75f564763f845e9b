package dev.iris.runtime.internal;

import java.lang.System.Logger.Level;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Virtual threads carried by an event loop: a process's thread runs on its node's loop instead of
 * the JDK's shared carrier threads. A reply, a page or a request read on that loop then resumes the
 * thread waiting for it without waking another thread, and what the thread writes is flushed by the
 * loop it already runs on.
 *
 * <p>The loop runs one such thread at a time, between its I/O, until the thread blocks (parks). A
 * thread that holds the loop longer than the limit without blocking is reported with a warning and
 * its stack, and is carried by the shared carriers (a {@link ForkJoinPool}) from its next
 * resumption on, for good. So is every thread once the loop no longer takes tasks (the node closes).
 * A watchdog thread, one per JVM, looks every half limit.
 *
 * <p>The JDK has no public API for a virtual thread's scheduler: this uses the constructor of
 * {@code java.lang.ThreadBuilders.VirtualThreadBuilder} that takes one (there since Java 21, "for
 * tests"), which needs {@code --add-opens java.base/java.lang=ALL-UNNAMED}; and Java 24 or newer, where
 * a virtual thread that waits on a monitor no longer pins its carrier (JEP 491), which on a loop would
 * stall the loop's I/O. {@link #unavailable} says what is missing.
 */
public final class LoopCarriers {
    private static final System.Logger LOG = System.getLogger(LoopCarriers.class.getName());
    private static final Constructor<?> BUILDER = builder();
    private static final String UNAVAILABLE = BUILDER != null ? null
            : Runtime.version().feature() < 24 ? "Java 24 or newer (this is Java " + Runtime.version().feature() + ")"
            : "the JVM option --add-opens java.base/java.lang=ALL-UNNAMED";

    private final String node;
    private final Executor loop;
    private final long limitNanos;
    /** The thread running on the loop now (written after {@link #since}, read before it), else null. */
    private volatile Carrier holder;
    private volatile long since;

    /**
     * Carriers on {@code loop} for the processes of {@code node}, watched until {@link #close}.
     *
     * @throws IllegalStateException if {@link #unavailable}
     */
    public LoopCarriers(String node, Executor loop, long limitNanos) {
        if (UNAVAILABLE != null) {
            throw new IllegalStateException("node '" + node + "': processes on the event loop need " + UNAVAILABLE);
        }
        this.node = node;
        this.loop = loop;
        this.limitNanos = limitNanos;
        Watchdog.watch(this);
    }

    /** What this JVM lacks to carry virtual threads on an event loop, or null if nothing. */
    public static String unavailable() {
        return UNAVAILABLE;
    }

    /** An unstarted virtual thread named {@code name} that runs {@code body} on the loop. */
    public Thread newThread(String name, Runnable body) {
        Carrier carrier = new Carrier();
        try {
            Thread.Builder.OfVirtual builder = (Thread.Builder.OfVirtual) BUILDER.newInstance(carrier);
            return carrier.thread = builder.name(name).unstarted(body);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a virtual thread on an event loop", e);
        }
    }

    /** Stops watching; threads still running move to the shared carriers once the loop refuses them. */
    public void close() {
        Watchdog.unwatch(this);
    }

    private static Constructor<?> builder() {
        if (Runtime.version().feature() < 24) {
            return null;
        }
        try {
            Constructor<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder")
                    .getDeclaredConstructor(Executor.class);
            c.setAccessible(true);
            return c;
        } catch (ReflectiveOperationException | RuntimeException e) { // InaccessibleObjectException without --add-opens
            return null;
        }
    }

    /** Looks whether a thread has held the loop too long; if so, moves it to the shared carriers. */
    private void check(long now) {
        Carrier h = holder;
        long start = since;
        if (h != null && !h.shared && now - start > limitNanos) {
            h.toShared(now - start);
        }
    }

    /**
     * The scheduler of one virtual thread: each resumption of the thread is a task on the loop, or on
     * the shared carriers once it has held the loop too long.
     */
    private final class Carrier implements Executor, Runnable {
        volatile Thread thread;
        volatile boolean shared;
        /** The virtual thread's continuation: the JDK submits the same task at every resumption. */
        private Runnable continuation;

        @Override
        public void execute(Runnable task) {
            if (shared) {
                Shared.POOL.execute(task);
                return;
            }
            if (continuation == null) {
                continuation = task;
            }
            try {
                loop.execute(task == continuation ? this : () -> carry(task));
            } catch (RejectedExecutionException e) { // the loop shuts down: its node closes
                Shared.POOL.execute(task);
            }
        }

        @Override
        public void run() {
            carry(continuation);
        }

        private void carry(Runnable task) {
            since = System.nanoTime();
            holder = this;
            try {
                task.run();
            } finally {
                holder = null;
            }
        }

        void toShared(long heldNanos) {
            shared = true;
            Thread t = thread;
            String stack = t == null ? "" : Arrays.stream(t.getStackTrace()).limit(12)
                    .map(f -> "\n\tat " + f).collect(Collectors.joining());
            LOG.log(Level.WARNING, "{0} has held the event loop of node ''{1}'' for {2} ms without blocking; it runs "
                    + "on the shared carrier threads from its next resumption on (a process on the event loop must not "
                    + "compute for long between blocking calls; see NodeConfig.processesOnEventLoop){3}",
                    t == null ? "a process" : t.getName(), node, TimeUnit.NANOSECONDS.toMillis(heldNanos), stack);
        }
    }

    /** The carriers of threads moved off their loop. */
    private static final class Shared {
        static final ForkJoinPool POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors(), pool -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("iris-carrier-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, true);
    }

    /** One daemon thread for the JVM that checks every watched loop every half limit, parked while none is watched. */
    private static final class Watchdog {
        private static final Set<LoopCarriers> WATCHED = ConcurrentHashMap.newKeySet();
        private static Thread thread;

        static synchronized void watch(LoopCarriers carriers) {
            WATCHED.add(carriers);
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("iris-loop-watchdog").start(Watchdog::run);
            }
            LockSupport.unpark(thread);
        }

        static void unwatch(LoopCarriers carriers) {
            WATCHED.remove(carriers);
        }

        private static void run() {
            while (true) {
                if (WATCHED.isEmpty()) {
                    LockSupport.park();
                    continue;
                }
                long interval = WATCHED.stream().mapToLong(c -> c.limitNanos / 2).min().orElse(0);
                LockSupport.parkNanos(interval);
                long now = System.nanoTime();
                WATCHED.forEach(c -> c.check(now));
            }
        }
    }
}
