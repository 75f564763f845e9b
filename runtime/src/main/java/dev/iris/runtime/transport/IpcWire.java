package dev.iris.runtime.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.BiConsumer;

/**
 * Payloads of the V IPC frames: {@link FrameKind#SEND}, {@link FrameKind#REPLY} and
 * {@link FrameKind#FAIL}. Process ids are the 64-bit values of {@code dev.iris.runtime.ProcessId}.
 *
 * <pre>
 * send  := clock:u64 requestId:u64 sender:u64 target:u64 codec:u16 body:byte[rest]
 * reply := clock:u64 requestId:u64 replier:u64 codec:u16 body:byte[rest]
 * fail  := requestId:u64 target:u64 code:u8 reason:str
 * </pre>
 *
 * {@code requestId} is unique per sender node; with the sender's node (the high half of
 * {@code sender}) it names the waiting send. A forwarded request is a SEND with the original
 * {@code requestId} and {@code sender}, so the final receiver replies straight to the sender.
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

    /** The header of a SEND; the payload's reader index is left at the body. */
    public record Send(long clock, long requestId, long sender, long target, int codec) {
    }

    /** The header of a REPLY; the payload's reader index is left at the body. */
    public record Reply(long clock, long requestId, long replier, int codec) {
    }

    /** A FAIL payload. */
    public record Fail(long requestId, long target, FailCode code, String reason) {
    }

    private static final int MAX_REASON_BYTES = 1024;

    private IpcWire() {
    }

    /**
     * Encodes a SEND payload; {@code body} appends the message, about {@code bodyHint} bytes. The
     * payload has the frame's prefix free in front of it ({@link Frame#buffer}); the caller owns it.
     */
    public static <T> ByteBuf send(ByteBufAllocator alloc, long clock, long requestId, long sender, long target,
            int codec, T message, int bodyHint, BiConsumer<T, ByteBuf> body) {
        ByteBuf out = Frame.buffer(alloc, 34 + Math.max(0, bodyHint));
        try {
            out.writeLong(clock).writeLong(requestId).writeLong(sender).writeLong(target).writeShort(codec);
            body.accept(message, out);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    public static Send readSend(ByteBuf in) {
        require(in, 34, "send");
        return new Send(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readUnsignedShort());
    }

    /** Encodes a REPLY payload like {@link #send}. The caller owns the result. */
    public static <T> ByteBuf reply(ByteBufAllocator alloc, long clock, long requestId, long replier, int codec,
            T message, int bodyHint, BiConsumer<T, ByteBuf> body) {
        ByteBuf out = Frame.buffer(alloc, 26 + Math.max(0, bodyHint));
        try {
            out.writeLong(clock).writeLong(requestId).writeLong(replier).writeShort(codec);
            body.accept(message, out);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    public static Reply readReply(ByteBuf in) {
        require(in, 26, "reply");
        return new Reply(in.readLong(), in.readLong(), in.readLong(), in.readUnsignedShort());
    }

    public static ByteBuf fail(ByteBufAllocator alloc, Fail fail) {
        String reason = fail.reason().length() > MAX_REASON_BYTES / 4 ? fail.reason().substring(0, MAX_REASON_BYTES / 4)
                : fail.reason();
        ByteBuf out = alloc.buffer(17 + 2 + reason.length());
        out.writeLong(fail.requestId()).writeLong(fail.target()).writeByte(fail.code().ordinal());
        WireStrings.write(out, "fail reason", reason, MAX_REASON_BYTES); // at most 4 bytes a char: fits
        return out;
    }

    public static Fail readFail(ByteBuf in) {
        require(in, 17, "fail");
        long requestId = in.readLong();
        long target = in.readLong();
        FailCode code = FailCode.of(in.readUnsignedByte());
        return new Fail(requestId, target, code, WireStrings.read(in, "fail reason", MAX_REASON_BYTES));
    }

    private static void require(ByteBuf in, int bytes, String what) {
        if (in.readableBytes() < bytes) {
            throw new FrameFormatException(what + " payload of " + in.readableBytes() + " bytes is shorter than its "
                    + bytes + "-byte header");
        }
    }
}
