package dev.iris.runtime.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.function.BiConsumer;

/**
 * Payloads of the V IPC frames: {@link FrameKind#SEND}, {@link FrameKind#REPLY},
 * {@link FrameKind#FAIL} and {@link FrameKind#MOVED}. Process ids are the 64-bit values of
 * {@code dev.iris.runtime.ProcessId}.
 *
 * <pre>
 * send    := clock:u64 requestId:u64 sender:u64 target:u64 forward? segment? head? codec:u16 body:byte[rest]
 * forward := group:u64 member:u64 forwards:u8                     with flag FORWARDED
 * segment := access:u8 length:u64                                 with flag SEGMENT
 * head    := length:u32 bytes:byte[length]                        with flag HEAD
 * reply   := clock:u64 requestId:u64 replier:u64 member:u64? data? codec:u16 body:byte[rest]
 * data    := offset:u64 length:u32 bytes:byte[length]             with flag DATA
 * fail    := requestId:u64 target:u64 code:u8 reason:str member:u64?
 * moved   := requestId:u64 member:u64 node:u32 forwards:u8
 * </pre>
 *
 * {@code requestId} is unique per sender node; with the sender's node (the high half of
 * {@code sender}) it names the waiting send. A forwarded request is a SEND with the original
 * {@code requestId} and {@code sender}, so the final receiver replies straight to the sender; its
 * {@code forward} part (frame flag {@link #FORWARDED}) says how often it was forwarded, and, for a
 * request that came by a group send, the group and the member it was delivered to (0: none). An
 * answer from a process other than that member carries the member (frame flag {@link #ON_BEHALF}
 * on REPLY and FAIL): the group send counts it in the member's place. A node that forwards a
 * request to a process on another node tells the sender's node with MOVED (for a group send, which
 * member's request; 0: none) and after how many forwards (MOVED frames of one request come from
 * different nodes and may arrive in any order: the highest count is where the request is), so that
 * the sender fails at once if that node dies. A SEND forwarded to a group goes to each member with
 * frame flag {@link #TO_GROUP} as well: its receiver reports no failure, since another member may
 * answer, and its forwarder sends no MOVED. A SEND with frame flag {@link #SEGMENT} passes access
 * to a segment of its sender's memory ({@code access}: 0 read, 1 write, 2 both; {@code length} in
 * bytes), which its receiver, or whoever it forwards the request to, moves data from and to with
 * {@link SegmentWire}'s frames while the sender waits. With frame flag {@link #HEAD} the first bytes
 * of a readable segment travel with the request (V's ReceiveWithSegment): its receiver reads them
 * without asking the sender's node. A REPLY with frame flag {@link #DATA} carries bytes its
 * sender's node writes into the request's segment at {@code offset} before the sender wakes (V's
 * ReplyWithSegment).
 * {@code clock} is the sending node's Lamport clock (a receiver moves its own past it).
 * {@code body} is the message as its codec wrote it; it is never copied out of the frame before
 * the codec reads it.
 */
public final class IpcWire {
    /** Why a send failed, on the wire as {@code code}. */
    public enum FailCode {
        /** The target process does not exist on its node. */
        NO_SUCH_PROCESS,
        /** The target process exited before replying. */
        PROCESS_EXITED,
        /** The target (of a forward) is on a node the forwarding node cannot reach. */
        NODE_UNREACHABLE,
        /** The receiver cannot decode the message (no codec with its id, or malformed body). */
        BAD_MESSAGE;

        static FailCode of(int code) {
            FailCode[] all = values();
            if (code < 0 || code >= all.length) {
                throw new FrameFormatException("unknown fail code " + code);
            }
            return all[code];
        }
    }

    /** Frame flag of a SEND with a {@code forward} part. */
    public static final int FORWARDED = 1;
    /** Frame flag of a forwarded SEND that went to every member of a group: its failures are not reported. */
    public static final int TO_GROUP = 2;
    /** Frame flag of a SEND with a {@code segment} part. */
    public static final int SEGMENT = 4;
    /** Frame flag of a SEND with a {@code head} part: the first bytes of its segment. */
    public static final int HEAD = 8;
    /** Frame flag of a REPLY or FAIL that answers for a group member ({@code member}). */
    public static final int ON_BEHALF = 1;
    /** Frame flag of a REPLY with a {@code data} part, bytes for the request's segment. */
    public static final int DATA = 2;

    /** The {@code forward} part of a SEND; {@code group} and {@code member} are 0 for none. */
    public record Forward(long group, long member, int forwards) {
    }

    /** The {@code segment} part of a SEND: access 0 read, 1 write, 2 both. */
    public record SegmentPart(int access, long length) {
        public SegmentPart {
            if (access < 0 || access > 2 || length < 0) {
                throw new FrameFormatException("a segment with access " + access + " of " + length + " bytes");
            }
        }
    }

