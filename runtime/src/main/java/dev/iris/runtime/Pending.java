package dev.iris.runtime;

import dev.iris.runtime.internal.NodeTime;
import io.netty.channel.EventLoop;

/**
 * A request of a process waiting for its answer: a {@link Call} per Send, a {@link GroupCall} per
 * group send. Registered in {@link Ipc}'s table by request id before its frame leaves.
 *
 * <p>Threading: the process that made the request waits in it, parked, holding no monitor; answers
 * arrive on event loops or from local processes, and whoever satisfies the wait unparks the
 * process, once. The deadline of a request that left on a connection is kept by that connection's
 * event loop ({@link Deadlines}), armed by the task that writes the frame and dropped on that loop
 * when the answer arrives there: no timer thread is armed per request, nor a task per request. A
 * request that stayed on this node waits with a timed park instead.
 *
 * <p>The deadline is on the node's time ({@link NodeTime}): while it stands (debug time), a deadline
 * that comes due is put off, and a timed park parks again.
 */
abstract sealed class Pending permits Call, GroupCall {
    final long requestId;
    /** The waiting process's thread. */
    final Thread waiter;
    final long timeoutNanos;
    /** The node's time, and the deadline on it. */
    final NodeTime time;
    private final long deadline;
    /** Where the deadline is kept, or null if nowhere (the waiter's park is timed then). */
    private volatile EventLoop loop;
    // the request's place among its loop's Deadlines; only touched on the loop
    long expiresAt;
    Pending earlier;
    Pending later;
    boolean linked;

    Pending(long requestId, long timeoutNanos, NodeTime time) {
        this.requestId = requestId;
        this.waiter = Thread.currentThread();
        this.timeoutNanos = timeoutNanos;
        this.time = time;
        this.deadline = time.nanos() + timeoutNanos;
    }

    /** Real nanoseconds until the deadline, at most 0 once it passed (never while the node's time stands). */
    final long left() {
        return time.left(deadline);
    }

    /**
     * Whether the deadline, which its loop found due, is still ahead on the node's time (it stood
     * meanwhile); then {@link #expiresAt} moves there.
     */
    final boolean putOff() {
        long left = left();
        if (left <= 0) {
            return false;
        }
        expiresAt = System.nanoTime() + left;
        return true;
    }

    /**
     * Says that the deadline will run on {@code loop}; by the requesting thread, before it hands the
     * task that writes the request (and calls {@link #armDeadline}) to that loop.
     */
    final void deadlineOn(EventLoop loop) {
        this.loop = loop;
    }

    /** Arms the deadline; on {@link #deadlineOn its loop}, by the task that writes the request. */
    final void armDeadline() {
        if (!isDone()) {
            expiresAt = System.nanoTime() + Math.max(0, left());
            Deadlines.of(loop).add(this);
        }
    }

    /** Whether the wait runs on a loop's deadline (untimed park) rather than a timed park. */
    final boolean loopDeadline() {
        return loop != null;
    }

    /**
     * Drops the deadline if this thread is its loop's; elsewhere it stays until it passes and then
     * finds nothing to do (this request stays reachable until then, as a cancelled task would).
     */
    final void disarm() {
        EventLoop l = loop;
        if (l != null && l.inEventLoop() && linked) {
            Deadlines.of(l).remove(this);
        }
    }

    /** Whether the request has its answer (or failed): the waiter will not wait any longer. */
    abstract boolean isDone();

    /** The deadline passed. */
    abstract void expire();
}
