package dev.iris.runtime.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * Payloads of the process-group frames: {@link FrameKind#GROUP_SEND},
 * {@link FrameKind#GROUP_UPDATE} and {@link FrameKind#GROUP_ACK}. See
 * {@code doc/design/groups.md} for the protocol.
 *
 * <pre>
 * group-send   := clock:u64 requestId:u64 sender:u64 group:u64 count:u16 member:u32{count} segment? codec:u16 body:byte[rest]
 * segment      := access:u8 length:u64                           with frame flag SEGMENT
 * group-update := op:u8 opId:u64 count:u32 (group:u64 member:u64){count}
 * group-ack    := opId:u64
 * </pre>
 *
 * A group send carries the local ids of the members on the receiving node that the sender
 * addressed (one frame per hosting node); replies and failures come back as ordinary REPLY and
 * FAIL frames with the group send's {@code requestId}. A group send with frame flag
 * {@link #SEGMENT} passes its members read access to a segment of the sender's memory, as a SEND
 * does ({@link IpcWire}; {@code access} is 0, read). In a group update, {@code op} is JOIN (1),
 * LEAVE (2) or STATE (3, the sender's full local membership, sent once to a new peer);
 * {@code opId} 0 asks for no acknowledgement.
 */
public final class GroupWire {
    /** The kinds of group updates. */
    public enum Op {
        JOIN, LEAVE, STATE;

        int code() {
            return ordinal() + 1;
        }

        static Op of(int code) {
            if (code < 1 || code > values().length) {
                throw new FrameFormatException("unknown group update op " + code);
            }
            return values()[code - 1];
        }
    }

    /** Frame flag of a GROUP_SEND with a {@code segment} part. */
    public static final int SEGMENT = 1;

    /** The header of a GROUP_SEND ({@code segment} null if none); the payload's reader index is left at the body. */
    public record GroupSend(long clock, long requestId, long sender, long group, int[] members,
            IpcWire.SegmentPart segment, int codec) {
    }

    /** One (group, member) pair of an update. */
    public record Entry(long group, long member) {
    }

    /** A GROUP_UPDATE payload. */
    public record Update(Op op, long opId, List<Entry> entries) {
    }

    /** Upper bound of the entries in one update and of the members in one group send. */
    public static final int MAX_ENTRIES = 65535;

    private GroupWire() {
    }

    /** The bytes of a GROUP_SEND payload before the body, for {@code members} members on the node, with a segment or not. */
    public static int groupSendHeaderBytes(int members, boolean segment) {
        return 36 + 4 * members + (segment ? 9 : 0);
    }

    /**
     * Writes the part of a GROUP_SEND payload before the body to {@code out}, so that one encoded
     * body can follow the headers of several nodes without being encoded again.
     */
    public static ByteBuf groupSendHeader(ByteBuf out, long clock, long requestId, long sender, long group,
            int[] members, IpcWire.SegmentPart segment, int codec) {
        if (members.length > MAX_ENTRIES) {
            throw new IllegalArgumentException(members.length + " members on one node, at most " + MAX_ENTRIES);
        }
        out.writeLong(clock).writeLong(requestId).writeLong(sender).writeLong(group).writeShort(members.length);
        for (int m : members) {
            out.writeInt(m);
        }
        if (segment != null) {
            out.writeByte(segment.access()).writeLong(segment.length());
        }
        return out.writeShort(codec);
    }

    /** Reads a GROUP_SEND's header; {@code flags} are its frame's. */
    public static GroupSend readGroupSend(ByteBuf in, int flags) {
        if (in.readableBytes() < 34) {
            throw new FrameFormatException("group send payload of " + in.readableBytes() + " bytes is truncated");
        }
        long clock = in.readLong();
        long requestId = in.readLong();
        long sender = in.readLong();
        long group = in.readLong();
        int count = in.readUnsignedShort();
        if (in.readableBytes() < 4L * count + 2) {
            throw new FrameFormatException("group send lists " + count + " members but only " + in.readableBytes()
                    + " bytes remain");
        }
        int[] members = new int[count];
        for (int i = 0; i < count; i++) {
            members[i] = in.readInt();
        }
        IpcWire.SegmentPart segment = null;
        if ((flags & SEGMENT) != 0) {
            if (in.readableBytes() < 11) {
                throw new FrameFormatException("group send with a segment of " + in.readableBytes() + " bytes");
            }
            segment = new IpcWire.SegmentPart(in.readUnsignedByte(), in.readLong());
            if (segment.access() != 0) {
                throw new FrameFormatException("group send with a segment of access " + segment.access()
                        + ": its members may only read it");
            }
        }
        return new GroupSend(clock, requestId, sender, group, members, segment, in.readUnsignedShort());
    }

    public static ByteBuf update(ByteBufAllocator alloc, Update update) {
        if (update.entries().size() > MAX_ENTRIES) {
            throw new IllegalArgumentException(update.entries().size() + " entries, at most " + MAX_ENTRIES);
        }
        ByteBuf out = alloc.buffer(13 + 16 * update.entries().size());
        out.writeByte(update.op().code()).writeLong(update.opId()).writeInt(update.entries().size());
        for (Entry e : update.entries()) {
            out.writeLong(e.group()).writeLong(e.member());
        }
        return out;
    }

    public static Update readUpdate(ByteBuf in) {
        if (in.readableBytes() < 13) {
            throw new FrameFormatException("group update payload of " + in.readableBytes() + " bytes is truncated");
        }
        Op op = Op.of(in.readUnsignedByte());
        long opId = in.readLong();
        long count = in.readUnsignedInt();
        if (count > MAX_ENTRIES || in.readableBytes() != 16 * count) {
            throw new FrameFormatException("group update declares " + count + " entries but carries "
                    + in.readableBytes() + " bytes");
        }
        List<Entry> entries = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            entries.add(new Entry(in.readLong(), in.readLong()));
        }
        return new Update(op, opId, entries);
    }

    public static ByteBuf ack(ByteBufAllocator alloc, long opId) {
        return alloc.buffer(8).writeLong(opId);
    }

    public static long readAck(ByteBuf in) {
        if (in.readableBytes() != 8) {
            throw new FrameFormatException("group ack payload of " + in.readableBytes() + " bytes, expected 8");
        }
        return in.readLong();
    }
}
