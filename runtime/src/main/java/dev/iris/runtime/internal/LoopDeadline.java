package dev.iris.runtime.internal;

import io.netty.channel.EventLoop;

/**
 * A wait whose deadline the event loop that writes its request keeps, so that the waiting thread
 * parks without a time-out: a timed park of a virtual thread arms the JDK's timer thread, and on
 * two cores each thread woken costs more than the protocol's work. The requesting thread says
 * which loop ({@link #deadlineOn}) before it hands that loop the task that writes the request and
 * calls {@link #armDeadline}; whoever ends the wait on that loop drops the deadline there
 * ({@link #disarm}), and a deadline dropped elsewhere stays until it passes and then finds nothing
 * to do. A wait never armed on a loop (its request went nowhere yet) waits with a timed park.
 *
 * <p>The deadline is on the node's time ({@link NodeTime}): while it stands (debug time), a
 * deadline that comes due is put off.
 */
public abstract class LoopDeadline {
    /** The node's time, on which the deadline is. */
    protected final NodeTime time;
    private final long deadline;
    /** Where the deadline is kept, or null if nowhere. */
    private volatile EventLoop loop;
    // the wait's place among its loop's Deadlines; only touched on the loop
    long expiresAt;
    LoopDeadline earlier;
    LoopDeadline later;
    boolean linked;

    /** A deadline {@code timeoutNanos} from now on {@code time}. */
    protected LoopDeadline(NodeTime time, long timeoutNanos) {
        this.time = time;
        this.deadline = time.nanos() + timeoutNanos;
    }

    /** Real nanoseconds until the deadline, at most 0 once it passed (never while the node's time stands). */
    public final long left() {
        return time.left(deadline);
    }

    /** Whether the deadline, which its loop found due, is still ahead (the node's time stood); then it moves there. */
    final boolean putOff() {
        long left = left();
        if (left <= 0) {
            return false;
        }
        expiresAt = loop.ticker().nanoTime() + left;
        return true;
    }

    /** Says that {@code loop} will keep the deadline; before the task that arms it is handed to that loop. */
    public final void deadlineOn(EventLoop loop) {
        this.loop = loop;
    }

    /** Arms the deadline; on {@link #deadlineOn its loop}, by the task that writes the request. */
    public final void armDeadline() {
        if (!isDone()) {
            expiresAt = loop.ticker().nanoTime() + Math.max(0, left());
            Deadlines.of(loop).add(this);
        }
    }

    /** Parks the waiting thread until the deadline at the latest (a wait no loop keeps); it may return earlier. */
    protected final void parkTimed() {
        time.park(this, deadline);
    }

    /** Whether a loop keeps the deadline (the waiter parks untimed) rather than the waiter's timed park. */
    public final boolean loopDeadline() {
        return loop != null;
    }

    /** Drops the deadline if this thread is its loop's; elsewhere it stays until it passes. */
    public final void disarm() {
        EventLoop l = loop;
        if (l != null && l.inEventLoop() && linked) {
            Deadlines.of(l).remove(this);
        }
    }

    /** Whether the wait ended (the waiter will not wait any longer). */
    protected abstract boolean isDone();

    /** The deadline passed; on its loop. */
    protected abstract void expire();
}
