package dev.iris.runtime;

import dev.iris.runtime.GroupTable.NodeMembers;
import dev.iris.runtime.internal.LamportClock;
import dev.iris.runtime.internal.NodeTime;
import dev.iris.runtime.transport.Frame;
import dev.iris.runtime.transport.FrameEncoder;
import dev.iris.runtime.transport.FrameFormatException;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.GroupWire;
import dev.iris.runtime.transport.IpcWire;
import dev.iris.runtime.transport.IpcWire.FailCode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.function.LongConsumer;

/**
 * V's process groups on one node: the replicated table of memberships, joins and leaves, and group
 * sends with their replies. See {@code doc/design/groups.md}.
 *
 * <p>Wire (payloads in {@link GroupWire}): a join or leave is a GROUP_UPDATE to every live peer,
 * each answering GROUP_ACK; a new peer gets this node's memberships as STATE updates on this
 * node's new connection to it. A group send is one GROUP_SEND per node hosting members, listing
 * the members there; each member's REPLY or FAIL comes back on the connection the GROUP_SEND went
 * out on, and is routed by {@link Ipc} to the send's {@link GroupCall}.
 *
 * <p>Threading: a group send reads an immutable snapshot of the group (no lock), encodes the body
 * once on the sending thread and hands all its frames to the event loop of this node's connections
 * in one task, which arms the deadline, writes every frame and flushes each connection once. Table
 * changes are serialized by {@link #lock}, which a new peer's admission also takes, so that the peer
 * gets every membership either in its STATE or as an update.
 */
final class Groups {
    /**
     * Group-send bodies of at least this many bytes are shared between the nodes' frames; smaller
     * ones are copied into each frame, which costs less than the shared frame's extra buffers and
     * encoder pass (measured at 1 KiB with four members).
     */
    static final int SHARE_FROM = 16 * 1024;

    private final NodeId self;
    private final NodeConfig config;
    private final Codecs codecs;
    private final LamportClock clock;
    private final Peers peers;
    private final ProcessTable processes;
    private final Ipc ipc;
    private final Segments segments;
    private final Tracer tracer;
    /** Times out asynchronous group sends whose members are all on this node. */
    private final EventLoop timers;
    /** Called (on an event loop) when a peer's memberships arrived: its STATE update. */
    private final Consumer<Peer> stateKnown;
    private final GroupTable table = new GroupTable();
    private final Map<Long, AckWait> ackWaits = new ConcurrentHashMap<>();
    private final AtomicLong opIds = new AtomicLong();
    private final AtomicInteger groupIds;
    private final Object lock = new Object();

    Groups(NodeId self, NodeConfig config, Codecs codecs, LamportClock clock, Peers peers, ProcessTable processes,
            Ipc ipc, Segments segments, Tracer tracer, EventLoop timers, Consumer<Peer> stateKnown,
            RandomGenerator random) {
        this.groupIds = new AtomicInteger(random.nextInt(1, 1 << 20));
        this.segments = segments;
        this.timers = timers;
        this.self = self;
        this.config = config;
        this.codecs = codecs;
        this.clock = clock;
        this.peers = peers;
        this.processes = processes;
        this.ipc = ipc;
        this.tracer = tracer;
        this.stateKnown = stateKnown;
    }

    /** A join or leave waiting until every live peer applied it; made by the thread that waits. */
    private static final class AckWait {
        private final Set<Integer> nodes = ConcurrentHashMap.newKeySet();
        private final Thread waiter = Thread.currentThread();

        AckWait(Set<Integer> nodes) {
            this.nodes.addAll(nodes);
        }

        void done(int nodeNumber) {
            if (nodes.remove(nodeNumber) && nodes.isEmpty()) {
                LockSupport.unpark(waiter);
            }
        }

        /** Stops waiting for nodes that are no longer live (died before the wait was registered). */
        void retainLive(Set<Integer> live) {
            if (nodes.retainAll(live) && nodes.isEmpty()) {
                LockSupport.unpark(waiter);
            }
        }

        /** Parks (no monitor: a simulation resumes the thread itself) until every node acknowledged, or the time-out. */
        boolean await(NodeTime time, long timeoutNanos) throws InterruptedException {
            long deadline = time.nanos() + timeoutNanos;
            while (!nodes.isEmpty()) {
                if (time.left(deadline) <= 0) {
                    return false;
                }
                time.park(this, deadline);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            return true;
        }
    }

    Map<ProcessId, Set<ProcessId>> all() {
        return table.all();
    }

    // ------------------------------------------------------------------ membership of groups

