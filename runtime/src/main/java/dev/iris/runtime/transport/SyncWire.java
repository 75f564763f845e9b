package dev.iris.runtime.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The payload of {@link FrameKind#SYNC}: distributed locks and barriers of the shared memory.
 * See {@code doc/design/dsm.md}.
 *
 * <pre>
 * sync := op:u8 ticket:u64 clock:u64 parties:u32 name:str reason:str
 * </pre>
 *
 * {@code op}: 1 acquire, 2 grant, 3 release (or withdraw a waiting acquire), 4 arrive, 5 pass
 * (the barrier released its parties), 6 fail. Acquire, release and arrive go to the lock's or
 * barrier's manager node; grant, pass and fail come back to the requesting node with its
 * {@code ticket}. {@code parties} is used by arrive only; {@code reason} by fail only (else empty).
 * Names are at most 255 bytes.
 */
public final class SyncWire {
    /** The operations. */
    public enum Op {
        ACQUIRE, GRANT, RELEASE, ARRIVE, PASS, FAIL;

        static Op of(int code) {
            if (code < 1 || code > values().length) {
                throw new FrameFormatException("unknown sync op " + code);
            }
            return values()[code - 1];
        }
    }

    /** A SYNC payload. */
    public record Sync(Op op, long ticket, long clock, int parties, String name, String reason) {
    }

    /** The longest lock or barrier name, in bytes of UTF-8. */
    public static final int MAX_NAME_BYTES = 255;
    private static final int MAX_REASON_BYTES = 1024;

    private SyncWire() {
    }

    public static ByteBuf sync(ByteBufAllocator alloc, Sync s) {
        String reason = s.reason().length() > MAX_REASON_BYTES / 4 ? s.reason().substring(0, MAX_REASON_BYTES / 4)
                : s.reason();
        ByteBuf out = alloc.buffer(25 + 4 + s.name().length() * 3 + reason.length());
        try {
            out.writeByte(s.op().ordinal() + 1).writeLong(s.ticket()).writeLong(s.clock()).writeInt(s.parties());
            WireStrings.write(out, "sync name", s.name(), MAX_NAME_BYTES);
            WireStrings.write(out, "sync reason", reason, MAX_REASON_BYTES);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    public static Sync readSync(ByteBuf in) {
        PageWire.require(in, 21, "sync");
        Op op = Op.of(in.readUnsignedByte());
        long ticket = in.readLong();
        long clock = in.readLong();
        int parties = in.readInt();
        String name = WireStrings.read(in, "sync name", MAX_NAME_BYTES);
        return new Sync(op, ticket, clock, parties, name, WireStrings.read(in, "sync reason", MAX_REASON_BYTES));
    }
}
