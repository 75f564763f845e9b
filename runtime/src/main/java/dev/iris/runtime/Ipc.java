package dev.iris.runtime;

import dev.iris.runtime.internal.LamportClock;
import dev.iris.runtime.internal.Log;
import dev.iris.runtime.internal.NodeTime;
import dev.iris.runtime.transport.Frame;
import dev.iris.runtime.transport.FrameEncoder;
import dev.iris.runtime.transport.FrameFormatException;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.IpcWire;
import dev.iris.runtime.transport.IpcWire.FailCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * V's unicast IPC on one node: Send, Reply, Forward, and the table of requests waiting for their
 * answers (group sends' too: their replies are ordinary REPLY frames).
 *
 * <p>Wire (payloads in {@link IpcWire}): a Send is a SEND frame on this node's connection to the
 * target's node; the REPLY (or a FAIL) comes back on the connection the SEND arrived on, so that a
 * request and its answer are handled by one event loop at each end. A forwarded request is a SEND
 * with the original sender and request id; its final receiver answers on its own connection to the
 * sender's node.
 *
 * <p>Threading: {@link #send} runs on the sending process's thread, which encodes the frame, hands
 * one task to the connection's event loop (arm the deadline, write, flush) and parks until the
 * answer or the deadline unparks it. Inbound frames are handled on the event loop that read them;
 * a request is put in the target's mailbox there. Replies are encoded on the replying thread.
 */
final class Ipc {
    private static final System.Logger LOG = Log.of(Ipc.class);
    /** The most times one request may be forwarded (VMTP's bound): more is a loop. */
    static final int MAX_FORWARDS = 15;
    /** Bytes queued for a peer above which a channel counts as unwritable; see {@link Node}'s water marks. */
    static final int LOW_WATER = 1 << 20;

    private final NodeId self;
    private final NodeConfig config;
    private final Codecs codecs;
    private final LamportClock clock;
    /** Requests time out on it (it stands in debug time). */
    private final NodeTime time;
    private final Peers peers;
    private final ProcessTable processes;
    private final Tracer tracer;
    private final Segments segments;
    /** Times out asynchronous requests that stayed on this node. */
    private final EventLoop timers;
    private final PendingTable pending = new PendingTable();
    // random start: a late answer to a previous incarnation of this node matches no new request
    private final AtomicLong requestIds;

    Ipc(NodeId self, NodeConfig config, Codecs codecs, LamportClock clock, NodeTime time, Peers peers,
            ProcessTable processes, Tracer tracer, Segments segments, EventLoop timers, RandomGenerator random) {
        this.requestIds = new AtomicLong(random.nextLong(1, Long.MAX_VALUE / 2));
        this.segments = segments;
        this.timers = timers;
        this.time = time;
        this.self = self;
        this.config = config;
        this.codecs = codecs;
        this.clock = clock;
        this.peers = peers;
        this.processes = processes;
        this.tracer = tracer;
    }

    /** The node's time, on which requests time out. */
    NodeTime time() {
        return time;
    }

    long nextRequestId() {
        return requestIds.incrementAndGet();
    }

    void register(Pending p) {
        pending.put(p);
    }

    /** Forgets a request: answers still coming are dropped. */
    void discard(long requestId) {
        pending.remove(requestId);
    }

    /** The group call of request {@code requestId}, if it is still current. */
    GroupCall groupCall(long requestId) {
        return pending.get(requestId) instanceof GroupCall g ? g : null;
    }

    // ------------------------------------------------------------------ the sending side

    /**
     * Send: blocks the calling process until the reply, a failure or the timeout; its receivers may
     * move data from and to {@code segment} (null: none) until then, and it returns once no piece of
     * the segment is still being written from its memory ({@link Segments#close}).
     */
    Object send(ProcessId sender, ProcessId to, Object message, Segment segment, Duration timeout) {
        Call call = new Call(nextRequestId(), to, timeout.toNanos(), time, null);
        if (segment != null) {
            segments.open(call.requestId, sender, segment);
        }
        try {
            start(sender, to, message, segment, call);
            return call.await();
        } finally {
            pending.remove(call.requestId);
            if (segment != null) {
                segments.close(call.requestId);
            }
        }
    }

    /** Send without waiting: the stage completes with the reply or the failure. */
    CompletableFuture<Object> sendAsync(ProcessId sender, ProcessId to, Object message, Duration timeout) {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        Call call = new Call(nextRequestId(), to, timeout.toNanos(), time, reply);
        reply.whenComplete((r, e) -> pending.remove(call.requestId, call));
        try {
            start(sender, to, message, null, call);
        } catch (RuntimeException e) {
            pending.remove(call.requestId);
            throw e;
        }
        if (to.nodeNumber() == self.number() && !call.isDone()) {
            // a local request has no connection whose loop could time it out
            call.deadlineOn(timers);
            timers.execute(call::armDeadline);
        }
        return reply;
    }

    /**
     * Registers {@code call} and sends its request, passing {@code segment} (or null) and, to another
     * node, the segment's first bytes if it may be read; or delivers it here.
     */
    private void start(ProcessId sender, ProcessId to, Object message, Segment segment, Call call) {
        MessageCodec<Object> codec = codecs.forMessage(message);
        long requestId = call.requestId;
        register(call);
        long now = clock.tick();
        tracer.traced(MessageEvent.Kind.SEND, to.nodeNumber(), requestId, sender, to, message, now);
        if (to.nodeNumber() == self.number()) {
            if (tracer.on()) { // a local step needs no clock of its own unless someone watches
                tracer.traced(MessageEvent.Kind.RECEIVE, self.number(), requestId, sender, to, message, clock.tick());
            }
            if (!processes.deliver(to.localId(), new Request(sender, requestId, message, null, null, null, 0, false,
                    segment == null ? null : segment.grant()))) {
                throw new NoSuchProcessException("no process " + to + " on node '" + self + "'");
            }
            return;
        }
        Peer peer = peers.live(to.nodeNumber());
        if (peer == null) {
            throw new NodeUnreachableException("the node of process " + to + " is not a live member of cluster '"
                    + config.cluster() + "'");
        }
        Channel ch = peer.out;
        requireBacklogBelowLimit(ch, to);
        IpcWire.SegmentPart part = segment == null ? null : Segments.wire(segment.grant());
        ByteBuffer head = segment == null ? null : segments.head(segment);
        ByteBuf payload = IpcWire.send(ch.alloc(), now, requestId, sender.value(), to.value(), null, part, head,
                codec.id(), message, codec.sizeHint(message), codec::encode);
        if (head != null && payload.readableBytes() > config.maxMessageBytes()) {
            payload.release(); // the message alone may fit: its receiver moves the head like the rest
            head = null;
            payload = IpcWire.send(ch.alloc(), now, requestId, sender.value(), to.value(), null, part, null,
                    codec.id(), message, codec.sizeHint(message), codec::encode);
        }
        checkSize(payload, message);
        call.write(ch, new Frame(FrameKind.SEND, IpcWire.flags(null, part, head), payload, true));
    }


    /** Reply: never blocks; dropped (and logged) if the sender's node is gone. */
    void reply(ProcessId replier, Request request, Object message) {
        reply(replier, request, message, 0, null);
    }

    /**
     * Reply carrying {@code data}'s remaining bytes (null: none; checked against the request's
     * segment by the caller) for the request's segment at {@code offset}, which the sender's node
     * writes there before the sender wakes.
     */
    void reply(ProcessId replier, Request request, Object message, long offset, ByteBuffer data) {
        ProcessId sender = request.sender();
        long now = clock.tick();
        tracer.traced(MessageEvent.Kind.REPLY, sender.nodeNumber(), request.requestId(), sender, replier, message, now);
        if (sender.nodeNumber() == self.number()) {
            if (tracer.on()) {
                tracer.traced(MessageEvent.Kind.REPLY_RECEIVED, self.number(), request.requestId(), sender, replier,
                        message, clock.tick());
            }
            String refused = data == null ? null : segments.deliver(request.requestId(), offset, data);
            if (refused != null) {
                throw new IpcException("cannot reply to the request from " + sender + " with bytes for its segment: "
                        + refused);
            }
            complete(request.requestId(), replier, countedAs(request, replier), message);
            return;
        }
        Channel ch = answerChannel(request);
        if (ch == null) {
            // normal when the sender's node left meanwhile (e.g. late replies to a group send at shutdown)
            LOG.log(Level.DEBUG, "Node ''{0}'': reply to {1} dropped, its node is not live", self, sender);
            return;
        }
        MessageCodec<Object> codec = codecs.forMessage(message);
        long member = onBehalf(request, replier);
        int flags = (member == 0 ? 0 : IpcWire.ON_BEHALF) | (data == null ? 0 : IpcWire.DATA);
        FrameEncoder.write(ch, new Frame(FrameKind.REPLY, flags, checkSize(IpcWire.reply(ch.alloc(), now,
                request.requestId(), replier.value(), member, offset, data, codec.id(), message,
                codec.sizeHint(message), codec::encode), message), true), true);
    }

    /** Whom an answer to {@code request} by {@code process} counts for: the member a group send addressed, or itself. */
    private static ProcessId countedAs(Request request, ProcessId process) {
        return request.member() != null ? request.member() : process;
    }

    /** The member an answer by {@code process} answers for on the wire: 0 if it is that member itself, or none. */
    private static long onBehalf(Request request, ProcessId process) {
        return request.member() == null || request.member().equals(process) ? 0 : request.member().value();
    }

    /** The connection an answer to {@code request} goes on: the one it came on, while that is open. */
    private Channel answerChannel(Request request) {
        Channel origin = request.origin();
        return origin != null && origin.isActive() ? origin : peers.channelTo(request.sender().nodeNumber());
    }

    /**
     * Forward: {@code to} will reply to the original sender; for a request that came by a group send,
     * its answer counts as the addressed member's. A request forwarded {@link #MAX_FORWARDS} times
     * already fails at its sender instead (a forwarding loop).
     */
    void forward(Request request, ProcessId to) {
        if (to.isGroup()) {
            throw new IllegalArgumentException("forward to group " + to + " through forwardToGroup");
        }
        forward(request, to, false);
    }

    /**
     * Forwards {@code request} to every one of {@code members} of {@code group} (VMTP): the first
     * reply answers the sender, and the members' failures are not reported; a group without members
     * fails the sender at once.
     */
    void forwardToGroup(Request request, ProcessId group, Collection<ProcessId> members) {
        if (members.isEmpty()) {
            fail(request, group, FailCode.NO_SUCH_PROCESS, "group " + group + " has no members to forward the request to");
            return;
        }
        if (request.forwards() >= MAX_FORWARDS) {
            refuseForward(request, group); // once, reported, rather than quietly for every member
            return;
        }
        for (ProcessId member : members) {
            forward(request, member, true);
        }
    }

    private void forward(Request request, ProcessId to, boolean toGroupNow) {
        boolean toGroup = toGroupNow || request.toGroup(); // a group's copy stays one: its failures unreported
        if (request.forwards() >= MAX_FORWARDS) {
            refuseForward(request, to);
            return;
        }
        Request forwarded = request.forwarded(toGroup);
        if (to.nodeNumber() == self.number()) {
            if (tracer.on()) {
                tracer.traced(MessageEvent.Kind.FORWARD, self.number(), request.requestId(), request.sender(), to,
                        request.message(), clock.tick());
                tracer.traced(MessageEvent.Kind.RECEIVE, self.number(), request.requestId(), request.sender(), to,
                        request.message(), clock.tick());
            }
            if (!processes.deliver(to.localId(), forwarded)) {
                fail(forwarded, to, FailCode.NO_SUCH_PROCESS, "no process " + to + " on node '" + self + "'");
            }
            return;
        }
        Peer peer = peers.live(to.nodeNumber());
        if (peer == null) {
            fail(toGroup ? forwarded : request, to, FailCode.NODE_UNREACHABLE, "the node of process " + to
                    + " is not a live member");
            return;
        }
        MessageCodec<Object> codec = codecs.forMessage(request.message());
        long now = clock.tick();
        tracer.traced(MessageEvent.Kind.FORWARD, to.nodeNumber(), request.requestId(), request.sender(), to,
                request.message(), now);
        IpcWire.Forward forward = new IpcWire.Forward(request.group().map(ProcessId::value).orElse(0L),
                request.member() == null ? 0 : request.member().value(), forwarded.forwards());
        IpcWire.SegmentPart part = Segments.wire(request.segment().orElse(null));
        ByteBuffer head = forwarded.head == null ? null : ByteBuffer.wrap(forwarded.head);
        peer.out.writeAndFlush(new Frame(FrameKind.SEND, IpcWire.flags(forward, part, head)
                | (toGroup ? IpcWire.TO_GROUP : 0), IpcWire.send(peer.out.alloc(), now, request.requestId(),
                        request.sender().value(), to.value(), forward, part, head, codec.id(), request.message(),
                        codec.sizeHint(request.message()), codec::encode), true));
        if (!toGroup) { // a group's members are on several nodes: the sender waits for the first that answers
            movedTo(request, to.nodeNumber(), forwarded.forwards());
        }
    }

    /** Fails {@code request}, forwarded as often as allowed, instead of forwarding it to {@code to}. */
    private void refuseForward(Request request, ProcessId to) {
        fail(request, to, FailCode.BAD_MESSAGE, "the request was forwarded " + MAX_FORWARDS
                + " times, the most allowed (a forwarding loop?); its forward to " + to + " was refused");
    }

    /** Tells the sender of {@code request} that, after {@code forwards} forwards, its answer will come from node {@code node} (MOVED). */
    private void movedTo(Request request, int node, int forwards) {
        ProcessId member = request.member();
        if (request.sender().nodeNumber() == self.number()) {
            moved(request.requestId(), member, node, forwards);
            return;
        }
        Channel ch = answerChannel(request);
        if (ch != null) {
            ch.writeAndFlush(new Frame(FrameKind.MOVED, 0, IpcWire.moved(ch.alloc(), new IpcWire.Moved(
                    request.requestId(), member == null ? 0 : member.value(), node, forwards))));
        }
    }

    /**
     * Request {@code requestId} (for group member {@code member}, or null), forwarded {@code forwards}
     * times, now waits on a process of node {@code node}; it fails at once if that node is not live,
     * else when it dies. A notice of fewer forwards than one already taken is ignored.
     */
    private void moved(long requestId, ProcessId member, int node, int forwards) {
        Pending p = pending.get(requestId);
        if (p == null) {
            return; // answered meanwhile
        }
        boolean latest = switch (p) {
            case Call c -> c.movedTo(node, forwards);
            // a group request's MOVED names its member; without one there is nothing to move
            case GroupCall g -> member != null && g.movedTo(member, node, forwards);
        };
        if (!latest) {
            return; // an earlier hop's notice, overtaken by a later one
        }
        if (node != self.number() && peers.live(node) == null) {
            IpcException gone = new NodeUnreachableException("the request was forwarded to a process on a node that "
                    + "is not a live member (it died or left): " + peers.nameOf(node));
            completeExceptionally(requestId, member, gone);
        }
    }

    void onMoved(ByteBuf payload) {
        IpcWire.Moved moved = IpcWire.readMoved(payload);
        moved(moved.requestId(), moved.member() == 0 ? null : new ProcessId(moved.member()), moved.node(),
                moved.forwards());
    }

    /** Tells the sender of {@code request} that it will get no reply. */
    void fail(Request request, ProcessId target, FailCode code, String reason) {
        if (request.toGroup()) {
            LOG.log(Level.DEBUG, "Node ''{0}'': a failure of {1}, a member the request was forwarded to, is not "
                    + "reported (another member may answer): {2}", self, target, reason);
            return;
        }
        ProcessId sender = request.sender();
        if (sender.nodeNumber() == self.number()) {
            completeExceptionally(request.requestId(), countedAs(request, target), exception(code, reason));
            return;
        }
        Channel ch = answerChannel(request);
        if (ch != null) {
            IpcWire.Fail fail = new IpcWire.Fail(request.requestId(), target.value(), code, reason,
                    onBehalf(request, target));
            ch.writeAndFlush(new Frame(FrameKind.FAIL, IpcWire.flags(fail), IpcWire.fail(ch.alloc(), fail)));
        }
    }

    /** Fails the requests waiting on processes of the nodes {@code which} accepts. */
    void failPending(IntPredicate which, Supplier<IpcException> error) {
        pending.forEach(p -> {
            switch (p) {
                case Call c -> {
                    if (which.test(c.node) && pending.remove(c.requestId, c)) {
                        c.fail(error.get());
                    }
                }
                case GroupCall g -> g.failNodes(which, error);
            }
        });
    }

    /** A reply by {@code replier} arrived for request {@code requestId}, counting as {@code member}'s. */
    void complete(long requestId, ProcessId replier, ProcessId member, Object message) {
        switch (pending.get(requestId)) {
            case null -> { } // timed out or discarded meanwhile
            case Call c -> {
                if (pending.remove(requestId, c)) {
                    c.complete(message);
                }
            }
            case GroupCall g -> g.reply(member, replier, message);
        }
    }

    /** A failure arrived for request {@code requestId} and process {@code target}. */
    void completeExceptionally(long requestId, ProcessId target, IpcException error) {
        switch (pending.get(requestId)) {
            case null -> { }
            case Call c -> {
                if (pending.remove(requestId, c)) {
                    c.fail(error);
                }
            }
            case GroupCall g -> g.fail(target, error);
        }
    }

    // ------------------------------------------------------------------ inbound frames, on event loops

    /** A request that came on {@code ch} from node {@code fromNode} (0 if not known). */
    void onSend(Channel ch, int fromNode, ByteBuf payload, int flags) {
        IpcWire.Send send = IpcWire.readSend(payload, flags);
        ProcessId sender = new ProcessId(send.sender());
        ProcessId target = new ProcessId(send.target());
        long now = clock.receive(send.clock());
        Channel origin = origin(ch, fromNode, sender);
        if (target.nodeNumber() != self.number()) {
            fail(new Request(sender, send.requestId(), null, origin), target, FailCode.NODE_UNREACHABLE, "process " + target + " is not on node '" + self + "'");
            return;
        }
        MessageCodec<?> codec = codecs.forId(send.codec());
        if (codec == null) {
            fail(new Request(sender, send.requestId(), null, origin), target, FailCode.BAD_MESSAGE,
                    "node '" + self + "' has no codec with id " + send.codec());
            return;
        }
        Object message;
        try {
            message = codec.decode(payload);
        } catch (RuntimeException e) {
            fail(new Request(sender, send.requestId(), null, origin), target, FailCode.BAD_MESSAGE,
                    "cannot decode a " + codec.type().getSimpleName() + " for " + target + ": " + e.getMessage());
            return;
        }
        IpcWire.Forward forward = send.forward();
        Peer from = forward == null ? null : peers.of(ch); // a forward comes from the forwarding node
        tracer.traced(MessageEvent.Kind.RECEIVE, from == null ? sender.nodeNumber() : from.id.number(),
                send.requestId(), sender, target, message, now);
        Segment.Grant segment = Segments.grant(send.segment());
        Request request = forward == null
                ? new Request(sender, send.requestId(), message, origin, null, null, 0, false, segment)
                : new Request(sender, send.requestId(), message, origin,
                        forward.group() == 0 ? null : new ProcessId(forward.group()),
                        forward.member() == 0 ? null : new ProcessId(forward.member()), forward.forwards(),
                        (flags & IpcWire.TO_GROUP) != 0, segment);
        if (send.head() != null) {
            request.head = ByteBufUtil.getBytes(send.head());
        }
        if (!processes.deliver(target.localId(), request)) {
            fail(request, target, FailCode.NO_SUCH_PROCESS, "no process " + target + " on node '" + self + "'");
        }
    }

    /** A reply from node {@code fromNode} (0 if not known). */
    void onReply(int fromNode, ByteBuf payload, int flags) {
        IpcWire.Reply reply = IpcWire.readReply(payload, flags);
        ProcessId replier = new ProcessId(reply.replier());
        ProcessId member = reply.member() == 0 ? replier : new ProcessId(reply.member());
        long now = clock.receive(reply.clock());
        Pending p = pending.get(reply.requestId());
        if (p == null) {
            return; // timed out or discarded meanwhile
        }
        if (p instanceof GroupCall && fromNode != replier.nodeNumber()) {
            throw new FrameFormatException("reply from node " + peers.nameOf(fromNode) + " claims to come from member "
                    + replier + " of another node");
        }
        MessageCodec<?> codec = codecs.forId(reply.codec());
        if (codec == null) {
            completeExceptionally(reply.requestId(), member, new IpcException("reply from " + replier
                    + " has codec id " + reply.codec() + ", unknown on node '" + self + "'"));
            return;
        }
        if (reply.data() != null && !(p instanceof Call)) {
            throw new FrameFormatException("reply from " + replier + " carries bytes for the segment of a group send, "
                    + "which its members may only read");
        }
        try {
            Object message = codec.decode(payload);
            tracer.traced(MessageEvent.Kind.REPLY_RECEIVED, replier.nodeNumber(), reply.requestId(), null, replier,
                    message, now);
            String refused = reply.data() == null ? null
                    : segments.deliver(reply.requestId(), reply.dataOffset(), reply.data().nioBuffer());
            if (refused != null) {
                completeExceptionally(reply.requestId(), member, new IpcException("the reply from " + replier
                        + " carried bytes for the segment that could not be written: " + refused));
                return;
            }
            complete(reply.requestId(), replier, member, message);
        } catch (RuntimeException e) {
            completeExceptionally(reply.requestId(), member, new IpcException("cannot decode the reply from "
                    + replier + ": " + e.getMessage()));
        }
    }

    /**
     * The connection an answer to a request from {@code sender} that arrived on {@code ch} from node
     * {@code fromNode} goes back on: {@code ch} itself if it comes from the sender's node (not for a
     * forward), else null.
     */
    static Channel origin(Channel ch, int fromNode, ProcessId sender) {
        return fromNode == sender.nodeNumber() ? ch : null;
    }

    void onFail(ByteBuf payload, int flags) {
        IpcWire.Fail fail = IpcWire.readFail(payload, flags);
        completeExceptionally(fail.requestId(), new ProcessId(fail.member() == 0 ? fail.target() : fail.member()),
                exception(fail.code(), fail.reason()));
    }

    // ------------------------------------------------------------------ limits

    /** About how many bytes are queued on {@code ch} and not yet taken by the peer. */
    static long queued(Channel ch) {
        return ch.isWritable() ? 0 : ch.bytesBeforeWritable() + LOW_WATER;
    }

    /**
     * Refuses to queue more for a peer that does not read: a bounded buffer per connection, so a slow
     * or hostile peer cannot make this node hold more than the message limit for it.
     */
    void requireBacklogBelowLimit(Channel ch, ProcessId target) {
        long queued = queued(ch);
        if (queued > config.maxMessageBytes()) {
            throw new NodeUnreachableException("the node of " + target + " is not reading: " + queued
                    + " bytes are already queued for it (limit " + config.maxMessageBytes() + ")");
        }
    }

    /** Refuses (and releases) an encoded message above the message limit, before anything is sent. */
    ByteBuf checkSize(ByteBuf payload, Object message) {
        if (payload.readableBytes() > config.maxMessageBytes()) {
            int size = payload.readableBytes();
            payload.release();
            throw new IllegalArgumentException("a " + message.getClass().getSimpleName() + " message of " + size
                    + " encoded bytes exceeds the message limit of " + config.maxMessageBytes() + " bytes");
        }
        return payload;
    }

    private static IpcException exception(FailCode code, String reason) {
        return switch (code) {
            case NO_SUCH_PROCESS, PROCESS_EXITED -> new NoSuchProcessException(reason);
            case NODE_UNREACHABLE -> new NodeUnreachableException(reason);
            case BAD_MESSAGE -> new IpcException(reason);
        };
    }
}
