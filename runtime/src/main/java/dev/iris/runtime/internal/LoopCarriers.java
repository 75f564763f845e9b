package dev.iris.runtime.internal;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Virtual threads carried by an event loop: a process's thread runs on its node's loop instead of
 * the JDK's shared carrier threads. A reply, a page or a request read on that loop then resumes the
 * thread waiting for it without waking another thread, and what the thread writes is flushed by the
 * loop it already runs on.
 *
 * <p>Each resumption of such a thread is one task on the loop, which runs it between its I/O until
 * the thread blocks (parks). A watchdog thread, one per JVM, looks at every loop every half limit:
 * <ul>
 * <li>a thread that has held the loop longer than the limit without blocking is reported with a
 * warning and its stack, and is carried by the shared carriers (a {@link ForkJoinPool}) from its
 * next resumption on, for good (the stretch in progress cannot be taken off the loop);
 * <li>a resumption that has waited longer than the limit for the loop to start it runs on the
 * shared carriers instead, with a warning: the loop is held by something else, possibly blocked on
 * a monitor that the waiting thread owns (a virtual thread that waits to enter a monitor gives up
 * its carrier while it keeps the monitors it holds), which would otherwise never end.
 * </ul>
 * Virtual threads that a carried thread starts, and every resumption once {@link #close} was
 * called (the loop may stop taking tasks), run on the shared carriers.
 *
 * <p>What still holds the loop: a thread that blocks where the JDK cannot unmount it (in a class
 * initializer or a native frame) and blocking file I/O, for as long as they last.
 *
 * <p>It needs {@link VirtualThreads} (Java 24 or newer, where a virtual thread that waits on a
 * monitor does not hold its carrier, here the loop, for the wait). {@link #unavailable} says what
 * is missing.
 */
public final class LoopCarriers {
    private static final System.Logger LOG = Log.of(LoopCarriers.class);

    private final String node;
    private final Executor loop;
    private final long limitNanos;
    /** The threads made here that have not ended. */
    private final Set<Carrier> live = ConcurrentHashMap.newKeySet();
    /** The thread running on the loop now (written after {@link #since}, read before it), else null. */
    private volatile Carrier holder;
    private volatile long since;
    private volatile boolean closed;

    /**
     * Carriers on {@code loop} for the processes of {@code node}; a thread that holds the loop, or
     * waits for it, longer than {@code limitNanos} moves to the shared carriers.
     *
     * @throws IllegalStateException if {@link #unavailable}
     */
    public LoopCarriers(String node, Executor loop, long limitNanos) {
        if (VirtualThreads.unavailable() != null) {
            throw new IllegalStateException("node '" + node + "': processes on the event loop need "
                    + VirtualThreads.unavailable());
        }
        this.node = node;
        this.loop = loop;
        this.limitNanos = limitNanos;
    }

    /** What this JVM lacks to carry virtual threads on an event loop, or null if nothing. */
    public static String unavailable() {
        return VirtualThreads.unavailable();
    }

    /** An unstarted virtual thread named {@code name} that runs {@code body} on the loop. */
    public Thread newThread(String name, Runnable body) {
        Carrier carrier = new Carrier();
        Thread thread = VirtualThreads.builder(carrier).name(name).unstarted(() -> {
            try {
                body.run();
            } finally {
                live.remove(carrier);
            }
        });
        carrier.thread = thread;
        live.add(carrier);
        Watchdog.watch(this);
        return thread;
    }

    /**
     * From now on every resumption runs on the shared carriers (the loop may stop taking tasks);
     * the watchdog still rescues those queued on the loop until the threads end.
     */
    public void close() {
        closed = true;
    }

    /** Moves a thread that has held the loop too long, and resumptions that waited too long for it. */
    private void check(long now) {
        Carrier h = holder;
        long start = since;
        if (h != null && !h.shared && now - start > limitNanos) {
            h.toShared(now - start);
        }
        for (Carrier c : live) {
            if (c.state.get() == Carrier.QUEUED && now - c.queuedAt > limitNanos) {
                c.rescue(now - c.queuedAt);
            }
        }
    }

    /**
     * The scheduler of one virtual thread: each resumption is a task on the loop (the carrier itself,
     * so none is made per resumption), or on the shared carriers.
     */
    private final class Carrier implements Executor, Runnable {
        static final int IDLE = 0;
        static final int QUEUED = 1;

        final AtomicInteger state = new AtomicInteger(IDLE);
        volatile Thread thread;
        volatile boolean shared;
        volatile long queuedAt;
        /** The thread's continuation: the JDK submits the same task at every resumption. */
        private Runnable continuation;

        @Override
        public void execute(Runnable task) {
            if (continuation == null) {
                continuation = task;
            }
            if (task != continuation || shared || closed) { // a thread the carried one started; or moved
                Shared.POOL.execute(task);
                return;
            }
            queuedAt = System.nanoTime();
            state.set(QUEUED);
            try {
                loop.execute(this);
            } catch (RejectedExecutionException e) { // the loop shut down
                if (state.compareAndSet(QUEUED, IDLE)) {
                    Shared.POOL.execute(task);
                }
            }
        }

        /** The loop's task: runs the resumption unless the watchdog took it to the shared carriers. */
        @Override
        public void run() {
            if (!state.compareAndSet(QUEUED, IDLE)) {
                return;
            }
            since = System.nanoTime();
            holder = this;
            try {
                continuation.run();
            } finally {
                holder = null;
            }
        }

        void rescue(long waitedNanos) {
            if (state.compareAndSet(QUEUED, IDLE)) {
                LOG.log(Level.WARNING, "{0} waited {1} ms for the event loop of node ''{2}'' to resume it; it resumes "
                        + "on a shared carrier thread (the loop is held by something else)", name(),
                        TimeUnit.NANOSECONDS.toMillis(waitedNanos), node);
                Shared.POOL.execute(continuation);
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
                    name(), node, TimeUnit.NANOSECONDS.toMillis(heldNanos), stack);
        }

        private String name() {
            Thread t = thread;
            return t == null ? "a process" : t.getName();
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

    /**
     * One daemon thread for the JVM that checks every loop with live threads every half limit,
     * parked while there is none.
     */
    private static final class Watchdog {
        private static final Set<LoopCarriers> WATCHED = ConcurrentHashMap.newKeySet();
        private static Thread thread;

        static synchronized void watch(LoopCarriers carriers) {
            if (WATCHED.add(carriers)) {
                if (thread == null) {
                    thread = Thread.ofPlatform().daemon().name("iris-loop-watchdog").start(Watchdog::run);
                }
                LockSupport.unpark(thread);
            }
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
                for (LoopCarriers c : WATCHED) {
                    c.check(now);
                    if (c.live.isEmpty()) {
                        WATCHED.remove(c);
                        if (!c.live.isEmpty()) { // a thread made meanwhile
                            watch(c);
                        }
                    }
                }
            }
        }
    }
}
