package dev.iris.runtime.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.HashMap;
import java.util.Map;

/**
 * The payload of {@link FrameKind#SYNC}: distributed locks and barriers of the shared memory.
 * See {@code doc/design/dsm.md}.
 *
 * <pre>
 * sync := op:u8 ticket:u64 clock:u64 parties:u32 name:str reason:str count:u32 (page:u64 version:u64){count}
 * </pre>
 *
 * {@code op}: 1 acquire, 2 grant, 3 release, 4 arrive, 5 pass (the barrier released its
 * parties), 6 fail, 7 withdraw (an interrupted acquire or arrival; confirmed with a fail unless
 * it was already granted or passed). Acquire, release, arrive and withdraw go to the lock's or
 * barrier's manager node; grant, pass and fail come back to the requesting node with its
 * {@code ticket}. {@code parties} is used by arrive only; {@code reason} by fail only (else empty).
 * With backup copies a lock whose manager died moves to the next manager, which asks every live
 * node what it holds: 8 ask ({@code ticket} the census, {@code parties} the dead manager's
 * number), answered, once the asked node counts that manager as dead too, by 9 held (one per lock
 * the node holds and the asker now manages: {@code name}, and the {@code ticket} it was granted)
 * and then 10 told ({@code ticket} the census).
 * Names are at most 255 bytes. The {@code (page, version)} pairs are write notices of release
 * consistency: a release or an arrival reports the pages whose changes it published (with the
 * version of the home's master copy that has them), a grant or a pass hands the notices of the
 * lock or barrier to the acquirer, which drops older copies of those pages.
 */
public final class SyncWire {
    /** The operations. */
    public enum Op {
        ACQUIRE, GRANT, RELEASE, ARRIVE, PASS, FAIL, WITHDRAW, ASK, HELD, TOLD;

        static Op of(int code) {
            if (code < 1 || code > values().length) {
                throw new FrameFormatException("unknown sync op " + code);
            }
            return values()[code - 1];
        }
    }

    /** A SYNC payload; {@code notices} maps pages to versions. */
    public record Sync(Op op, long ticket, long clock, int parties, String name, String reason,
            Map<Long, Long> notices) {
        /** A SYNC without notices. */
        public Sync(Op op, long ticket, long clock, int parties, String name, String reason) {
            this(op, ticket, clock, parties, name, reason, Map.of());
        }
    }

    /** The longest lock or barrier name, in bytes of UTF-8. */
    public static final int MAX_NAME_BYTES = 255;
    private static final int MAX_REASON_BYTES = 1024;

    private SyncWire() {
    }

    public static ByteBuf sync(ByteBufAllocator alloc, Sync s) {
        String reason = s.reason().length() > MAX_REASON_BYTES / 4 ? s.reason().substring(0, MAX_REASON_BYTES / 4)
                : s.reason();
        ByteBuf out = alloc.buffer(33 + s.name().length() * 3 + reason.length() + 16 * s.notices().size());
        try {
            out.writeByte(s.op().ordinal() + 1).writeLong(s.ticket()).writeLong(s.clock()).writeInt(s.parties());
            WireStrings.write(out, "sync name", s.name(), MAX_NAME_BYTES);
            WireStrings.write(out, "sync reason", reason, MAX_REASON_BYTES);
            out.writeInt(s.notices().size());
            s.notices().forEach((page, version) -> out.writeLong(page).writeLong(version));
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
        String reason = WireStrings.read(in, "sync reason", MAX_REASON_BYTES);
        PageWire.require(in, 4, "sync notices");
        int count = in.readInt();
        if (count < 0 || in.readableBytes() != 16L * count) {
            throw new FrameFormatException("sync: " + count + " notices in " + in.readableBytes() + " bytes");
        }
        Map<Long, Long> notices = new HashMap<>();
        for (int i = 0; i < count; i++) {
            notices.merge(in.readLong(), in.readLong(), Math::max);
        }
        return new Sync(op, ticket, clock, parties, name, reason, notices);
    }
}
