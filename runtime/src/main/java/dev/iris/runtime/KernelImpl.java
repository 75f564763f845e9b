package dev.iris.runtime;

import dev.iris.runtime.dsm.SharedMemory;
import dev.iris.runtime.internal.Blocking;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.LockSupport;

/** The {@link Kernel} of one process. */
final class KernelImpl implements Kernel {
    private final ProcessTable.Host node;
    private final ProcessTable processes;
    private final ProcessTable.Entry self;
    private long lastGroupSend; // request id of the latest group send, 0 if none

    KernelImpl(ProcessTable.Host node, ProcessTable processes, ProcessTable.Entry self) {
        this.node = node;
        this.processes = processes;
        this.self = self;
    }

    @Override
    public ProcessId self() {
        return self.pid;
    }

    @Override
    public NodeId node() {
        return node.id();
    }

    @Override
    public SharedMemory memory() {
        return node.memory();
    }

    @Override
    public Object send(ProcessId to, Object message, Duration timeout) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(message, "message");
        Blocking.check("send");
        if (to.isGroup()) {
            GroupReplies replies = sendGroup(to, message, ReplyMode.FIRST, timeout);
            if (!replies.replies().isEmpty()) {
                return replies.first();
            }
            if (!replies.failures().isEmpty()) {
                throw replies.failures().values().iterator().next();
            }
            throw new NoSuchProcessException("group " + to + " has no members");
        }
        discardGroupReplies();
        return node.ipc().send(self.pid, to, message, null, timeout);
    }

    @Override
    public Object send(ProcessId to, Object message, Segment segment, Duration timeout) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(segment, "segment");
        Blocking.check("send");
        if (to.isGroup()) {
            throw new IllegalArgumentException(to + " is a group: a segment goes with a Send to one process");
        }
        discardGroupReplies();
        return node.ipc().send(self.pid, to, message, segment, timeout);
    }

    @Override
    public void moveFrom(Request request, long offset, ByteBuffer into) {
        Blocking.check("moveFrom");
        node.segments().move(self.pid, mine(request), offset, into, false);
    }

    @Override
    public void moveTo(Request request, long offset, ByteBuffer from) {
        Blocking.check("moveTo");
        node.segments().move(self.pid, mine(request), offset, from, true);
    }

    @Override
    public CompletionStage<Object> sendAsync(ProcessId to, Object message, Duration timeout) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(message, "message");
        if (to.isGroup()) {
            throw new IllegalArgumentException(to + " is a group: use sendGroupAsync");
        }
        return node.ipc().sendAsync(self.pid, to, message, timeout);
    }

    @Override
    public CompletionStage<GroupReplies> sendGroupAsync(ProcessId group, Object message, ReplyMode mode,
            Duration timeout) {
        Objects.requireNonNull(message, "message");
        return node.groups().sendGroupAsync(self.pid, group, message, mode, timeout);
    }

    /** Drops the replies still coming to this process's latest group send (next send, or exit). */
    void discardGroupReplies() {
        if (lastGroupSend != 0) {
            node.ipc().discard(lastGroupSend);
            lastGroupSend = 0;
        }
    }

    @Override
    public ProcessId createGroup(boolean local) {
        Blocking.check("createGroup");
        return node.groups().createGroup(self.pid, local);
    }

    @Override
    public void join(ProcessId group) {
        Blocking.check("join");
        node.groups().join(self.pid, group);
    }

    @Override
    public void leave(ProcessId group) {
        Blocking.check("leave");
        node.groups().leave(self.pid, group);
    }

    @Override
    public Set<ProcessId> members(ProcessId group) {
        return node.groups().members(group);
    }

    @Override
    public boolean awaitMembers(ProcessId group, int n, Duration timeout) throws InterruptedException {
        Blocking.check("awaitMembers");
        return node.groups().awaitMembers(group, n, timeout);
    }

    @Override
    public GroupReplies sendGroup(ProcessId group, Object message, ReplyMode mode, Duration timeout) {
        return sendGroup(group, message, null, mode, timeout);
    }

    @Override
    public GroupReplies sendGroup(ProcessId group, Object message, Segment segment, ReplyMode mode,
            Duration timeout) {
        Objects.requireNonNull(message, "message");
        Blocking.check("sendGroup");
        Groups.requireReadable(segment, mode);
        long previous = lastGroupSend;
        lastGroupSend = 0;
        return node.groups().sendGroup(self.pid, group, message, segment, mode, timeout, previous,
                id -> lastGroupSend = id);
    }

    @Override
    public GroupReplies.Reply getReply(Duration timeout) throws InterruptedException {
        Blocking.check("getReply");
        GroupCall call = lastGroupSend == 0 ? null : node.ipc().groupCall(lastGroupSend);
        return call == null ? null : call.next(timeout.toNanos());
    }

    @Override
    public void register(String name, NameScope scope) {
        Objects.requireNonNull(scope, "scope");
        Blocking.check("register");
        node.names().register(self.pid, name, scope);
    }

    @Override
    public void unregister(String name) {
        node.names().unregister(self.pid, name);
    }

    @Override
    public Optional<ProcessId> lookup(String name, NameScope scope) {
        Objects.requireNonNull(scope, "scope");
        Blocking.check("lookup");
        return node.names().lookup(self.pid, name, scope);
    }

    @Override
    public void serve(RequestHandler handler, Dispatch dispatch) throws Exception {
        Objects.requireNonNull(handler, "handler");
        Blocking.check("serve");
        if (dispatch == Dispatch.EVENT_LOOP) {
            processes.serveInline(self, handler, node.inboundLoop());
            while (self.inline != null || self.handling.get()) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    self.inline = null;
                    throw new InterruptedException();
                }
            }
            if (self.failure instanceof Exception e) {
                throw e;
            } else if (self.failure instanceof Error e) {
                throw e;
            }
            Request retry = self.retry;
            self.retry = null;
            if (retry != null) {
                handler.handle(retry);
            }
        }
        while (true) {
            handler.handle(receive());
        }
    }

    @Override
    public Request receive() throws InterruptedException {
        Blocking.check("receive");
        Request r = self.mailbox.take(-1);
        processes.unanswered(self, r);
        return r;
    }

    @Override
    public Request receive(Duration timeout) throws InterruptedException {
        Blocking.check("receive");
        Request r = self.mailbox.take(Math.max(0, timeout.toNanos()));
        if (r != null) {
            processes.unanswered(self, r);
        }
        return r;
    }

    @Override
    public void reply(Request request, Object message) {
        reply(request, message, 0, null);
    }

    @Override
    public void reply(Request request, Object message, long offset, ByteBuffer data) {
        Objects.requireNonNull(message, "message");
        if (data != null) {
            Segments.check(mine(request), offset, data.remaining(), true);
            if (!node.segments().inReply(request, data.remaining())) {
                Blocking.check("a reply with more bytes for the segment than go in one message");
                node.segments().move(self.pid, request, offset, data, true);
                reply(request, message);
                return;
            }
        }
        take(request, "reply to");
        int bytes = data == null ? 0 : data.remaining();
        try {
            node.ipc().reply(self.pid, request, message, offset, data);
        } catch (RuntimeException e) {
            request.unanswer(); // still unanswered: may be answered again, or failed at exit
            processes.unanswered(self, request);
            throw e;
        }
        if (data != null) {
            node.segments().traced(self.pid, request, offset, bytes, true, " (with the reply)");
            data.position(data.limit());
        }
    }

    @Override
    public void forward(Request request, ProcessId to) {
        Objects.requireNonNull(to, "to");
        take(request, "forward");
        try {
            if (to.isGroup()) {
                if (request.toGroup()) {
                    throw new IllegalArgumentException("cannot forward " + request + " to group " + to
                            + ": it came by a forward to a group, and may go on to a process only (one group forward "
                            + "per request keeps its copies few)");
                }
                Set<ProcessId> members = new LinkedHashSet<>(node.groups().members(to));
                members.remove(self.pid);
                node.ipc().forwardToGroup(request, to, members);
            } else {
                node.ipc().forward(request, to);
            }
        } catch (RuntimeException e) {
            request.unanswer();
            processes.unanswered(self, request);
            throw e;
        }
    }

    /** {@code request}, if this process received it: only its receiver moves data of its segment. */
    private Request mine(Request request) {
        if (request.receiver != self) {
            throw new IllegalStateException("cannot move data of the segment of " + request
                    + ": it was not received by this process");
        }
        return request;
    }

    private void take(Request request, String what) {
        if (!ProcessTable.answer(self, request)) {
            throw new IllegalStateException("cannot " + what + " " + request
                    + ": it was not received by this process or is already answered");
        }
    }
}
