package dev.iris.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A Send waiting for its reply: completed once, by whichever thread has the reply or the failure first. */
final class Call extends Pending {
    private static final VarHandle OUTCOME;

    static {
        try {
            OUTCOME = MethodHandles.lookup().findVarHandle(Call.class, "outcome", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A failed outcome. */
    private record Failed(IpcException error) {
    }

    final int node;
    final ProcessId target;
    /** The reply, a {@link Failed}, or null while waiting. */
    private volatile Object outcome;
    /** For an asynchronous send: completed with the outcome instead of waking a waiter. */
    private final CompletableFuture<Object> future;

    Call(long requestId, ProcessId target, long timeoutNanos, CompletableFuture<Object> future) {
        super(requestId, timeoutNanos);
        this.node = target.nodeNumber();
        this.target = target;
        this.future = future;
    }

    /** Gives the waiter its reply; false if it already has an outcome. */
    boolean complete(Object reply) {
        return settle(reply);
    }

    /** Gives the waiter {@code error}; false if it already has an outcome. */
    boolean fail(IpcException error) {
        return settle(new Failed(error));
    }

    private boolean settle(Object outcome) {
        if (!OUTCOME.compareAndSet(this, null, outcome)) {
            return false;
        }
        disarm();
        if (future == null) {
            LockSupport.unpark(waiter);
        } else if (outcome instanceof Failed f) {
            future.completeExceptionally(f.error());
        } else {
            future.complete(outcome);
        }
        return true;
    }

    @Override
    boolean isDone() {
        return outcome != null;
    }

    @Override
    void expire() {
        fail(new IpcTimeoutException("no reply from " + target + " within "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
    }

    /**
     * Waits for the outcome; by the thread that made the call.
     *
     * @param startNanos when the call started, for a wait without a loop's deadline
     */
    Object await(long startNanos) {
        Object o;
        while ((o = outcome) == null) {
            if (loopDeadline()) {
                LockSupport.park(this);
            } else {
                long left = startNanos + timeoutNanos - System.nanoTime();
                if (left <= 0) {
                    expire();
                    continue;
                }
                LockSupport.parkNanos(this, left);
            }
            if (Thread.interrupted()) {
                fail(new IpcException("send to " + target + " interrupted"));
                Thread.currentThread().interrupt();
            }
        }
        if (o instanceof Failed f) {
            throw f.error();
        }
        return o;
    }
}
