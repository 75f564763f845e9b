package dev.iris.runtime;

import dev.iris.runtime.internal.NodeTime;
import dev.iris.runtime.transport.Frame;
import dev.iris.runtime.transport.FrameEncoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A Send waiting for its reply: completed once, by whichever thread has the reply or the failure
 * first. It is also the task that writes its request on the connection's event loop, and the
 * listener of that write (no object of its own for either).
 */
final class Call extends Pending implements Runnable, ChannelFutureListener {
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

    /** The node of the process whose answer this waits for: the target's, or where it was forwarded to. */
    volatile int node;
    /** How many forwards {@link #node} is after (guarded by this). */
    private int forwards;
    final ProcessId target;
    /** The reply, a {@link Failed}, or null while waiting. */
    private volatile Object outcome;
    /** For an asynchronous send: completed with the outcome instead of waking a waiter. */
    private final CompletableFuture<Object> future;
    /** The connection and frame of the request, from {@link #write} until the task has run. */
    private Channel channel;
    private Frame frame;

    Call(long requestId, ProcessId target, long timeoutNanos, NodeTime time, CompletableFuture<Object> future) {
        super(requestId, timeoutNanos, time);
        this.node = target.nodeNumber();
        this.target = target;
        this.future = future;
    }

    /** The request, forwarded {@code forwards} times, waits on {@code node} now; false if a later forward is known already. */
    synchronized boolean movedTo(int node, int forwards) {
        if (forwards <= this.forwards) {
            return false;
        }
        this.forwards = forwards;
        this.node = node;
        return true;
    }

    /**
     * Writes the request's {@code frame} on {@code ch} in one task on its event loop, which also arms
     * the deadline there (none of it waits for the loop when called on it).
     */
    void write(Channel ch, Frame frame) {
        EventLoop loop = ch.eventLoop();
        deadlineOn(loop);
        this.channel = ch;
        this.frame = frame;
        if (loop.inEventLoop()) {
            run();
            return;
        }
        try {
            loop.execute(this);
        } catch (RejectedExecutionException e) {
            this.frame = null;
            frame.release();
            fail(new NodeUnreachableException("could not send to " + target + ": the connection is closing"));
        }
    }

    /** The write task, on the connection's event loop. */
    @Override
    public void run() {
        Frame f = frame;
        frame = null;
        armDeadline();
        FrameEncoder.write(channel, f, true).addListener(this);
    }

    /** The write's outcome. */
    @Override
    public void operationComplete(ChannelFuture written) {
        if (written.isSuccess()) {
            return;
        }
        Throwable cause = written.cause();
        if (cause instanceof IOException) {
            // the connection broke under the write (the peer closed it, or died): the peer's node is gone for this call
            fail(new NodeUnreachableException("could not send to " + target + ": the connection to node '"
                    + channel.attr(Membership.PEER_NAME).get() + "' broke (" + cause.getMessage() + ")"));
        } else {
            fail(new IpcException("could not send to " + target + ": " + cause.getMessage()));
        }
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
    protected boolean isDone() {
        return outcome != null;
    }

    @Override
    protected void expire() {
        fail(new IpcTimeoutException("no reply from " + target + " within "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
    }

    /** Waits for the outcome; by the thread that made the call. */
    Object await() {
        Object o;
        while ((o = outcome) == null) {
            if (loopDeadline()) {
                LockSupport.park(this);
            } else {
                if (left() <= 0) {
                    expire();
                    continue;
                }
                parkTimed();
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
