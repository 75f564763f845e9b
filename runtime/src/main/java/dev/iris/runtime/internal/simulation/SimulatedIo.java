package dev.iris.runtime.internal.simulation;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Blocking I/O (a page log's writes and forces) in a simulation: each task runs on a thread of
 * the simulation of its own, which the seed schedules like any other, so what completes the
 * task's futures runs inside the simulation. A task blocks the simulation in real time while it
 * writes, which changes nothing the seed decides. Nothing here waits in real time:
 * {@link #awaitTermination} says whether every task has ended, at once.
 */
public final class SimulatedIo extends AbstractExecutorService {
    private final String name;
    private final BiFunction<String, Runnable, Thread> threads;
    private volatile boolean shutdown;
    private int running; // guarded by this
    private long started;

    /** I/O whose tasks run on threads named {@code name} and a number, made by {@code threads} (a scheduler's). */
    public SimulatedIo(String name, BiFunction<String, Runnable, Thread> threads) {
        this.name = name;
        this.threads = threads;
    }

    @Override
    public synchronized void execute(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException(name + " is shut down");
        }
        running++;
        threads.apply(name + ++started, () -> {
            try {
                task.run();
            } finally {
                synchronized (this) {
                    running--;
                }
            }
        }).start();
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown && running == 0;
    }

    /** Whether every task has ended, without waiting: a simulation does not wait in real time. */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }
}
