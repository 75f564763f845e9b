package dev.iris.runtime;

import dev.iris.runtime.internal.NodeTime;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A process's mailbox: many senders (event loops, local processes), one receiver (the process),
 * which parks with no monitor and is unparked only while it waits. Once closed (the process
 * exited) it accepts nothing more: an offer either lands before the close, and the exiting process
 * answers it, or is refused, and its sender answers it.
 */
final class Mailbox {
    private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
    /** The receiver while it is parked in {@link #take}, else null. */
    private volatile Thread waiter;
    private volatile boolean closed;
    /** A receive's time-out runs on the node's time (it stands in debug time). */
    private final NodeTime time;

    Mailbox(NodeTime time) {
        this.time = time;
    }

    /** Adds {@code request}; false if the mailbox is closed (the request was not taken). */
    boolean offer(Request request) {
        if (closed) {
            return false;
        }
        queue.offer(request);
        if (closed && queue.remove(request)) {
            return false; // closed meanwhile, and the exiting process did not drain it
        }
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
        return true;
    }

    /** The next request, waiting up to {@code timeoutNanos} (negative: for ever); null on timeout. */
    Request take(long timeoutNanos) throws InterruptedException {
        Request r = queue.poll();
        if (r != null) {
            return r;
        }
        long deadline = time.nanos() + timeoutNanos;
        Thread self = Thread.currentThread();
        try {
            while (true) {
                waiter = self;
                r = queue.poll(); // again, after publishing the waiter: an offer in between unparks it
                if (r != null) {
                    return r;
                }
                if (timeoutNanos < 0) {
                    LockSupport.park(this);
                } else {
                    if (time.left(deadline) <= 0) {
                        return null;
                    }
                    time.park(this, deadline);
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } finally {
            waiter = null;
        }
    }

    /** The next request, or null if none is queued; never waits. */
    Request poll() {
        return queue.poll();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    boolean isClosed() {
        return closed;
    }

    /** Closes the mailbox and returns the next request left in it (call until null). */
    Request close() {
        closed = true;
        return queue.poll();
    }
}