    /**
     * The header of a SEND ({@code forward}, {@code segment} and {@code head} null if it has none;
     * {@code head} a slice of the payload); the payload's reader index is left at the body.
     */
    public record Send(long clock, long requestId, long sender, long target, Forward forward, SegmentPart segment,
            ByteBuf head, int codec) {
    }

    /**
     * The header of a REPLY ({@code member} 0 if none; {@code data} null if none, else a slice of the
     * payload for the segment at {@code dataOffset}); the payload's reader index is left at the body.
     */
    public record Reply(long clock, long requestId, long replier, long member, long dataOffset, ByteBuf data,
            int codec) {
    }

    /** A FAIL payload ({@code member} 0 if none). */
    public record Fail(long requestId, long target, FailCode code, String reason, long member) {
    }

    /**
     * A MOVED payload: request {@code requestId} (of group {@code member}, 0 if none), forwarded
     * {@code forwards} times, now waits on {@code node}.
     */
    public record Moved(long requestId, long member, int node, int forwards) {
    }

    /** Encodes a MOVED payload. */
    public static ByteBuf moved(ByteBufAllocator alloc, Moved moved) {
        return alloc.buffer(21).writeLong(moved.requestId()).writeLong(moved.member()).writeInt(moved.node())
                .writeByte(moved.forwards());
    }

    /** Reads a MOVED payload. */
    public static Moved readMoved(ByteBuf in) {
        require(in, 21, "moved");
        return new Moved(in.readLong(), in.readLong(), in.readInt(), in.readUnsignedByte());
    }

    private static final int MAX_REASON_BYTES = 1024;

    private IpcWire() {
    }

    /**
     * Encodes a SEND payload; {@code body} appends the message, about {@code bodyHint} bytes. The
     * payload has the frame's prefix free in front of it ({@link Frame#buffer}); the caller owns it.
     */
    public static <T> ByteBuf send(ByteBufAllocator alloc, long clock, long requestId, long sender, long target,
            Forward forward, SegmentPart segment, int codec, T message, int bodyHint, BiConsumer<T, ByteBuf> body) {
        return send(alloc, clock, requestId, sender, target, forward, segment, null, codec, message, bodyHint, body);
    }

