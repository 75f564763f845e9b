package dev.iris.runtime.internal.dsm;

import dev.iris.runtime.internal.LoopDeadline;
import dev.iris.runtime.internal.NodeTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * The wait of the thread that started a fault, whose deadline the event loop that writes the
 * fault's request keeps: the thread parks without a time-out, and no timer thread is woken per
 * fault. Its {@link #outcome} is the fault's, or a {@link TimeoutException} once the deadline
 * passed first.
 */
final class FaultWait extends LoopDeadline {
    /** The fault's outcome as this waiter sees it; null once the waiter has it (nothing stays reachable). */
    private volatile CompletableFuture<long[]> outcome;

    FaultWait(NodeTime time, long timeoutNanos, CompletableFuture<long[]> done) {
        super(time, timeoutNanos);
        this.outcome = done.copy();
    }

    /** What the waiter waits on: completes with the fault, or with a TimeoutException when the deadline passes. */
    CompletableFuture<long[]> outcome() {
        return outcome;
    }

    /** The waiter has its outcome. */
    void taken() {
        outcome = null;
    }

    @Override
    protected boolean isDone() {
        CompletableFuture<long[]> o = outcome;
        return o == null || o.isDone();
    }

    @Override
    protected void expire() {
        CompletableFuture<long[]> o = outcome;
        if (o != null) {
            o.completeExceptionally(new TimeoutException());
        }
    }
}
