package dev.iris.runtime;

import dev.iris.runtime.internal.NodeTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private final GroupTable.View members;
    private final int required;
    // guarded by this
    /** The members that answered or failed, by their index in the view: bit {@code i % 64} of word {@code i / 64}. */
    private final long[] settled;
    private int outstanding;
    private final List<GroupReplies.Reply> replies;
    private Map<ProcessId, IpcException> failures = Map.of();
    /** Members whose request was forwarded to a process on another node: how often and where, as {@link #moved}. */
    private Map<ProcessId, Long> movedTo = Map.of();
    private int handedOut;
    private boolean expired;
    /** The waiter is parked and waits for: MODE (the reply mode), NEXT (one more reply), or NONE. */
    private Wait waiting = Wait.NONE;

    private enum Wait { NONE, MODE, NEXT }

    /** For an asynchronous group send: completed when the mode is satisfied, instead of waking a waiter. */
    private final CompletableFuture<GroupReplies> future;
    /** For an asynchronous group send: where it is registered, and forgotten once it settled. */
    private final Ipc table;

    /** A group send whose process waits in {@link #await} or {@link #next}. */
    GroupCall(long requestId, ProcessId group, GroupTable.View members, ReplyMode mode, long timeoutNanos,
            NodeTime time) {
        this(requestId, group, members, mode, timeoutNanos, time, null, null);
    }

    /**
     * An asynchronous group send: {@code future} completes once it settled, and it is then discarded
     * from {@code table} (if it was registered there), so that later replies are dropped.
     */
    GroupCall(long requestId, ProcessId group, GroupTable.View members, ReplyMode mode, long timeoutNanos,
            NodeTime time, CompletableFuture<GroupReplies> future, Ipc table) {
        super(requestId, timeoutNanos, time);
        this.future = future;
        this.table = table;
        this.group = group;
        this.members = members;
        this.outstanding = members.order().size();
        this.required = mode.required(outstanding);
        this.settled = new long[(outstanding + 63) >>> 6];
        this.replies = new ArrayList<>(Math.min(outstanding, 16));
    }

    /** A reply by {@code from}, counted as {@code member}'s (itself, or the member that forwarded the request to it). */
    void reply(ProcessId member, ProcessId from, Object message) {
        boolean wake;
        boolean done;
        synchronized (this) {
            if (!settle(member)) {
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

    /**
     * {@code member}'s request, forwarded {@code forwards} times, is with a process on {@code node}:
     * its answer depends on that node now. False if the member is settled or a later forward is known.
     */
    synchronized boolean movedTo(ProcessId member, int node, int forwards) {
        Integer i = members.index().get(member);
        if (i == null || isSettled(i)) {
            return false;
        }
        Long known = movedTo.get(member);
        if (known != null && forwards <= (int) (known >>> 32)) {
            return false;
        }
        if (movedTo.isEmpty()) {
            movedTo = new HashMap<>();
        }
        movedTo.put(member, moved(node, forwards));
        return true;
    }

    /** Where and after how many forwards, in one value: the count in the high half, the node in the low. */
    private static long moved(int node, int forwards) {
        return ((long) forwards << 32) | (node & 0xFFFFFFFFL);
    }

    void failNodes(IntPredicate which, Supplier<IpcException> error) {
        boolean wake = false;
        boolean done;
        synchronized (this) {
            for (ProcessId m : outstanding()) {
                Long moved = movedTo.get(m);
                int node = moved == null ? m.nodeNumber() : (int) moved.longValue();
                if (which.test(node) && failed(m, error.get())) {
                    wake = true;
                }
            }
            wake = wake && wakeable();
            done = isDone();
        }
        wake(wake, done);
        settle(done);
    }

    /** Marks a member that has not answered or failed yet as settled; false for any other process. */
    private boolean settle(ProcessId member) {
        Integer i = members.index().get(member);
        if (i == null || isSettled(i)) {
            return false;
        }
        settled[i >>> 6] |= 1L << i;
        outstanding--;
        return true;
    }

    private boolean isSettled(int i) {
        return (settled[i >>> 6] & (1L << i)) != 0;
    }

    /** The members that have neither answered nor failed, in the view's order. */
    private List<ProcessId> outstanding() {
        List<ProcessId> left = new ArrayList<>(outstanding);
        for (int i = 0; i < members.order().size(); i++) {
            if (!isSettled(i)) {
                left.add(members.order().get(i));
            }
        }
        return left;
    }

    private boolean failed(ProcessId member, IpcException error) {
        if (!settle(member)) {
            return false;
        }
        if (failures.isEmpty()) {
            failures = new LinkedHashMap<>();
        }
        failures.put(member, error);
        return true;
    }

    @Override
    protected void expire() {
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

    /**
     * Completes an asynchronous group send once it is done: with the replies, or with a timeout; and
     * forgets it (also when its program completed or cancelled the future itself).
     */
    private void settle(boolean done) {
        if (future == null || !done) {
            return;
        }
        if (table != null) {
            table.discard(requestId);
        }
        if (future.isDone()) {
            return;
        }
        GroupReplies result;
        synchronized (this) {
            result = replies.size() >= required || outstanding == 0 ? result() : null;
        }
        if (result != null) {
            future.complete(result);
        } else {
            future.completeExceptionally(timeout());
        }
    }

    private GroupReplies result() {
        // one or two replies (most sends): the list is made once, and GroupReplies keeps it as it is
        List<GroupReplies.Reply> made = switch (replies.size()) {
            case 1 -> List.of(replies.get(0));
            case 2 -> List.of(replies.get(0), replies.get(1));
            default -> replies;
        };
        return new GroupReplies(members.order().size(), made, failures, replies.size() >= required);
    }

    /** Names at most this many of the members that did not answer. */
    private static final int SILENT_NAMED = 8;

    private synchronized IpcTimeoutException timeout() {
        List<String> silent = outstanding().stream().limit(SILENT_NAMED).map(ProcessId::toString).sorted().toList();
        return new IpcTimeoutException("group " + group + ": " + replies.size() + " of " + required
                + " required replies within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms ("
                + members.order().size() + " members addressed, " + failures.size() + " failed, no answer from "
                + String.join(", ", silent) + (outstanding > SILENT_NAMED ? " and "
                        + (outstanding - SILENT_NAMED) + " more" : "") + ")");
    }

    @Override
    protected synchronized boolean isDone() {
        return outstanding == 0 || replies.size() >= required || expired;
    }

    /** Whether the parked waiter has what it waits for (under the lock); clears the wait if so. */
    private boolean wakeable() {
        boolean ready = switch (waiting) {
            case NONE -> false;
            case MODE -> replies.size() >= required || outstanding == 0;
            case NEXT -> handedOut < replies.size() || outstanding == 0;
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
     * @throws IpcTimeoutException if the mode is not satisfied in time
     */
    GroupReplies await() {
        while (true) {
            synchronized (this) {
                if (replies.size() >= required || outstanding == 0) {
                    waiting = Wait.NONE;
                    handedOut = replies.size();
                    return result();
                }
                if (expired || (!loopDeadline() && left() <= 0)) {
                    waiting = Wait.NONE;
                    throw timeout();
                }
                waiting = Wait.MODE;
            }
            if (loopDeadline()) {
                LockSupport.park(this);
            } else {
                parkTimed();
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
        long deadline = time.nanos() + timeoutNanos;
        while (true) {
            long left;
            synchronized (this) {
                if (handedOut < replies.size()) {
                    waiting = Wait.NONE;
                    return replies.get(handedOut++);
                }
                left = time.left(deadline);
                if (outstanding == 0 || left <= 0) {
                    waiting = Wait.NONE;
                    return null;
                }
                waiting = Wait.NEXT;
            }
            time.park(this, deadline);
            if (Thread.interrupted()) {
                synchronized (this) {
                    waiting = Wait.NONE;
                }
                throw new InterruptedException();
            }
        }
    }
}
