package dev.iris.runtime.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Payload of {@link FrameKind#LOGGED}, what a node of a persistent shared memory holds in its page
 * log: sent to every peer that joins, so that the nodes of a restarted cluster agree on the owner
 * of each page (see {@code doc/design/dsm.md}, Durable memory).
 *
 * <pre>
 * logged := flags:u8 count:u32 (page:u64 version:u64){count}
 * </pre>
 *
 * Each entry is a page the sender's log holds and the version of its newest record there. The list
 * may take several frames; the last has flag {@link #LAST}. Flag {@link #OPEN} says the sender's
 * memory was open before it heard of the receiver: a running node, not one starting with it. Flag
 * {@link #NEW} says the sender's log was made at this start (set on every frame of its list).
 */
public final class StoreWire {
    /** The sender's last LOGGED frame to this peer. */
    public static final int LAST = 1;
    /** The sender's memory is open, and was before this peer joined. */
    public static final int OPEN = 2;
    /** The sender's log was made at this start: it has none from an earlier run. */
    public static final int NEW = 4;
    /** The most entries in one frame. */
    public static final int MAX_ENTRIES = 1 << 16;

    /** A LOGGED frame: pages and their versions, in the same order. */
    public record Logged(int flags, long[] pages, long[] versions) {
        public boolean last() {
            return (flags & LAST) != 0;
        }

        public boolean open() {
            return (flags & OPEN) != 0;
        }

        public boolean newLog() {
            return (flags & NEW) != 0;
        }
    }

    private StoreWire() {
    }

    public static ByteBuf logged(ByteBufAllocator alloc, Logged logged) {
        int count = logged.pages().length;
        if (count > MAX_ENTRIES || logged.versions().length != count) {
            throw new IllegalArgumentException("a LOGGED frame of " + count + " pages");
        }
        ByteBuf out = alloc.buffer(5 + count * 16);
        out.writeByte(logged.flags()).writeInt(count);
        for (int i = 0; i < count; i++) {
            out.writeLong(logged.pages()[i]).writeLong(logged.versions()[i]);
        }
        return out;
    }

    /**
     * Reads a LOGGED payload.
     *
     * @throws FrameFormatException if it is malformed: unknown flags, a count over the bound or
     *                              not matching its bytes, a page number or version below 1
     */
    public static Logged readLogged(ByteBuf in) {
        if (in.readableBytes() < 5) {
            throw new FrameFormatException("LOGGED frame of " + in.readableBytes() + " bytes");
        }
        int flags = in.readUnsignedByte();
        long count = in.readUnsignedInt();
        if ((flags & ~(LAST | OPEN | NEW)) != 0) {
            throw new FrameFormatException("LOGGED frame with unknown flags " + flags);
        }
        if (count > MAX_ENTRIES || in.readableBytes() != count * 16) {
            throw new FrameFormatException("LOGGED frame of " + count + " pages in " + in.readableBytes() + " bytes");
        }
        long[] pages = new long[(int) count];
        long[] versions = new long[(int) count];
        for (int i = 0; i < count; i++) {
            pages[i] = in.readLong();
            versions[i] = in.readLong();
            if (pages[i] < 1 || versions[i] < 1) {
                throw new FrameFormatException("LOGGED frame with page " + pages[i] + " at version " + versions[i]);
            }
        }
        return new Logged(flags, pages, versions);
    }
}
