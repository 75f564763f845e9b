package dev.iris.runtime;

import dev.iris.runtime.internal.LoopDeadline;
import dev.iris.runtime.internal.NodeTime;

/**
 * A request of a process waiting for its answer: a {@link Call} per Send, a {@link GroupCall} per
 * group send. Registered in {@link Ipc}'s table by request id before its frame leaves.
 *
 * <p>Threading: the process that made the request waits in it, parked, holding no monitor; answers
 * arrive on event loops or from local processes, and whoever satisfies the wait unparks the
 * process, once. The deadline of a request that left on a connection is kept by that connection's
 * event loop ({@link LoopDeadline}): no timer thread is armed per request, nor a task per request.
 * A request that stayed on this node waits with a timed park instead.
 */
abstract sealed class Pending extends LoopDeadline permits Call, GroupCall {
    final long requestId;
    /** The waiting process's thread. */
    final Thread waiter;
    final long timeoutNanos;

    Pending(long requestId, long timeoutNanos, NodeTime time) {
        super(time, timeoutNanos);
        this.requestId = requestId;
        this.waiter = Thread.currentThread();
        this.timeoutNanos = timeoutNanos;
    }
}
