package dev.iris.runtime.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Payloads of the segment frames: {@link FrameKind#SEGMENT_MOVE}, a piece of a move (V's MoveFrom
 * or MoveTo) from the node of a request's receiver to the node of its sender, which holds the
 * segment; and {@link FrameKind#SEGMENT_ANSWER}, that node's answer on the same connection.
 *
 * <pre>
 * move   := moveId:u64 requestId:u64 sender:u64 offset:u64 length:u32 op:u8 data:byte[rest]
 * answer := moveId:u64 offset:u64 status:u8 (data:byte[rest] | reason:str)
 * </pre>
 *
 * {@code requestId} and {@code sender} name the Send whose segment it is; {@code moveId} is unique
 * per moving node and names the move a piece belongs to; {@code offset} is in the segment. A READ
 * ({@code op} 0) asks for {@code length} bytes and its answer carries them; a WRITE ({@code op} 1)
 * carries {@code length} bytes and its answer none. An answer with {@code status} 1 refuses the
 * piece ({@code reason}: the request is no longer waiting, the access or the range is wrong).
 */
public final class SegmentWire {
    /** A piece to read from the segment. */
    public static final int READ = 0;
    /** A piece to write into the segment. */
    public static final int WRITE = 1;
    /** The piece was moved. */
    public static final int DONE = 0;
    /** The piece was refused. */
    public static final int REFUSED = 1;
    /** Bytes before a move's data. */
    public static final int MOVE_HEADER_BYTES = 37;
    /** Bytes before an answer's data. */
    public static final int ANSWER_HEADER_BYTES = 17;

    private static final int MAX_REASON_BYTES = 1024;

    /** A move's header; a WRITE's reader index is left at its data. */
    public record Move(long moveId, long requestId, long sender, long offset, int length, int op) {
    }

    /** An answer's header ({@code reason} null unless refused); a READ's data follows at the reader index. */
    public record Answer(long moveId, long offset, int status, String reason) {
    }

    private SegmentWire() {
    }

    /**
     * A move's payload with the frame's prefix free in front of it ({@link Frame#buffer}), room for
     * a WRITE's {@code length} bytes behind the header; the caller writes them and owns the buffer.
     */
    public static ByteBuf move(ByteBufAllocator alloc, Move move) {
        ByteBuf out = Frame.buffer(alloc, MOVE_HEADER_BYTES + (move.op() == WRITE ? move.length() : 0));
        return out.writeLong(move.moveId()).writeLong(move.requestId()).writeLong(move.sender())
                .writeLong(move.offset()).writeInt(move.length()).writeByte(move.op());
    }

    /** Reads a move's header and checks that a WRITE carries its bytes. */
    public static Move readMove(ByteBuf in) {
        require(in, MOVE_HEADER_BYTES, "segment move");
        Move move = new Move(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readInt(),
                in.readUnsignedByte());
        if (move.op() != READ && move.op() != WRITE) {
            throw new FrameFormatException("segment move with unknown op " + move.op());
        }
        if (move.offset() < 0 || move.length() < 0) {
            throw new FrameFormatException("segment move of " + move.length() + " bytes at " + move.offset());
        }
        int carried = move.op() == WRITE ? move.length() : 0;
        if (in.readableBytes() != carried) {
            throw new FrameFormatException("segment " + (move.op() == WRITE ? "write" : "read") + " of "
                    + move.length() + " bytes carries " + in.readableBytes());
        }
        return move;
    }

    /**
     * An answer's payload with the frame's prefix free ({@link Frame#buffer}) and room for
     * {@code dataBytes} behind the header, which the caller writes; the caller owns the buffer.
     */
    public static ByteBuf done(ByteBufAllocator alloc, long moveId, long offset, int dataBytes) {
        return Frame.buffer(alloc, ANSWER_HEADER_BYTES + dataBytes).writeLong(moveId).writeLong(offset)
                .writeByte(DONE);
    }

    /** A refusal's payload. */
    public static ByteBuf refused(ByteBufAllocator alloc, long moveId, long offset, String reason) {
        String r = reason.length() > MAX_REASON_BYTES / 4 ? reason.substring(0, MAX_REASON_BYTES / 4) : reason;
        ByteBuf out = alloc.buffer(ANSWER_HEADER_BYTES + 2 + r.length());
        out.writeLong(moveId).writeLong(offset).writeByte(REFUSED);
        WireStrings.write(out, "segment refusal", r, MAX_REASON_BYTES);
        return out;
    }

    /** Reads an answer; a READ's data is left at the reader index. */
    public static Answer readAnswer(ByteBuf in) {
        require(in, ANSWER_HEADER_BYTES, "segment answer");
        long moveId = in.readLong();
        long offset = in.readLong();
        int status = in.readUnsignedByte();
        return switch (status) {
            case DONE -> new Answer(moveId, offset, DONE, null);
            case REFUSED -> new Answer(moveId, offset, REFUSED, WireStrings.read(in, "segment refusal",
                    MAX_REASON_BYTES));
            default -> throw new FrameFormatException("segment answer with unknown status " + status);
        };
    }

    private static void require(ByteBuf in, int bytes, String what) {
        if (in.readableBytes() < bytes) {
            throw new FrameFormatException(what + " payload of " + in.readableBytes() + " bytes is shorter than its "
                    + bytes + "-byte header");
        }
    }
}