    ProcessId createGroup(ProcessId creator, boolean localGroup) {
        ProcessId group = ProcessId.group(self.number(),
                groupIds.getAndUpdate(i -> i >= ProcessId.MAX_LOCAL_ID ? 1 : i + 1), localGroup);
        join(creator, group);
        return group;
    }

    Set<ProcessId> members(ProcessId group) {
        requireGroup(group);
        return table.members(group);
    }

    boolean awaitMembers(ProcessId group, int n, Duration timeout) throws InterruptedException {
        requireGroup(group);
        return table.awaitMembers(group, n, ipc.time().nanos() + timeout.toNanos(), ipc.time());
    }

    void join(ProcessId member, ProcessId group) {
        requireGroup(group);
        if (group.isLocalGroup() && group.nodeNumber() != self.number()) {
            throw new IllegalArgumentException("local group " + group + " keeps its members on the node that created it; "
                    + member + " runs on node '" + self + "'");
        }
        update(GroupWire.Op.JOIN, Collections.singletonList(new ProcessId[] {group, member}));
    }

    void leave(ProcessId member, ProcessId group) {
        requireGroup(group);
        update(GroupWire.Op.LEAVE, Collections.singletonList(new ProcessId[] {group, member}));
    }

    /** Takes a process that exits out of all its groups. */
    void leaveAll(ProcessId member) {
        List<ProcessId[]> entries = new ArrayList<>();
        for (ProcessId g : table.groupsOf(member)) {
            entries.add(new ProcessId[] {g, member});
        }
        if (!entries.isEmpty()) {
            update(GroupWire.Op.LEAVE, entries);
        }
    }

    private static void requireGroup(ProcessId group) {
        if (!group.isGroup()) {
            throw new IllegalArgumentException(group + " is a process id, not a group id");
        }
    }