    /**
     * Encodes a SEND payload with {@code head}'s remaining bytes (if not null; its frame then has flag
     * {@link #HEAD}) as the first bytes of its segment; {@code head}'s position is left as it was.
     */
    public static <T> ByteBuf send(ByteBufAllocator alloc, long clock, long requestId, long sender, long target,
            Forward forward, SegmentPart segment, ByteBuffer head, int codec, T message, int bodyHint,
            BiConsumer<T, ByteBuf> body) {
        ByteBuf out = Frame.buffer(alloc, 34 + (forward == null ? 0 : 17) + (segment == null ? 0 : 9)
                + (head == null ? 0 : 4 + head.remaining()) + Math.max(0, bodyHint));
        try {
            out.writeLong(clock).writeLong(requestId).writeLong(sender).writeLong(target);
            if (forward != null) {
                out.writeLong(forward.group()).writeLong(forward.member()).writeByte(forward.forwards());
            }
            if (segment != null) {
                out.writeByte(segment.access()).writeLong(segment.length());
            }
            if (head != null) {
                out.writeInt(head.remaining()).writeBytes(head.duplicate());
            }
            out.writeShort(codec);
            body.accept(message, out);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /** The frame flags of a SEND with these parts (either may be null). */
    public static int flags(Forward forward, SegmentPart segment) {
        return (forward == null ? 0 : FORWARDED) | (segment == null ? 0 : SEGMENT);
    }

    /** The frame flags of a SEND with these parts (any may be null). */
    public static int flags(Forward forward, SegmentPart segment, ByteBuffer head) {
        return flags(forward, segment) | (head == null ? 0 : HEAD);
    }

    /** Reads a SEND's header; {@code flags} are its frame's. */
    public static Send readSend(ByteBuf in, int flags) {
        boolean forwarded = (flags & FORWARDED) != 0;
        boolean segmented = (flags & SEGMENT) != 0;
        boolean headed = (flags & HEAD) != 0;
        if (headed && !segmented) {
            throw new FrameFormatException("send with the head of a segment but no segment");
        }
        require(in, 34 + (forwarded ? 17 : 0) + (segmented ? 9 : 0) + (headed ? 4 : 0), "send");
        long clock = in.readLong();
        long requestId = in.readLong();
        long sender = in.readLong();
        long target = in.readLong();
        Forward forward = forwarded ? new Forward(in.readLong(), in.readLong(), in.readUnsignedByte()) : null;
        SegmentPart segment = segmented ? new SegmentPart(in.readUnsignedByte(), in.readLong()) : null;
        ByteBuf head = null;
        if (headed) {
            long length = in.readUnsignedInt();
            require(in, length + 2, "send's segment head");
            if (length > segment.length()) {
                throw new FrameFormatException("a head of " + length + " bytes of a segment of " + segment.length());
            }
            head = in.readSlice((int) length);
        }
        return new Send(clock, requestId, sender, target, forward, segment, head, in.readUnsignedShort());
    }

    /**
     * Encodes a REPLY payload like {@link #send}, answering for group member {@code member} (0: for
     * none; else its frame has flag {@link #ON_BEHALF}). The caller owns the result.
     */
    public static <T> ByteBuf reply(ByteBufAllocator alloc, long clock, long requestId, long replier, long member,
            int codec, T message, int bodyHint, BiConsumer<T, ByteBuf> body) {
        return reply(alloc, clock, requestId, replier, member, 0, null, codec, message, bodyHint, body);
    }

    /**
     * Encodes a REPLY payload with {@code data}'s remaining bytes (if not null; its frame then has
     * flag {@link #DATA}) for the request's segment at {@code dataOffset}; {@code data}'s position is
     * left as it was.
     */
    public static <T> ByteBuf reply(ByteBufAllocator alloc, long clock, long requestId, long replier, long member,
            long dataOffset, ByteBuffer data, int codec, T message, int bodyHint, BiConsumer<T, ByteBuf> body) {
        ByteBuf out = Frame.buffer(alloc, 34 + (data == null ? 0 : 12 + data.remaining()) + Math.max(0, bodyHint));
        try {
            out.writeLong(clock).writeLong(requestId).writeLong(replier);
            if (member != 0) {
                out.writeLong(member);
            }
            if (data != null) {
                out.writeLong(dataOffset).writeInt(data.remaining()).writeBytes(data.duplicate());
            }
            out.writeShort(codec);
            body.accept(message, out);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /** Reads a REPLY's header; {@code flags} are its frame's. */
    public static Reply readReply(ByteBuf in, int flags) {
        boolean onBehalf = (flags & ON_BEHALF) != 0;
        boolean withData = (flags & DATA) != 0;
        require(in, (onBehalf ? 34 : 26) + (withData ? 12 : 0), "reply");
        long clock = in.readLong();
        long requestId = in.readLong();
        long replier = in.readLong();
        long member = onBehalf ? in.readLong() : 0;
        long dataOffset = 0;
        ByteBuf data = null;
        if (withData) {
            dataOffset = in.readLong();
            long length = in.readUnsignedInt();
            if (dataOffset < 0) {
                throw new FrameFormatException("reply with data for offset " + dataOffset);
            }
            require(in, length + 2, "reply's data");
            data = in.readSlice((int) length);
        }
        return new Reply(clock, requestId, replier, member, dataOffset, data, in.readUnsignedShort());
    }

    public static ByteBuf fail(ByteBufAllocator alloc, Fail fail) {
        String reason = fail.reason().length() > MAX_REASON_BYTES / 4 ? fail.reason().substring(0, MAX_REASON_BYTES / 4)
                : fail.reason();
        ByteBuf out = alloc.buffer(17 + 2 + reason.length() + 8);
        out.writeLong(fail.requestId()).writeLong(fail.target()).writeByte(fail.code().ordinal());
        WireStrings.write(out, "fail reason", reason, MAX_REASON_BYTES); // at most 4 bytes a char: fits
        if (fail.member() != 0) {
            out.writeLong(fail.member());
        }
        return out;
    }

    /** The frame flags of {@code fail}'s FAIL frame. */
    public static int flags(Fail fail) {
        return fail.member() == 0 ? 0 : ON_BEHALF;
    }

    /** Reads a FAIL payload; {@code flags} are its frame's. */
    public static Fail readFail(ByteBuf in, int flags) {
        require(in, 17, "fail");
        long requestId = in.readLong();
        long target = in.readLong();
        FailCode code = FailCode.of(in.readUnsignedByte());
        String reason = WireStrings.read(in, "fail reason", MAX_REASON_BYTES);
        if ((flags & ON_BEHALF) != 0) {
            require(in, 8, "fail");
        }
        return new Fail(requestId, target, code, reason, (flags & ON_BEHALF) != 0 ? in.readLong() : 0);
    }

    private static void require(ByteBuf in, long bytes, String what) {
        if (in.readableBytes() < bytes) {
            throw new FrameFormatException(what + " payload of " + in.readableBytes() + " bytes is shorter than its "
                    + bytes + "-byte header");
        }
    }
}
