package dev.iris.runtime.internal.simulation;

import dev.iris.runtime.internal.Blocking;
import dev.iris.runtime.internal.Log;
import dev.iris.runtime.internal.NodeTime;
import dev.iris.runtime.internal.VirtualThreads;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Runs a simulation on the thread that made it (the driver), one step at a time: the tasks of the
 * one event loop that every node shares until none is left, else one process thread among those
 * ready to run, chosen by the seed, until it blocks, else the clock moves on to the next timer. So
 * only one thing runs at a time, and what runs next is decided by the seed alone.
 *
 * <p>The processes' threads are virtual threads whose scheduler this is ({@link #newThread}); a
 * thread's wait with a time-out is a timer of the loop that wakes it ({@link #park}), so the JDK's
 * timer never resumes one. A process resumed by a thread other than the driver (the JDK's timer
 * after a timed wait the node's time did not make, its unblocker after a monitor wait, or a thread
 * of the program's own) is a {@linkplain #violation() violation}: it means the run depends on more
 * than the seed, and the next step fails naming that thread.
 *
 * <p>Threads: everything is called on the driver, or by a process while the driver runs it.
 */
public final class Scheduler implements NodeTime.Source {
    /** The JDK's thread that resumes virtual threads that waited for a monitor. */
    private static final String UNBLOCKER = "VirtualThread-unblocker";
    /** How long a process may stay blocked on a monitor between steps before the run fails (real time; a diagnosis). */
    private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(10);
    private final Thread driver = Thread.currentThread();
    private final Clock clock = new Clock();
    private final SimulatedLoop loop = new SimulatedLoop(driver, clock);
    private final SplittableRandom choices;
    private final SplittableRandom ids;
    private final SplittableRandom network;
    private final SplittableRandom faults;
    /** The continuations of the threads ready to run, by their {@link #order}; guarded by itself. */
    private final TreeMap<Long, Runnable> ready = new TreeMap<>();
    /** A thread's continuation's place among the ready: the order in which the threads first ran. */
    private final Map<Runnable, Long> order = new WeakHashMap<>();
    private long nextOrder;
    private final Executor carrier = this::resume;
    /** The continuations of the environment's threads ready to run ({@link #newEnvironmentThread}); guarded by {@link #ready}. */
    private final List<Runnable> environment = new ArrayList<>();
    private final Executor environmentCarrier = this::resumeEnvironment;
    /** The threads made here that may not have ended; only the driver (and the processes it runs) touch it. */
    private final List<Thread> threads = new ArrayList<>();
    /** The same, to look up (a resumption from one of them is the simulation's own). */
    private final Set<Thread> known = ConcurrentHashMap.newKeySet();
    /** Whether the driver was marked as a thread that must not block before (see {@link Blocking}). */
    private final boolean wasForbidden = Blocking.forbid("the thread that runs a simulation may not block on a node "
            + "itself, as it alone runs the simulation (use SimulatedCluster.call, or Node.call or Node.await)");
    /** Whether the driver runs a process now. */
    private volatile boolean inProcess;
    private volatile String violation;
    private long steps;
    /** What the running thread left for the driver to write ({@link Log#deferTo}); the driver drains it after each step. */
    private final List<Runnable> output = new ArrayList<>();
    /** What {@link #step} asks before the clock moves on ({@link #checkWhenIdle}). */
    private final List<Supplier<String>> checks = new ArrayList<>();

    /** A scheduler whose choices {@code seed} makes; its thread is the caller's. */
    public Scheduler(long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        this.choices = root.split();
        this.ids = root.split();
        this.network = root.split();
        this.faults = root.split(); // last: the streams split before it draw as they did before faults existed
    }

    /** The event loop of every node. */
    public EventLoopGroup loop() {
        return loop;
    }

    /** The simulated time, in nanoseconds since the simulation began. */
    @Override
    public long nanos() {
        return clock.nanoTime();
    }

    /** How many steps ran. */
    public long steps() {
        return steps;
    }

    /** What made the run depend on more than the seed, or null. */
    public String violation() {
        return violation;
    }

    /** Draws the first ids of a node (one draw per node, in the order they start). */
    public RandomGenerator ids() {
        return ids.split();
    }

    /** A network whose frames take from {@code minNanos} to {@code maxNanos}, drawn from the seed. */
    public Network network(long minNanos, long maxNanos) {
        return new Network(network, minNanos, maxNanos);
    }

    /** Draws the faults the simulation injects by itself. */
    public RandomGenerator faults() {
        return faults;
    }

    /**
     * Asks {@code check} whenever nothing is left to run before the clock moves on (every monitor
     * free but those parked processes hold); a finding it returns fails that step, with it as the
     * message. Once one check has found something, none runs again, so the simulation can close.
     */
    public void checkWhenIdle(Supplier<String> check) {
        checks.add(check);
    }

    /** An unstarted thread for a process, which this runs. */
    public Thread newThread(String name, Runnable body) {
        Thread t = VirtualThreads.builder(carrier).name(name).unstarted(deferringOutput(body));
        threads.add(t);
        known.add(t);
        return t;
    }

    /**
     * An unstarted thread of the simulation's environment (its fault injector), which this runs as
     * soon as it is ready, before any process, without a choice: its waking up, whether or not it
     * then does something, changes no process's place in the schedule. So a run whose environment
     * wakes more often (to find that no fault can happen then) is the same run.
     */
    public Thread newEnvironmentThread(String name, Runnable body) {
        Thread t = VirtualThreads.builder(environmentCarrier).name(name).unstarted(deferringOutput(body));
        threads.add(t);
        known.add(t);
        return t;
    }

    /** {@code body}, whose thread leaves its log records to the driver. */
    private Runnable deferringOutput(Runnable body) {
        return () -> {
            Log.deferTo(output::add);
            body.run();
        };
    }

    private void resumeEnvironment(Runnable continuation) {
        check(Thread.currentThread());
        synchronized (ready) {
            environment.add(continuation);
        }
    }

    /**
     * The JDK resumes a thread: from the driver or a process it runs, or from the JDK's unblocker
     * once a monitor the thread waits for (or was notified on) is free, which {@link #settle} waits for.
     */
    private void resume(Runnable continuation) {
        check(Thread.currentThread());
        synchronized (ready) {
            ready.put(order.computeIfAbsent(continuation, c -> nextOrder++), continuation);
        }
    }

    /** Notes a violation if {@code t}, which resumes a thread, is not the simulation's. */
    private void check(Thread t) {
        if (t != driver && !(inProcess && known.contains(t)) && !t.getName().equals(UNBLOCKER) && violation == null) {
            violation = "a process was resumed by thread '" + t.getName() + "', outside the simulation (a wait with a "
                    + "time-out that the simulation does not control, or a thread of the program's own)";
        }
    }

    /**
     * Waits until no thread is on its way to the ready ones: a thread notified on a monitor, or
     * waiting to enter one that is free now, is resumed by the JDK's unblocker thread a moment later.
     * Nothing runs meanwhile, so no monitor is held but by a thread that waits (parked): one blocked
     * on such a monitor for long is reported.
     */
    private void settle() {
        long since = 0;
        while (true) {
            int runnable = 0;
            boolean blocked = false;
            for (Thread t : threads) {
                Thread.State state = t.getState();
                blocked |= state == Thread.State.BLOCKED;
                runnable += state == Thread.State.RUNNABLE ? 1 : 0;
            }
            int queued;
            synchronized (ready) {
                queued = ready.size() + environment.size();
            }
            if (!blocked && runnable <= queued) { // fewer: threads a process started, not counted here
                return;
            }
            if (since == 0) {
                since = System.nanoTime();
            } else if (System.nanoTime() - since > STUCK_NANOS && violation == null) {
                violation = "a process is blocked on a monitor that a waiting process holds: "
                        + threads.stream().filter(t -> t.getState() == Thread.State.BLOCKED).map(t -> "'" + t.getName()
                                + "' at " + where(t)).toList();
                return;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Runs one step: the loop's tasks, or one ready process, or else moves the clock on to the next
     * timer; false if nothing is left to run at all.
     *
     * @throws IllegalStateException on a {@link #violation()}, or on another thread than the driver
     */
    public boolean step() {
        if (Thread.currentThread() != driver) {
            throw new IllegalStateException("only the thread that made the simulation runs it");
        }
        if (violation != null) {
            throw new IllegalStateException("the simulation is not deterministic: " + violation);
        }
        steps++;
        if (loop.runNow() > 0) {
            return true;
        }
        threads.removeIf(t -> t.getState() == Thread.State.TERMINATED && known.remove(t));
        settle();
        Runnable next = null;
        synchronized (ready) {
            if (!environment.isEmpty()) {
                next = environment.remove(0); // no choice drawn
            } else if (!ready.isEmpty()) {
                Long key = ready.firstKey();
                for (int skip = choices.nextInt(ready.size()); skip > 0; skip--) {
                    key = ready.higherKey(key);
                }
                next = ready.remove(key);
            }
        }
        if (next != null) {
            inProcess = true;
            try {
                next.run();
            } finally {
                inProcess = false;
                writeOutput();
            }
            return true;
        }
        lookForTimedWaits();
        for (Supplier<String> check : checks) {
            String finding = check.get();
            if (finding != null) {
                checks.clear();
                throw new IllegalStateException(finding + " (found at step " + steps + ", "
                        + String.format(Locale.ROOT, "%.3f", nanos() / 1e9) + " s of simulated time)");
            }
        }
        long due = loop.nextDeadline();
        if (due < 0) {
            return false;
        }
        clock.advanceTo(due);
        return true;
    }

    /** Writes what the thread that ran left to write, on the driver, which may block on the console's lock. */
    private void writeOutput() {
        List<Runnable> written = List.copyOf(output);
        output.clear();
        RuntimeException failed = null;
        for (Runnable record : written) {
            try {
                record.run();
            } catch (RuntimeException e) { // the other records are still written, each once
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /**
     * Before the clock moves: a process that waits with a time-out waits on the JDK's timer, in real
     * time (the simulation's waits park without one), and would be resumed at a moment no seed decides.
     */
    private void lookForTimedWaits() {
        for (Thread t : threads) {
            if (t.getState() == Thread.State.TIMED_WAITING && violation == null) {
                violation = "process thread '" + t.getName() + "' waits with a time-out in real time, outside the "
                        + "simulation (Thread.sleep, or a timed get, wait or park), at " + where(t);
            }
        }
    }

    /** The first frame of {@code t}'s stack outside the JDK. */
    private static String where(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (!e.getClassName().startsWith("java.") && !e.getClassName().startsWith("jdk.")) {
                return e.toString();
            }
        }
        return "(no frame outside the JDK)";
    }

    /** Runs steps until {@code done}, or the clock passes {@code untilNanos}, or nothing is left; whether done. */
    public boolean runUntil(BooleanSupplier done, long untilNanos) {
        while (!done.getAsBoolean()) {
            if (nanos() > untilNanos || !step()) {
                return done.getAsBoolean();
            }
        }
        return true;
    }

    /** Waits for {@code future}: the driver runs the simulation meanwhile, a process parks. */
    public boolean await(Future<?> future, long millis) {
        if (Thread.currentThread() == driver) {
            long until = millis == Long.MAX_VALUE ? Long.MAX_VALUE : nanos() + TimeUnit.MILLISECONDS.toNanos(millis);
            if (!runUntil(future::isDone, until) && until != Long.MAX_VALUE) {
                clock.advanceTo(until); // nothing is left to run before it
            }
            return future.isDone();
        }
        Thread t = Thread.currentThread();
        checkWaiter(t);
        future.addListener(f -> LockSupport.unpark(t));
        long until = millis == Long.MAX_VALUE ? Long.MAX_VALUE : nanos() + TimeUnit.MILLISECONDS.toNanos(millis);
        // uninterruptibly, as the JVM's wait it stands for: a park returns at once while the thread is
        // interrupted, so the interrupt is kept aside, or the thread would run on and the clock stand still
        boolean interrupted = Thread.interrupted();
        try {
            while (!future.isDone()) {
                if (until == Long.MAX_VALUE) {
                    LockSupport.park(future);
                } else if (nanos() >= until) {
                    return false;
                } else {
                    park(future, until - nanos()); // a timer on the loop wakes it, on the simulated clock
                }
                interrupted |= Thread.interrupted();
            }
            return true;
        } finally {
            if (interrupted) {
                t.interrupt();
            }
        }
    }

    /** Refuses a wait on the simulation's time by a thread that is neither its driver nor one of its processes. */
    private void checkWaiter(Thread t) {
        if (t != driver && !known.contains(t)) {
            throw new IllegalStateException("thread '" + t.getName() + "' is outside the simulation: only its own "
                    + "thread and its processes can wait on its time");
        }
    }

    @Override
    public void park(Object blocker, long nanos) {
        Thread t = Thread.currentThread();
        checkWaiter(t);
        if (t == driver) {
            throw new IllegalStateException("the simulation's driver cannot wait on its clock");
        }
        ScheduledFuture<?> timer = loop.schedule(() -> LockSupport.unpark(t), nanos, TimeUnit.NANOSECONDS);
        LockSupport.park(blocker);
        timer.cancel(false);
    }

    @Override
    public <T> T get(CompletableFuture<T> future, long nanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        checkWaiter(Thread.currentThread());
        if (Thread.currentThread() == driver) {
            long until = nanos() + nanos;
            if (!runUntil(future::isDone, until)) {
                clock.advanceTo(until); // nothing is left to run before it: the time-out has come
            }
        } else if (!future.isDone()) {
            // as a CompletableFuture's own get: an interrupted thread does not wait (its park would
            // return at once, and its caller's next try with it, while the clock stands still)
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            Thread t = Thread.currentThread();
            future.whenComplete((value, failure) -> LockSupport.unpark(t));
            park(future, nanos);
            if (!future.isDone() && Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        if (future.isDone()) {
            return future.get();
        }
        throw new TimeoutException();
    }

    @Override
    public void timedWait(Object monitor, long nanos) throws InterruptedException {
        checkWaiter(Thread.currentThread());
        if (Thread.currentThread() == driver) {
            throw new IllegalStateException("the simulation's driver cannot wait on its clock");
        }
        ScheduledFuture<?> timer = loop.schedule(() -> {
            synchronized (monitor) {
                monitor.notifyAll();
            }
        }, nanos, TimeUnit.NANOSECONDS);
        try {
            monitor.wait();
        } finally {
            timer.cancel(false);
        }
    }

    /**
     * Lets the processes end (their nodes are closed: they were interrupted), for at most a
     * simulated minute, then stops the loop, running what its shutdown still runs (its quiet period
     * passes on the clock). A process thread that never ends would keep the whole simulation reachable.
     */
    public void close() {
        if (violation == null) { // else stepping would only report it again
            runUntil(() -> threads.stream().allMatch(t -> t.getState() == Thread.State.TERMINATED
                    || t.getState() == Thread.State.NEW), nanos() + TimeUnit.MINUTES.toNanos(1));
        }
        loop.shutdownGracefully(0, 0, TimeUnit.NANOSECONDS);
        for (int i = 0; i < 1_000 && !loop.isTerminated(); i++) {
            clock.advanceTo(clock.nanoTime() + 1);
            loop.runNow();
        }
        Blocking.restore(wasForbidden);
    }
}
