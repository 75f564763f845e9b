package dev.iris.runtime.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Payloads of an allocation on a named node of the shared heaps: {@link FrameKind#PLACE} (from
 * the node that asks) and {@link FrameKind#PLACED} (the named node's answer). See
 * {@code doc/design/dsm.md} (The heap) for the protocol.
 *
 * <pre>
 * place  := op:u8 request:u64 type:u32 length:u32
 * placed := request:u64 status:u8 address:u64 reason:str
 * </pre>
 *
 * {@code op}: 1 allocate an object of the heap type with id {@code type} and {@code length}
 * elements, and keep it alive for the asking node; 2 taken (the asking node holds the object of
 * {@code request} now, or gave up on it: stop keeping it; {@code type} and {@code length} are 0).
 * {@code status}: 0 placed at {@code address} ({@code reason} empty), 1 refused ({@code address}
 * 0, {@code reason} says why: a type the node does not list, a bad length, a full heap).
 */
public final class PlaceWire {
    public static final int ALLOCATE = 1;
    public static final int TAKEN = 2;
    public static final int PLACED = 0;
    public static final int REFUSED = 1;
    private static final int MAX_REASON_BYTES = 1024;

    /** A PLACE. */
    public record Place(int op, long request, int type, int length) {
    }

    /** A PLACED. */
    public record Placed(long request, int status, long address, String reason) {
    }

    private PlaceWire() {
    }

    public static ByteBuf place(ByteBufAllocator alloc, Place place) {
        return alloc.buffer(17).writeByte(place.op()).writeLong(place.request()).writeInt(place.type())
                .writeInt(place.length());
    }

    public static Place readPlace(ByteBuf in) {
        if (in.readableBytes() != 17) {
            throw new FrameFormatException("place of " + in.readableBytes() + " bytes, not 17");
        }
        int op = in.readUnsignedByte();
        long request = in.readLong();
        int type = in.readInt();
        int length = in.readInt();
        if (op != ALLOCATE && op != TAKEN) {
            throw new FrameFormatException("unknown place op " + op);
        }
        if (op == ALLOCATE ? length < 0 : type != 0 || length != 0) {
            throw new FrameFormatException("place op " + op + " with type " + type + " and length " + length);
        }
        return new Place(op, request, type, length);
    }

    public static ByteBuf placed(ByteBufAllocator alloc, Placed placed) {
        String reason = placed.reason().length() > MAX_REASON_BYTES / 4
                ? placed.reason().substring(0, MAX_REASON_BYTES / 4) : placed.reason();
        ByteBuf out = alloc.buffer(19 + reason.length());
        out.writeLong(placed.request()).writeByte(placed.status()).writeLong(placed.address());
        WireStrings.write(out, "placement refusal", reason, MAX_REASON_BYTES);
        return out;
    }

    public static Placed readPlaced(ByteBuf in) {
        PageWire.require(in, 17, "placed");
        long request = in.readLong();
        int status = in.readUnsignedByte();
        long address = in.readLong();
        String reason = WireStrings.read(in, "placement refusal", MAX_REASON_BYTES);
        if (in.isReadable() || (status == PLACED ? address == 0 || !reason.isEmpty() : status != REFUSED || address != 0)) {
            throw new FrameFormatException("placed with status " + status + ", address " + address + " and "
                    + in.readableBytes() + " bytes left");
        }
        return new Placed(request, status, address, reason);
    }
}
