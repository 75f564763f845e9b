package dev.iris.runtime;

import dev.iris.runtime.internal.LamportClock;
import dev.iris.runtime.internal.Log;
import dev.iris.runtime.transport.Frame;
import dev.iris.runtime.transport.FrameEncoder;
import dev.iris.runtime.transport.FrameFormatException;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.IpcWire;
import dev.iris.runtime.transport.SegmentWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.local.LocalChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * V's segments on one node: the segments this node's waiting Sends passed, which receivers move
 * data from and to (MoveFrom, MoveTo), and the moves of this node's processes from and to other
 * nodes' segments.
 *
 * <p>Protocol (payloads in {@link SegmentWire}): a move is cut into pieces of at most
 * {@value #PIECE_BYTES} bytes; the mover's node sends a SEGMENT_MOVE per piece to the sender's node,
 * at most {@value #WINDOW} pieces of a MoveFrom and {@value #WRITE_WINDOW} of a MoveTo ahead of their
 * answers (the flow control: neither side holds more than that of one move), and the sender's node
 * answers each with a SEGMENT_ANSWER on the same connection: the bytes read, done, or refused. A
 * segment is accessible from when its Send starts until it returns (replied, failed or timed out); a
 * piece that arrives after that is refused, and
 * once the Send has returned no piece touches the segment's memory. A move within one node copies
 * between the two processes' memory directly.
 *
 * <p>V's ReceiveWithSegment and ReplyWithSegment: the first bytes of a readable segment (up to
 * {@value #HEAD_BYTES}) travel with a SEND to another node ({@link IpcWire#HEAD}), and the receiver's
 * MoveFrom takes them from there (its MoveTo keeps that copy current); a reply may carry up to
 * {@value #REPLY_BYTES} bytes for the segment ({@link IpcWire#DATA}), which the sender's node writes before the
 * sender wakes. Group sends carry no head.
 *
 * <p>Threading: a move runs on the mover's thread, which parks until its last piece is answered;
 * its pieces are sent and their answers read on the event loop of this node's connection to the
 * sender's node. The sender's node serves pieces on the event loop that read them, holding the
 * segment's lock for one piece's copy. A piece read from memory outside the heap (a direct
 * {@link ByteBuffer}) is not copied: it goes to the socket from the segment's memory, and the Send
 * returns only once every such piece is written out, so no piece touches the segment's memory after
 * that.
 */
final class Segments {
    private static final System.Logger LOG = Log.of(Segments.class);
    /** The most bytes one piece moves (256 KiB moved 256 MiB a fifth faster than 64 KiB in BulkBenchmark). */
    static final int PIECE_BYTES = 256 * 1024;
    /** The most pieces of one MoveFrom in flight (their answers are written from the segment's memory when they can be). */
    static final int WINDOW = 16;
    /** The most pieces of one MoveTo in flight: the mover's node writes them on its connection to the sender's node. */
    static final int WRITE_WINDOW = 4;
    /** The most bytes for the segment that go in a reply itself (V's ReplyWithSegment); more are moved first. */
    static final int REPLY_BYTES = 64 * 1024;
    /** The most bytes of a readable segment that travel with its request (V's ReceiveWithSegment). */
    static final int HEAD_BYTES = 16 * 1024;

    private final NodeId self;
    private final NodeConfig config;
    private final Peers peers;
    private final Tracer tracer;
    private final LamportClock clock;
    private final AtomicLong moveIds = new AtomicLong();
    /** The segments of this node's waiting Sends, by request id. */
    private final Map<Long, Held> held = new ConcurrentHashMap<>();
    /** This node's moves waiting on other nodes, by move id. */
    private final Map<Long, Move> moves = new ConcurrentHashMap<>();

    Segments(NodeId self, NodeConfig config, Peers peers, Tracer tracer, LamportClock clock) {
        this.self = self;
        this.config = config;
        this.peers = peers;
        this.tracer = tracer;
        this.clock = clock;
    }

    /**
     * A waiting Send's segment; moves copy a piece at a time under its lock, and not once it is
     * closed. Pieces read from memory outside the heap are lent: written to the socket from the
     * segment's memory itself, and the segment closes only once they are written out.
     */
    private static final class Held {
        final ProcessId sender;
        final Segment segment;
        final ReentrantLock lock = new ReentrantLock();
        final Condition returned = lock.newCondition();
        boolean closed; // guarded by lock
        /** The pieces on their way out of the segment's memory, by the connection they go out on; guarded by lock. */
        final Map<Channel, Integer> lent = new HashMap<>();

        Held(ProcessId sender, Segment segment) {
            this.sender = sender;
            this.segment = segment;
        }
    }

    // ------------------------------------------------------------------ the sender's side

    /** Makes {@code segment} accessible to the receivers of request {@code requestId} of {@code sender}. */
    void open(long requestId, ProcessId sender, Segment segment) {
        held.put(requestId, new Held(sender, segment));
    }

    /**
     * Ends access to request {@code requestId}'s segment: returns once no move copies from or to it
     * and no piece lent from its memory is still being written. A piece still not written out
     * {@value Membership#UNREAD_TIMEOUTS} failure timeouts later (its peer does not read: as long as
     * a node waits before it declares such a peer dead) has its connection closed, which ends its
     * write.
     */
    void close(long requestId) {
        Held h = held.remove(requestId);
        if (h == null) {
            return;
        }
        List<Channel> stuck;
        h.lock.lock();
        try {
            h.closed = true;
            long left = Membership.UNREAD_TIMEOUTS * config.failureTimeout().toNanos();
            while (!h.lent.isEmpty() && left > 0) {
                left = h.returned.awaitNanos(left);
            }
            stuck = List.copyOf(h.lent.keySet());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the pieces' connections are closed at once
            stuck = List.copyOf(h.lent.keySet());
        } finally {
            h.lock.unlock();
        }
        for (Channel ch : stuck) {
            LOG.log(System.Logger.Level.WARNING, "Node ''{0}'': a piece of the segment of request {1} was still not "
                    + "written out {2} failure timeouts after its Send ended (its peer does not read); closing {3}",
                    self, Long.toString(requestId), Membership.UNREAD_TIMEOUTS, ch);
            ch.close().awaitUninterruptibly(); // once closed on its loop, nothing reads the segment's memory
        }
    }

    /**
     * A read piece of a segment whose memory is outside the heap, answered on {@code ch} with a
     * view of that memory instead of a copy (the stream's zero-copy write); false if it cannot be
     * (closed, other memory, refused: then it is copied, or refused, as any). Over TLS the bytes are
     * copied while being encrypted anyway, and the in-JVM transport passes buffers to the peer as
     * they are, to be read after the write has completed: there pieces are always copied.
     */
    private boolean lend(Channel ch, SegmentWire.Move move) {
        Held h = held.get(move.requestId());
        if (h == null || h.sender.value() != move.sender() || ch instanceof LocalChannel
                || ch.pipeline().get(SslHandler.class) != null || refusedAccess(h.segment.access(), false) != null
                || outOfBounds(h.segment.length(), move.offset(), move.length()) != null) {
            return false;
        }
        ByteBuf header = SegmentWire.done(ch.alloc(), move.moveId(), move.offset(), 0);
        ByteBuf answer;
        h.lock.lock();
        try {
            ByteBuffer view = h.closed ? null : h.segment.offHeap(move.offset(), move.length());
            if (view == null || !readable(view)) {
                header.release();
                return false;
            }
            answer = ch.alloc().compositeBuffer(2).addComponents(true, header, Unpooled.wrappedBuffer(view));
            h.lent.merge(ch, 1, Integer::sum);
        } catch (RuntimeException | Error e) {
            header.release();
            throw e;
        } finally {
            h.lock.unlock();
        }
        try {
            ch.writeAndFlush(new Frame(FrameKind.SEGMENT_ANSWER, 0, answer)).addListener(f -> returned(h, ch));
        } catch (RuntimeException e) { // the write never started: nothing reads the memory
            returned(h, ch);
            throw e;
        }
        return true;
    }

    /** Whether this thread may read {@code view} (memory of a confined arena or a closed one may not be). */
    private static boolean readable(ByteBuffer view) {
        try {
            view.get(0);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A piece lent from {@code h}'s memory on {@code ch} is written out, or its write failed. */
    private static void returned(Held h, Channel ch) {
        h.lock.lock();
        try {
            h.lent.computeIfPresent(ch, (c, n) -> n == 1 ? null : n - 1);
            if (h.lent.isEmpty()) {
                h.returned.signalAll();
            }
        } finally {
            h.lock.unlock();
        }
    }

    /**
     * Moves {@code buffer}'s remaining bytes from ({@code write} false) or to the segment of request
     * {@code requestId} of {@code sender} at {@code offset}, a piece at a time, if it is still open:
     * null, or why not (the buffer's position is then undefined).
     */
    private String copy(long requestId, long sender, long offset, ByteBuffer buffer, boolean write) {
        Held h = held.get(requestId);
        return copy(h == null || h.sender.value() != sender ? null : h, offset, buffer, write);
    }

    /**
     * Writes the bytes a reply carried ({@link IpcWire#DATA}) into the segment of this node's request
     * {@code requestId} at {@code offset}, before its sender wakes: null, or why not.
     */
    String deliver(long requestId, long offset, ByteBuffer data) {
        return copy(held.get(requestId), offset, data, true);
    }

    /**
     * The first bytes of {@code segment} that go with its request to another node (up to
     * {@value #HEAD_BYTES}, a quarter of the message limit at most), or null if it may not be read or
     * its file cannot be (then every receiver's move says why).
     */
    ByteBuffer head(Segment segment) {
        int n = (int) Math.min(Math.min(segment.length(), HEAD_BYTES), config.maxMessageBytes() / 4);
        if (!segment.access().reads() || n == 0) {
            return null;
        }
        byte[] bytes = new byte[n];
        try {
            segment.read(0, ByteBuffer.wrap(bytes));
        } catch (RuntimeException e) {
            return null;
        }
        return ByteBuffer.wrap(bytes);
    }

    /** {@link #copy(long, long, long, ByteBuffer, boolean)} on {@code h}, null if there is none. */
    private String copy(Held h, long offset, ByteBuffer buffer, boolean write) {
        if (h == null) {
            return "its sender no longer waits for the reply (it was answered, timed out or failed): the segment "
                    + "is no longer accessible";
        }
        Segment segment = h.segment;
        String refused = refusedAccess(segment.access(), write);
        if (refused == null) {
            refused = outOfBounds(segment.length(), offset, buffer.remaining());
        }
        if (refused != null) {
            return refused;
        }
        for (long at = offset; buffer.hasRemaining(); ) {
            ByteBuffer piece = buffer.slice(buffer.position(), Math.min(buffer.remaining(), PIECE_BYTES));
            h.lock.lock();
            try {
                if (h.closed) {
                    return "its sender " + h.sender + " stopped waiting for the reply: the segment is no longer "
                            + "accessible";
                }
                if (write) {
                    segment.write(at, piece);
                } else {
                    segment.read(at, piece);
                }
            } catch (RuntimeException e) { // the file of a segment failed
                return "the segment could not be " + (write ? "written" : "read") + " on node '" + self + "': " + e;
            } finally {
                h.lock.unlock();
            }
            at += piece.capacity();
            buffer.position(buffer.position() + piece.capacity());
        }
        return null;
    }

    /** Why {@code access} forbids a move ({@code write} or read), or null. */
    private static String refusedAccess(Segment.Access access, boolean write) {
        return (write ? access.writes() : access.reads()) ? null
                : "its segment's access is " + access + ": it may not be " + (write ? "written" : "read");
    }

    /** Why {@code length} bytes at {@code offset} are not all inside a segment of {@code segmentLength} bytes, or null. */
    private static String outOfBounds(long segmentLength, long offset, long length) {
        return offset >= 0 && length <= segmentLength - offset ? null
                : "bytes [" + offset + ", " + (offset + length) + ") are outside its segment of " + segmentLength
                        + " bytes";
    }

    /** The start of a failed move's message: "cannot move to (or from) the segment of the request from S". */
    private static String cannot(boolean write, ProcessId sender) {
        return "cannot move " + (write ? "to" : "from") + " the segment of the request from " + sender;
    }

    /** A segment's grant as a SEND or GROUP_SEND carries it, or null. */
    static IpcWire.SegmentPart wire(Segment.Grant grant) {
        return grant == null ? null : new IpcWire.SegmentPart(grant.access().ordinal(), grant.length());
    }

    /** A SEND's or GROUP_SEND's segment part as its receiver is granted it, or null. */
    static Segment.Grant grant(IpcWire.SegmentPart part) {
        return part == null ? null : new Segment.Grant(Segment.Access.values()[part.access()], part.length());
    }

    /** A piece from another node, on the event loop that read it: answered on the same connection. */
    void onMove(Channel ch, ByteBuf payload) {
        SegmentWire.Move move = SegmentWire.readMove(payload);
        boolean write = move.op() == SegmentWire.WRITE;
        ByteBuf answer = null;
        String refused;
        if (move.length() > PIECE_BYTES) {
            refused = "a piece of " + move.length() + " bytes is larger than " + PIECE_BYTES;
        } else if (write) {
            refused = copy(move.requestId(), move.sender(), move.offset(), payload.nioBuffer(), true);
        } else if (lend(ch, move)) {
            return;
        } else {
            answer = SegmentWire.done(ch.alloc(), move.moveId(), move.offset(), move.length());
            refused = copy(move.requestId(), move.sender(), move.offset(),
                    answer.nioBuffer(answer.writerIndex(), move.length()), false);
            answer.writerIndex(answer.writerIndex() + move.length());
        }
        if (refused != null) {
            if (answer != null) {
                answer.release();
            }
            ch.writeAndFlush(new Frame(FrameKind.SEGMENT_ANSWER, 0, SegmentWire.refused(ch.alloc(), move.moveId(),
                    move.offset(), "request " + move.requestId() + ": " + refused)));
            return;
        }
        if (answer == null) {
            answer = SegmentWire.done(ch.alloc(), move.moveId(), move.offset(), 0);
        }
        FrameEncoder.write(ch, new Frame(FrameKind.SEGMENT_ANSWER, 0, answer, true), true);
    }

    // ------------------------------------------------------------------ the mover's side

    /**
     * V's MoveFrom ({@code write} false) or MoveTo: moves {@code buffer}'s remaining bytes from or to
     * {@code request}'s segment at {@code offset}, and advances the buffer's position past them.
     * Blocks until every piece is moved; on the mover's thread.
     */
    void move(ProcessId mover, Request request, long offset, ByteBuffer buffer, boolean write) {
        check(request, offset, buffer.remaining(), write);
        if (!write && buffer.isReadOnly()) {
            throw new IllegalArgumentException("cannot move from a segment into a read-only buffer");
        }
        long from = offset;
        int length = buffer.remaining();
        byte[] head = request.head;
        if (!write && head != null && offset < head.length) { // it came with the request: no need to ask
            int n = (int) Math.min(buffer.remaining(), head.length - offset);
            buffer.put(head, (int) offset, n);
            offset += n;
        }
        if (buffer.hasRemaining()) {
            int start = buffer.position();
            moveAway(request, offset, buffer, write);
            if (write && head != null && offset < head.length) { // the head stays what the segment holds
                buffer.get(start, head, (int) offset, (int) Math.min(buffer.position() - start, head.length - offset));
            }
        }
        traced(mover, request, from, length, write, offset == from + length && length > 0 && !write
                ? " (they came with the request)" : "");
    }

    /**
     * Traces a completed move of {@code length} bytes at {@code offset} by {@code mover}, as a step of
     * its node whose peer is the segment's ({@code how}: what else to say of it).
     */
    void traced(ProcessId mover, Request request, long offset, int length, boolean write, String how) {
        if (length > 0 && tracer.on()) {
            tracer.traced(write ? MessageEvent.Kind.MOVE_TO : MessageEvent.Kind.MOVE_FROM,
                    request.sender().nodeNumber(), request.requestId(), request.sender(), mover, "segment",
                    "bytes [" + offset + ", " + (offset + length) + ")" + how, clock.tick());
        }
    }

    /**
     * Throws what a move of {@code length} bytes at {@code offset} from or to {@code request}'s
     * segment may not do: no segment, answered, its access or its bounds.
     */
    static void check(Request request, long offset, long length, boolean write) {
        ProcessId sender = request.sender();
        Segment.Grant grant = request.segment().orElseThrow(() -> new IllegalStateException(
                "the request from " + sender + " passed no segment"));
        if (request.isAnswered()) {
            throw new IllegalStateException("the request from " + sender
                    + " was answered: its segment is no longer accessible");
        }
        String refused = refusedAccess(grant.access(), write);
        if (refused != null) {
            throw new IllegalStateException("the request from " + sender + ": " + refused);
        }
        refused = outOfBounds(grant.length(), offset, length);
        if (refused != null) {
            throw new IndexOutOfBoundsException("the request from " + sender + ": " + refused);
        }
    }

    /**
     * Whether {@code bytes} for {@code request}'s segment go in its reply (V's ReplyWithSegment) rather
     * than by a move before it: a sender on another node, and at most {@value #REPLY_BYTES} of them.
     */
    boolean inReply(Request request, int bytes) {
        return request.sender().nodeNumber() != self.number() && bytes <= REPLY_BYTES
                && bytes <= config.maxMessageBytes() / 4;
    }

    /** The bytes a piece moves here: at most {@value #PIECE_BYTES}, and within one frame (no fragments) and one message. */
    private int piece() {
        long fits = Math.min(config.maxFrameBytes() - Frame.HEADER_BYTES, config.maxMessageBytes())
                - SegmentWire.MOVE_HEADER_BYTES;
        return (int) Math.max(1, Math.min(PIECE_BYTES, fits));
    }

    /** Moves {@code buffer}'s remaining bytes, checked, from or to the sender's memory. */
    private void moveAway(Request request, long offset, ByteBuffer buffer, boolean write) {
        ProcessId sender = request.sender();
        if (sender.nodeNumber() == self.number()) {
            ByteBuffer moving = buffer.duplicate();
            String why = copy(request.requestId(), sender.value(), offset, moving, write);
            if (why != null) {
                throw new IpcException(cannot(write, sender) + ": " + why);
            }
            buffer.position(moving.position());
            return;
        }
        Peer peer = peers.live(sender.nodeNumber());
        if (peer == null) {
            throw new NodeUnreachableException(cannot(write, sender) + ": its node is not a live member");
        }
        Channel ch = peer.out;
        Move move = new Move(moveIds.incrementAndGet(), sender.nodeNumber(), ch, request.requestId(), sender, offset,
                buffer, write, piece());
        moves.put(move.id, move);
        // the connection may end before its node is declared dead, or have ended already
        GenericFutureListener<Future<Void>> closed = f -> move.fail(new NodeUnreachableException(
                cannot(write, sender) + ": the connection to its node closed"));
        ch.closeFuture().addListener(closed);
        try {
            try {
                ch.eventLoop().execute(() -> pump(move));
            } catch (RejectedExecutionException e) {
                move.fail(new NodeUnreachableException("node '" + self + "' is shutting down"));
            }
            move.await();
            buffer.position(buffer.position() + move.length);
        } finally {
            moves.remove(move.id);
            ch.closeFuture().removeListener(closed);
        }
    }

    /** Sends {@code move}'s next pieces, up to the window; on the loop of its connection. */
    private void pump(Move move) {
        Channel ch = move.channel;
        boolean sent = false;
        try {
            while (move.inFlight < (move.write ? WRITE_WINDOW : WINDOW) && move.asked < move.length) {
                int piece = Math.min(move.piece, move.length - move.asked);
                ByteBuf payload = SegmentWire.move(ch.alloc(), new SegmentWire.Move(move.id, move.requestId,
                        move.sender.value(), move.offset + move.asked, piece,
                        move.write ? SegmentWire.WRITE : SegmentWire.READ));
                synchronized (move) { // a move that failed has returned: its buffer is the process's again
                    if (move.isDone()) {
                        payload.release();
                        break;
                    }
                    if (move.write) {
                        payload.writeBytes(move.buffer.slice(move.start + move.asked, piece));
                    }
                }
                move.asked += piece;
                move.inFlight++;
                FrameEncoder.write(ch, new Frame(FrameKind.SEGMENT_MOVE, 0, payload, true), false).addListener(f -> {
                    if (!f.isSuccess()) {
                        move.fail(new NodeUnreachableException(cannot(move.write, move.sender) + ": "
                                + f.cause().getMessage()));
                    }
                });
                sent = true;
            }
        } catch (RuntimeException e) { // out of buffers, say: the mover must not wait for answers that never come
            move.fail(new IpcException(cannot(move.write, move.sender) + ": " + e));
        }
        if (sent) {
            ch.flush();
        }
    }

    /** The answer to one of this node's pieces, on the loop of the connection it went out on. */
    void onAnswer(Channel ch, ByteBuf payload) {
        SegmentWire.Answer answer = SegmentWire.readAnswer(payload);
        Move move = moves.get(answer.moveId());
        if (move == null || move.channel != ch) {
            if (move != null) {
                throw new FrameFormatException("segment answer for move " + answer.moveId() + " on another connection");
            }
            return; // failed meanwhile
        }
        if (move.isDone()) {
            return;
        }
        if (answer.status() == SegmentWire.REFUSED) {
            move.fail(new IpcException(cannot(move.write, move.sender) + ": " + answer.reason()));
            return;
        }
        // the sender's node answers one connection's pieces in the order they came
        if (answer.offset() != move.offset + move.moved || move.inFlight == 0) {
            throw new FrameFormatException("segment answer for offset " + answer.offset() + " where "
                    + (move.offset + move.moved) + " was due");
        }
        int piece = Math.min(move.piece, move.length - move.moved);
        int at = move.moved;
        if (move.write) {
            if (payload.isReadable()) {
                throw new FrameFormatException("segment answer to a write carries " + payload.readableBytes()
                        + " bytes");
            }
        } else {
            if (payload.readableBytes() != piece) {
                throw new FrameFormatException("segment answer of " + payload.readableBytes() + " bytes for a piece of "
                        + piece);
            }
            synchronized (move) { // a move that failed has returned: its buffer is the process's again
                if (move.isDone()) {
                    return;
                }
                payload.getBytes(payload.readerIndex(), move.buffer.slice(move.start + at, piece));
            }
        }
        move.inFlight--;
        move.moved += piece;
        if (move.moved == move.length) {
            move.complete();
        } else {
            pump(move);
        }
    }

    /** Fails the moves from and to the segments of the nodes {@code which} accepts. */
    void failMoves(IntPredicate which, Supplier<IpcException> error) {
        moves.values().forEach(m -> {
            if (which.test(m.node)) {
                m.fail(error.get());
            }
        });
    }

    /** One move to or from another node's segment. */
    private static final class Move {
        final long id;
        final int node;
        /** The connection its pieces go out and their answers come back on. */
        final Channel channel;
        final long requestId;
        final ProcessId sender;
        final long offset;
        final ByteBuffer buffer;
        /** Where the moved bytes start in {@link #buffer}. */
        final int start;
        final int length;
        final boolean write;
        final int piece;
        final Thread waiter = Thread.currentThread();
        // on the connection's loop
        int asked;
        int moved;
        int inFlight;
        /** Null while moving, then {@link Boolean#TRUE} or the failure. */
        private volatile Object outcome;

        Move(long id, int node, Channel channel, long requestId, ProcessId sender, long offset, ByteBuffer buffer,
                boolean write, int piece) {
            this.id = id;
            this.node = node;
            this.channel = channel;
            this.requestId = requestId;
            this.sender = sender;
            this.offset = offset;
            this.buffer = buffer;
            this.start = buffer.position();
            this.length = buffer.remaining();
            this.write = write;
            this.piece = piece;
        }

        boolean isDone() {
            return outcome != null;
        }

        void complete() {
            settle(Boolean.TRUE);
        }

        void fail(IpcException error) {
            settle(error);
        }

        private synchronized void settle(Object o) {
            if (outcome == null) {
                outcome = o;
                LockSupport.unpark(waiter);
            }
        }

        /** Waits until the last piece is answered or the move failed: as long as the sender's node is live. */
        void await() {
            Object o;
            while ((o = outcome) == null) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    fail(new IpcException("a move from or to the segment of the request from " + sender
                            + " was interrupted"));
                    Thread.currentThread().interrupt();
                }
            }
            if (o instanceof IpcException e) {
                throw e;
            }
        }
    }
}