    /**
     * Applies a join or leave of local members here, then on every live peer, and waits until all
     * of them acknowledged (or died).
     */
    private void update(GroupWire.Op op, List<ProcessId[]> entries) {
        long opId = opIds.incrementAndGet();
        AckWait wait;
        synchronized (lock) {
            boolean changed = false;
            List<GroupWire.Entry> wire = new ArrayList<>();
            for (ProcessId[] e : entries) {
                changed |= op == GroupWire.Op.JOIN ? table.add(e[0], e[1]) : table.remove(e[0], e[1]);
                wire.add(new GroupWire.Entry(e[0].value(), e[1].value()));
            }
            if (!changed) {
                return;
            }
            Set<Integer> live = liveNumbers();
            wait = new AckWait(live);
            ackWaits.put(opId, wait);
            wait.retainLive(liveNumbers()); // a peer that died before the put is not waited for
            for (Peer peer : peers.live()) {
                peer.out.writeAndFlush(new Frame(FrameKind.GROUP_UPDATE, 0,
                        GroupWire.update(peer.out.alloc(), new GroupWire.Update(op, opId, wire))));
            }
        }
        Duration patience = config.failureTimeout().multipliedBy(5);
        try {
            if (!wait.await(ipc.time(), patience.toNanos())) {
                throw new IpcTimeoutException("group " + op.name().toLowerCase(Locale.ROOT)
                        + " not acknowledged by every live node within " + patience.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IpcException("group " + op.name().toLowerCase(Locale.ROOT) + " interrupted");
        } finally {
            ackWaits.remove(opId);
        }
    }

    private Set<Integer> liveNumbers() {
        Set<Integer> live = new HashSet<>();
        peers.live().forEach(p -> live.add(p.id.number()));
        return live;
    }

    /**
     * Admits a new peer: runs {@code register} (which makes it live) and queues this node's
     * memberships for it on {@code ch}, under the table's lock, so that no join or leave falls
     * between the two. The caller flushes {@code ch}.
     */
    void admit(Channel ch, Runnable register) {
        synchronized (lock) {
            register.run();
            List<GroupWire.Entry> mine = new ArrayList<>();
            for (ProcessId[] e : table.entriesOfNode(self.number())) {
                mine.add(new GroupWire.Entry(e[0].value(), e[1].value()));
            }
            // the first STATE frame replaces the receiver's entries of this node; more frames add to them
            int from = 0;
            do {
                List<GroupWire.Entry> chunk = mine.subList(from, Math.min(mine.size(), from + GroupWire.MAX_ENTRIES));
                ch.write(new Frame(FrameKind.GROUP_UPDATE, 0, GroupWire.update(ch.alloc(), new GroupWire.Update(
                        from == 0 ? GroupWire.Op.STATE : GroupWire.Op.JOIN, 0, List.copyOf(chunk)))));
                from += GroupWire.MAX_ENTRIES;
            } while (from < mine.size());
        }
    }

    /** Forgets the members of a dead node and stops waiting for its acknowledgements. */
    void nodeDied(int node) {
        table.removeNode(node);
        ackWaits.values().forEach(w -> w.done(node));
    }

    // ------------------------------------------------------------------ group send

    /**
     * Group send: one GROUP_SEND per node that hosts members of the sender's view, local delivery
     * for members on this node; returns per {@code mode}.
     *
     * @param segment  a segment the members may read until this returns, or null
     * @param previous the request id of the sender's previous group send, discarded now (0: none)
     */
    GroupReplies sendGroup(ProcessId sender, ProcessId group, Object message, Segment segment, ReplyMode mode,
            Duration timeout, long previous, LongConsumer started) {
        requireGroup(group);
        requireReadable(segment, mode);
        if (previous != 0) {
            ipc.discard(previous);
        }
        GroupTable.View view = table.view(group);
        GroupCall call = new GroupCall(ipc.nextRequestId(), group, view, mode, timeout.toNanos(), ipc.time());
        boolean replies = mode.kind() != ReplyMode.Kind.NONE;
        if (replies) {
            ipc.register(call);
            started.accept(call.requestId);
        }
        if (segment != null) {
            segments.open(call.requestId, sender, segment);
        }
        try {
            start(sender, group, message, segment == null ? null : segment.grant(), view, call, replies);
            if (!replies) {
                return new GroupReplies(view.members().size(), List.of(), Map.of(), true);
            }
            try {
                return call.await();
            } catch (IpcException e) {
                ipc.discard(call.requestId);
                throw e;
            }
        } finally {
            if (segment != null) {
                segments.close(call.requestId);
            }
        }
    }

    /**
     * Refuses a segment (null: none) that a group send with {@code mode} cannot pass: its members
     * read it while the sender waits.
     */
    static void requireReadable(Segment segment, ReplyMode mode) {
        if (segment != null && (segment.access() != Segment.Access.READ || mode.kind() == ReplyMode.Kind.NONE)) {
            throw new IllegalArgumentException("a group send's segment is read by its members while the sender "
                    + "waits: its access must be READ (not " + segment.access() + ") and its reply mode not "
                    + mode.kind());
        }
    }

    /** A group send without waiting: the stage completes once {@code mode} is satisfied (see {@link Kernel#sendGroupAsync}). */
    CompletableFuture<GroupReplies> sendGroupAsync(ProcessId sender, ProcessId group, Object message, ReplyMode mode,
            Duration timeout) {
        requireGroup(group);
        GroupTable.View view = table.view(group);
        CompletableFuture<GroupReplies> done = new CompletableFuture<>();
        boolean replies = mode.kind() != ReplyMode.Kind.NONE;
        GroupCall call = new GroupCall(ipc.nextRequestId(), group, view, mode, timeout.toNanos(), ipc.time(), done,
                replies ? ipc : null);
        if (replies) {
            ipc.register(call);
        }
        if (!start(sender, group, message, null, view, call, replies) && replies && !call.isDone()) {
            // no frame left this node: no connection's loop times the send out
            call.deadlineOn(timers);
            timers.execute(call::armDeadline);
        }
        call.settleIfDone(); // nobody to answer (an empty group, or every member's node gone)
        if (!replies) {
            done.complete(new GroupReplies(view.members().size(), List.of(), Map.of(), true));
        }
        return done;
    }

    /**
     * Sends {@code message} to the members of {@code view}: the frames for other nodes in one task on
     * their connections' loop (which arms the deadline if {@code deadline}), then the members here.
     * The body is encoded once, into the first node's frame; the other nodes' frames copy it when it
     * is small and share it when it is not.
     *
     * @return whether any frame left this node
     */
    private boolean start(ProcessId sender, ProcessId group, Object message, Segment.Grant segment,
            GroupTable.View view, GroupCall call, boolean deadline) {
        IpcWire.SegmentPart part = Segments.wire(segment);
        int flags = part == null ? 0 : GroupWire.SEGMENT;
        MessageCodec<Object> codec = codecs.forMessage(message);
        long requestId = call.requestId;
        NodeMembers here = null;
        ByteBuf first = null;
        int bodyStart = 0;
        int bodyBytes = 0;
        Channel[] channels = new Channel[view.byNode().size()];
        Frame[] frames = new Frame[channels.length];
        int n = 0;
        try {
            long now = clock.tick();
            for (NodeMembers nm : view.byNode()) {
                tracer.traced(MessageEvent.Kind.GROUP_SEND, nm.node(), requestId, sender, group, message, now);
                if (nm.node() == self.number()) {
                    here = nm;
                    continue;
                }
                Peer peer = peers.live(nm.node());
                if (peer == null) {
                    for (ProcessId m : nm.members()) {
                        call.fail(m, new NodeUnreachableException("the node of member " + m + " is not a live member"));
                    }
                    continue;
                }
                Channel ch = peer.out;
                int headerBytes = GroupWire.groupSendHeaderBytes(nm.localIds().length, part != null);
                boolean copy = first == null || bodyBytes < SHARE_FROM;
                ByteBuf payload = copy
                        ? Frame.buffer(ch.alloc(), headerBytes + (first == null ? codec.sizeHint(message) : bodyBytes))
                        : ch.alloc().buffer(headerBytes);
                frames[n] = new Frame(FrameKind.GROUP_SEND, flags, payload, copy);
                channels[n++] = ch;
                GroupWire.groupSendHeader(payload, now, requestId, sender.value(), group.value(), nm.localIds(),
                        part, codec.id());
                if (first == null) {
                    first = payload;
                    bodyStart = payload.writerIndex();
                    codec.encode(message, payload);
                    bodyBytes = payload.writerIndex() - bodyStart;
                    checkSize(message, bodyBytes, part != null, view);
                } else if (copy) {
                    payload.writeBytes(first, bodyStart, bodyBytes);
                } else {
                    frames[n - 1] = new Frame(FrameKind.GROUP_SEND, flags, ch.alloc().compositeBuffer(2)
                            .addComponents(true, payload, first.retainedSlice(bodyStart, bodyBytes)));
                }
            }
        } catch (RuntimeException e) {
            for (int i = 0; i < n; i++) {
                frames[i].release();
            }
            ipc.discard(requestId);
            throw e;
        }
        if (n > 0) {
            writeAll(channels, frames, n, call, deadline);
        }
        if (here != null) {
            if (tracer.on()) {
                tracer.traced(MessageEvent.Kind.RECEIVE, self.number(), requestId, sender, group, message, clock.tick());
            }
            deliver(sender, requestId, group, here.localIds(), message, segment, null);
        }
        return n > 0;
    }

    /** Refuses a body too large for the node with the most members, before anything leaves. */
    private void checkSize(Object message, int bodyBytes, boolean segment, GroupTable.View view) {
        long largest = (long) bodyBytes + GroupWire.groupSendHeaderBytes(view.mostOnANode(), segment);
        if (largest > config.maxMessageBytes()) {
            throw new IllegalArgumentException("a " + message.getClass().getSimpleName() + " group message of "
                    + largest + " encoded bytes exceeds the message limit of " + config.maxMessageBytes() + " bytes");
        }
    }

    /**
     * Writes a group send's {@code n} frames in one task on the event loop of this node's
     * connections (they all run on one loop: {@link Wiring} dials every peer on its protocol loop);
     * here if this is that loop.
     */
    private void writeAll(Channel[] channels, Frame[] frames, int n, GroupCall call, boolean deadline) {
        EventLoop loop = channels[0].eventLoop();
        if (deadline) {
            call.deadlineOn(loop);
        }
        if (loop.inEventLoop()) {
            write(channels, frames, n, call, deadline);
            return;
        }
        try {
            loop.execute(() -> write(channels, frames, n, call, deadline));
        } catch (RejectedExecutionException rejected) {
            for (int i = 0; i < n; i++) {
                frames[i].release();
                failNode(call, channels[i], "node '" + self + "' is shutting down");
            }
        }
    }

    /** On the connections' loop: arms the deadline, writes each frame and flushes each connection once. */
    private void write(Channel[] channels, Frame[] frames, int n, GroupCall call, boolean deadline) {
        if (deadline) {
            call.armDeadline();
        }
        ChannelFutureListener unsent = f -> {
            if (!f.isSuccess()) {
                failNode(call, f.channel(), "could not send to node " + peers.nameOf(peerNumber(f.channel())) + ": "
                        + f.cause().getMessage());
            }
        };
        for (int i = 0; i < n; i++) {
            FrameEncoder.write(channels[i], frames[i], false).addListener(unsent);
        }
        for (int i = 0; i < n; i++) {
            channels[i].flush();
        }
    }

    /** Fails the members of the group send on the node {@code ch} leads to. */
    private void failNode(GroupCall call, Channel ch, String why) {
        int node = peerNumber(ch);
        call.failNodes(n -> n == node, () -> new NodeUnreachableException(why));
    }

    private int peerNumber(Channel ch) {
        Peer p = peers.of(ch);
        return p == null ? -1 : p.id.number();
    }

    /** Delivers a group message to the listed local processes that are still members. */
    private void deliver(ProcessId sender, long requestId, ProcessId group, int[] localIds, Object message,
            Segment.Grant segment, Channel origin) {
        for (int localId : localIds) {
            ProcessId member = ProcessId.process(self.number(), localId);
            Request request = new Request(sender, requestId, message, origin, group, member, 0, false, segment);
            if (!table.contains(group, member)) {
                ipc.fail(request, member, FailCode.NO_SUCH_PROCESS, member + " is no longer a member of " + group);
            } else if (!processes.deliver(localId, request)) {
                ipc.fail(request, member, FailCode.NO_SUCH_PROCESS, "member " + member + " of " + group + " has exited");
            }
        }
    }

    // ------------------------------------------------------------------ inbound frames, on event loops

    /** A group send that came on {@code ch} from node {@code fromNode} (0 if not known). */
    void onGroupSend(Channel ch, int fromNode, ByteBuf payload, int flags) {
        GroupWire.GroupSend send = GroupWire.readGroupSend(payload, flags);
        ProcessId sender = new ProcessId(send.sender());
        ProcessId group = new ProcessId(send.group());
        long now = clock.receive(send.clock());
        Channel origin = Ipc.origin(ch, fromNode, sender);
        MessageCodec<?> codec = codecs.forId(send.codec());
        Object message = null;
        String problem = null;
        if (codec == null) {
            problem = "node '" + self + "' has no codec with id " + send.codec();
        } else {
            try {
                message = codec.decode(payload);
            } catch (RuntimeException e) {
                problem = "cannot decode a " + codec.type().getSimpleName() + " for " + group + ": " + e.getMessage();
            }
        }
        if (problem != null) {
            for (int localId : send.members()) {
                ipc.fail(new Request(sender, send.requestId(), null, origin), ProcessId.process(self.number(), localId),
                        FailCode.BAD_MESSAGE, problem);
            }
            return;
        }
        tracer.traced(MessageEvent.Kind.RECEIVE, sender.nodeNumber(), send.requestId(), sender, group, message, now);
        deliver(sender, send.requestId(), group, send.members(), message, Segments.grant(send.segment()), origin);
    }

    void onGroupUpdate(Channel ch, ByteBuf payload) {
        GroupWire.Update update = GroupWire.readUpdate(payload);
        Peer from = peers.of(ch);
        if (from == null) {
            throw new FrameFormatException("group update from " + ch.remoteAddress() + " before its node is known");
        }
        for (GroupWire.Entry e : update.entries()) {
            ProcessId group = new ProcessId(e.group());
            ProcessId member = new ProcessId(e.member());
            if (member.nodeNumber() != from.id.number() || member.isGroup()) {
                throw new FrameFormatException("group update from " + ch.remoteAddress() + " names member " + member
                        + ", not a process of its own node");
            }
            if (!group.isGroup() || (group.isLocalGroup() && group.nodeNumber() != member.nodeNumber())) {
                throw new FrameFormatException("group update from " + ch.remoteAddress() + " names " + group
                        + ", not a group its processes may join");
            }
        }
        if (update.op() == GroupWire.Op.STATE) {
            table.removeNode(from.id.number());
        }
        for (GroupWire.Entry e : update.entries()) {
            ProcessId group = new ProcessId(e.group());
            ProcessId member = new ProcessId(e.member());
            if (update.op() == GroupWire.Op.LEAVE) {
                table.remove(group, member);
            } else {
                table.add(group, member);
            }
        }
        if (update.op() == GroupWire.Op.STATE) {
            stateKnown.accept(from);
        }
        if (update.opId() != 0) {
            // back on the connection the update came on: this node may not have dialed the peer yet
            ch.writeAndFlush(new Frame(FrameKind.GROUP_ACK, 0, GroupWire.ack(ch.alloc(), update.opId())));
        }
    }

    void onGroupAck(Channel ch, ByteBuf payload) {
        long opId = GroupWire.readAck(payload);
        Peer from = peers.of(ch);
        AckWait wait = ackWaits.get(opId);
        if (wait != null && from != null) {
            wait.done(from.id.number());
        }
    }
}
