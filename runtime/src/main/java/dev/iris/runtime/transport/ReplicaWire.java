package dev.iris.runtime.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * Payloads of the backup-copy and recovery frames of the shared memory: {@link FrameKind#REPLICA},
 * {@link FrameKind#REPLICA_ACK}, {@link FrameKind#CENSUS} and {@link FrameKind#CENSUS_REPLY}. See
 * {@code doc/design/dsm.md} (Backup copies) for the protocol.
 *
 * <pre>
 * replica      := token:u64 clock:u64 count:u16 (page:u64 version:u64 data:byte[pageSize]){count}
 * replica-ack  := token:u64 clock:u64 stored:u8
 * census       := census:u64 clock:u64 mode:u8 subject:u32 count:u32 item:u64{count}
 * census-reply := census:u64 clock:u64 last:u8 count:u32 entry{count}
 * entry        := page:u64 flags:u8 version:u64 (gaveTo:u32 gaveVersion:u64)? data:byte[pageSize]?
 * </pre>
 *
 * A {@code replica} carries new contents of pages an owner is writing (one page for a write, all
 * the pages of a transaction's commit together); the backup keeps them all or none and answers
 * {@code replica-ack} with the same {@code token}. A {@code census} is one of: mode 1 (ask: after
 * node {@code subject} died, which of the asker's pages does the receiver own, hold a copy of, or
 * last give away; no items), mode 2 (fetch: send the copies of the pages listed as items, with
 * their data), mode 3 (status, sent to every peer that joins: the items are the nodes the sender
 * counts as deposed, {@code subject} is 0). A reply lists entries; {@code flags} has bit 1 (the
 * sender owns the page; {@code version} is its version), bit 2 (it holds a copy of
 * {@code version}), bit 4 ({@code data} follows), bit 8 (the sender last gave the page's ownership
 * to {@code gaveTo} at {@code gaveVersion}; 0: it dropped it), bit 16 (the sender waits for the
 * page's ownership: a write fault is under way). A reply may take several frames; the last has
 * {@code last} = 1. Data are little-endian 64-bit words; {@code clock} is the sender's Lamport clock.
 */
public final class ReplicaWire {
    public static final int ASK = 1;
    public static final int FETCH = 2;
    public static final int STATUS = 3;

    public static final int OWNER = 1;
    public static final int COPY = 2;
    public static final int DATA = 4;
    public static final int GAVE = 8;
    public static final int WAITING = 16;

    /** The most items a census carries (a page number per page of a region, or deposed nodes). */
    public static final int MAX_ITEMS = 1 << 20;

    /** One page of a REPLICA. */
    public record Copy(long page, long version, long[] data) {
    }

    /** A REPLICA. */
    public record Replica(long token, long clock, List<Copy> pages) {
    }

    /** A REPLICA_ACK. */
    /** {@code stored}: whether the backup keeps the copies (false: its page log failed, and the write fails). */
    public record Ack(long token, long clock, boolean stored) {
    }

    /** A CENSUS. */
    public record Census(long census, long clock, int mode, int subject, long[] items) {
    }

    /** One entry of a CENSUS_REPLY; {@code data} is null unless the DATA flag is set. */
    public record Entry(long page, int flags, long version, int gaveTo, long gaveVersion, long[] data) {
    }

    /** A CENSUS_REPLY. */
    public record Reply(long census, long clock, boolean last, List<Entry> entries) {
    }

    private ReplicaWire() {
    }

    public static ByteBuf replica(ByteBufAllocator alloc, long token, long clock, List<Copy> pages) {
        if (pages.isEmpty() || pages.size() > 65535) {
            throw new IllegalArgumentException("a replica of " + pages.size() + " pages");
        }
        ByteBuf out = alloc.buffer(18 + pages.size() * (16 + pages.get(0).data().length * 8));
        out.writeLong(token).writeLong(clock).writeShort(pages.size());
        for (Copy c : pages) {
            out.writeLong(c.page()).writeLong(c.version());
            for (long word : c.data()) {
                out.writeLongLE(word);
            }
        }
        return out;
    }

    /** Reads a REPLICA whose pages must be exactly {@code pageSize} bytes each. */
    public static Replica readReplica(ByteBuf in, int pageSize) {
        PageWire.require(in, 18, "replica");
        long token = in.readLong();
        long clock = in.readLong();
        int count = in.readUnsignedShort();
        if (count == 0 || in.readableBytes() != (long) count * (16 + pageSize)) {
            throw new FrameFormatException("replica of " + count + " pages: " + in.readableBytes() + " bytes follow, "
                    + "expected " + (long) count * (16 + pageSize) + " (page size " + pageSize + ")");
        }
        List<Copy> pages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            pages.add(new Copy(in.readLong(), in.readLong(), words(in, pageSize)));
        }
        return new Replica(token, clock, pages);
    }

    public static ByteBuf ack(ByteBufAllocator alloc, Ack a) {
        return alloc.buffer(17).writeLong(a.token()).writeLong(a.clock()).writeByte(a.stored() ? 1 : 0);
    }

    public static Ack readAck(ByteBuf in) {
        PageWire.require(in, 17, "replica ack");
        return new Ack(in.readLong(), in.readLong(), in.readByte() != 0);
    }

    public static ByteBuf census(ByteBufAllocator alloc, Census c) {
        ByteBuf out = alloc.buffer(25 + 8 * c.items().length);
        out.writeLong(c.census()).writeLong(c.clock()).writeByte(c.mode()).writeInt(c.subject())
                .writeInt(c.items().length);
        for (long item : c.items()) {
            out.writeLong(item);
        }
        return out;
    }

    public static Census readCensus(ByteBuf in) {
        PageWire.require(in, 25, "census");
        long census = in.readLong();
        long clock = in.readLong();
        int mode = in.readUnsignedByte();
        int subject = in.readInt();
        int count = in.readInt();
        if (mode < ASK || mode > STATUS) {
            throw new FrameFormatException("unknown census mode " + mode);
        }
        if (count < 0 || count > MAX_ITEMS || in.readableBytes() != 8L * count) {
            throw new FrameFormatException("census of " + count + " items in " + in.readableBytes() + " bytes");
        }
        long[] items = new long[count];
        for (int i = 0; i < count; i++) {
            items[i] = in.readLong();
        }
        return new Census(census, clock, mode, subject, items);
    }

    /** The bytes an entry takes on the wire (to cut replies into frames). */
    public static int size(Entry e) {
        return 17 + ((e.flags() & GAVE) != 0 ? 12 : 0) + (e.data() != null ? e.data().length * 8 : 0);
    }

    public static ByteBuf reply(ByteBufAllocator alloc, long census, long clock, boolean last, List<Entry> entries) {
        int bytes = 21;
        for (Entry e : entries) {
            bytes += size(e);
        }
        ByteBuf out = alloc.buffer(bytes);
        out.writeLong(census).writeLong(clock).writeByte(last ? 1 : 0).writeInt(entries.size());
        for (Entry e : entries) {
            int flags = e.flags() & ~DATA | (e.data() != null ? DATA : 0);
            out.writeLong(e.page()).writeByte(flags).writeLong(e.version());
            if ((flags & GAVE) != 0) {
                out.writeInt(e.gaveTo()).writeLong(e.gaveVersion());
            }
            if (e.data() != null) {
                for (long word : e.data()) {
                    out.writeLongLE(word);
                }
            }
        }
        return out;
    }

    /** Reads a CENSUS_REPLY whose data must be exactly {@code pageSize} bytes per entry. */
    public static Reply readReply(ByteBuf in, int pageSize) {
        PageWire.require(in, 21, "census reply");
        long census = in.readLong();
        long clock = in.readLong();
        int last = in.readUnsignedByte();
        int count = in.readInt();
        if (last > 1 || count < 0 || count > in.readableBytes() / 17) {
            throw new FrameFormatException("census reply of " + count + " entries (last " + last + ") in "
                    + in.readableBytes() + " bytes");
        }
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            PageWire.require(in, 17, "census reply entry");
            long page = in.readLong();
            int flags = in.readUnsignedByte();
            long version = in.readLong();
            if (flags > (OWNER | COPY | DATA | GAVE | WAITING)) {
                throw new FrameFormatException("census reply entry of page " + page + " with flags " + flags);
            }
            int gaveTo = 0;
            long gaveVersion = 0;
            if ((flags & GAVE) != 0) {
                PageWire.require(in, 12, "census reply entry");
                gaveTo = in.readInt();
                gaveVersion = in.readLong();
            }
            long[] data = null;
            if ((flags & DATA) != 0) {
                PageWire.require(in, pageSize, "census reply entry");
                data = words(in, pageSize);
            }
            entries.add(new Entry(page, flags, version, gaveTo, gaveVersion, data));
        }
        if (in.isReadable()) {
            throw new FrameFormatException("census reply: " + in.readableBytes() + " bytes after its " + count
                    + " entries");
        }
        return new Reply(census, clock, last == 1, entries);
    }

    private static long[] words(ByteBuf in, int pageSize) {
        long[] data = new long[pageSize / 8];
        for (int i = 0; i < data.length; i++) {
            data[i] = in.readLongLE();
        }
        return data;
    }
}
