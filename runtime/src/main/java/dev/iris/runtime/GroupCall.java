package dev.iris.runtime;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The replies of one group send, collected as they arrive from any thread. */
final class GroupCall {
    private final int addressed;
    private final int required;
    private final Set<ProcessId> outstanding;
    private final List<GroupReplies.Reply> replies = new ArrayList<>();
    private final Map<ProcessId, IpcException> failures = new LinkedHashMap<>();
    private int handedOut;

    GroupCall(Set<ProcessId> members, ReplyMode mode) {
        this.addressed = members.size();
        this.required = mode.required(members.size());
        this.outstanding = new HashSet<>(members);
    }

    synchronized void reply(ProcessId from, Object message) {
        if (outstanding.remove(from)) {
            replies.add(new GroupReplies.Reply(from, message));
            notifyAll();
        }
    }

    synchronized void fail(ProcessId member, IpcException error) {
        if (outstanding.remove(member)) {
            failures.put(member, error);
            notifyAll();
        }
    }

    synchronized void failNodes(java.util.function.IntPredicate which, Supplier<IpcException> error) {
        for (ProcessId m : List.copyOf(outstanding)) {
            if (which.test(m.nodeNumber())) {
                fail(m, error.get());
            }
        }
    }

    /** Waits until the mode is satisfied or every member answered; throws on timeout. */
    synchronized GroupReplies await(long timeoutNanos, ProcessId group) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (replies.size() < required && !outstanding.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IpcTimeoutException("group " + group + ": " + replies.size() + " of " + required
                        + " required replies within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms ("
                        + addressed + " members addressed, " + failures.size() + " failed)");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        handedOut = replies.size();
        return new GroupReplies(addressed, replies, failures, replies.size() >= required);
    }

    /** The next reply not yet handed out, waiting up to the timeout; null if none comes. */
    synchronized GroupReplies.Reply next(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (handedOut >= replies.size()) {
            long left = deadline - System.nanoTime();
            if (outstanding.isEmpty() || left <= 0) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return replies.get(handedOut++);
    }
}
