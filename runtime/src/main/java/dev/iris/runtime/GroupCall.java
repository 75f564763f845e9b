package dev.iris.runtime;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * The replies of one group send, collected as they arrive from any thread. The sending process is
 * woken once, when its reply mode is satisfied, every member answered or the deadline passed; while
 * it waits in {@link #next} (GetReply), once per reply.
 */
final class GroupCall extends Pending {
    private final ProcessId group;
    private final int addressed;
    private final int required;
    // guarded by this
    private final Set<ProcessId> outstanding;
    private final List<GroupReplies.Reply> replies;
    private Map<ProcessId, IpcException> failures = Map.of();
    private int handedOut;
    private boolean expired;
    /** The waiter is parked and waits for: MODE (the reply mode), NEXT (one more reply), or NONE. */
    private Wait waiting = Wait.NONE;

    private enum Wait { NONE, MODE, NEXT }

    /** For an asynchronous group send: completed when the mode is satisfied, instead of waking a waiter. */
    private final CompletableFuture<GroupReplies> future;

    GroupCall(long requestId, ProcessId group, Set<ProcessId> members, ReplyMode mode, long timeoutNanos,
            CompletableFuture<GroupReplies> future) {
        super(requestId, timeoutNanos);
        this.future = future;
        this.group = group;
        this.addressed = members.size();
        this.required = mode.required(members.size());
        this.outstanding = new HashSet<>(members);
        this.replies = new ArrayList<>(Math.min(members.size(), 16));
    }

    void reply(ProcessId from, Object message) {
        boolean wake;
        boolean done;
        synchronized (this) {
            if (!outstanding.remove(from)) {
                return;
            }
            replies.add(new GroupReplies.Reply(from, message));
            wake = wakeable();
            done = isDone();
        }
        wake(wake, done);
        settle(done);
    }

    void fail(ProcessId member, IpcException error) {
        boolean wake;
        boolean done;
        synchronized (this) {
            if (!failed(member, error)) {
                return;
            }
            wake = wakeable();
            done = isDone();
        }
        wake(wake, done);
        settle(done);
    }

    void failNodes(IntPredicate which, Supplier<IpcException> error) {
        boolean wake = false;
        boolean done;
        synchronized (this) {
            for (ProcessId m : List.copyOf(outstanding)) {
                if (which.test(m.nodeNumber()) && failed(m, error.get())) {
                    wake = true;
                }
            }
            wake = wake && wakeable();
            done = isDone();
        }
        wake(wake, done);
        settle(done);
    }

    private boolean failed(ProcessId member, IpcException error) {
        if (!outstanding.remove(member)) {
            return false;
        }
        if (failures.isEmpty()) {
            failures = new LinkedHashMap<>();
        }
        failures.put(member, error);
        return true;
    }

    @Override
    void expire() {
        boolean wake;
        synchronized (this) {
            expired = true;
            wake = waiting != Wait.NONE;
        }
        if (wake) {
            LockSupport.unpark(waiter);
        }
        settle(true);
    }

    /** Completes an asynchronous group send that needs no more answers. */
    void settleIfDone() {
        settle(isDone());
    }

    /** Completes an asynchronous group send once it is done: with the replies, or with a timeout. */
    private void settle(boolean done) {
        if (future == null || !done || future.isDone()) {
            return;
        }
        GroupReplies result;
        synchronized (this) {
            result = replies.size() >= required || outstanding.isEmpty() ? result() : null;
        }
        if (result != null) {
            future.complete(result);
        } else {
            future.completeExceptionally(timeout());
        }
    }

    private GroupReplies result() {
        return new GroupReplies(addressed, List.copyOf(replies), Map.copyOf(failures), replies.size() >= required);
    }

    /** Names at most this many of the members that did not answer. */
    private static final int SILENT_NAMED = 8;

    private synchronized IpcTimeoutException timeout() {
        List<String> silent = outstanding.stream().limit(SILENT_NAMED).map(ProcessId::toString).sorted().toList();
        return new IpcTimeoutException("group " + group + ": " + replies.size() + " of " + required
                + " required replies within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms ("
                + addressed + " members addressed, " + failures.size() + " failed, no answer from "
                + String.join(", ", silent) + (outstanding.size() > SILENT_NAMED ? " and "
                        + (outstanding.size() - SILENT_NAMED) + " more" : "") + ")");
    }

    @Override
    synchronized boolean isDone() {
        return outstanding.isEmpty() || replies.size() >= required || expired;
    }

    /** Whether the parked waiter has what it waits for (under the lock); clears the wait if so. */
    private boolean wakeable() {
        boolean ready = switch (waiting) {
            case NONE -> false;
            case MODE -> replies.size() >= required || outstanding.isEmpty();
            case NEXT -> handedOut < replies.size() || outstanding.isEmpty();
        };
        if (ready) {
            waiting = Wait.NONE;
        }
        return ready;
    }

    private void wake(boolean wake, boolean done) {
        if (wake) {
            LockSupport.unpark(waiter);
        }
        if (done) {
            disarm();
        }
    }

    /**
     * Waits until the mode is satisfied or every member answered; by the sending process.
     *
     * @param startNanos when the send started, for a wait without a loop's deadline
     * @throws IpcTimeoutException if the mode is not satisfied in time
     */
    GroupReplies await(long startNanos) {
        while (true) {
            synchronized (this) {
                if (replies.size() >= required || outstanding.isEmpty()) {
                    waiting = Wait.NONE;
                    handedOut = replies.size();
                    return result();
                }
                if (expired || (!loopDeadline() && System.nanoTime() - startNanos >= timeoutNanos)) {
                    waiting = Wait.NONE;
                    throw timeout();
                }
                waiting = Wait.MODE;
            }
            if (loopDeadline()) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, startNanos + timeoutNanos - System.nanoTime());
            }
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                synchronized (this) {
                    waiting = Wait.NONE;
                }
                throw new IpcException("group send to " + group + " interrupted");
            }
        }
    }

    /** The next reply not yet handed out, waiting up to the timeout; null if none comes. */
    GroupReplies.Reply next(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            long left;
            synchronized (this) {
                if (handedOut < replies.size()) {
                    waiting = Wait.NONE;
                    return replies.get(handedOut++);
                }
                left = deadline - System.nanoTime();
                if (outstanding.isEmpty() || left <= 0) {
                    waiting = Wait.NONE;
                    return null;
                }
                waiting = Wait.NEXT;
            }
            LockSupport.parkNanos(this, left);
            if (Thread.interrupted()) {
                synchronized (this) {
                    waiting = Wait.NONE;
                }
                throw new InterruptedException();
            }
        }
    }
}
