package dev.iris.runtime.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteOrder;

/**
 * Payloads of the page coherence frames of the shared memory: {@link FrameKind#PAGE_REQUEST},
 * {@link FrameKind#PAGE}, {@link FrameKind#INVALIDATE}, {@link FrameKind#INVALIDATE_ACK} and
 * {@link FrameKind#PAGE_FAIL}. See {@code doc/design/dsm.md} for the protocol.
 *
 * <pre>
 * page-request   := mode:u8 page:u64 requester:u32 faultId:u64 clock:u64 hops:u8
 * page           := mode:u8 page:u64 faultId:u64 clock:u64 version:u64 count:u16 copyset:u32{count} data:u64le{pageSize / 8}?
 * invalidate     := page:u64 version:u64 faultId:u64 clock:u64
 * invalidate-ack := page:u64 faultId:u64 clock:u64 refetch:u64
 * page-fail      := page:u64 faultId:u64 clock:u64 code:u8 round:u8 node:u32 version:u64 reason:str
 * diff           := page:u64 diffId:u64 clock:u64 count:u32 (index:u16 word:u64){count}
 * diff-ack       := page:u64 diffId:u64 clock:u64 version:u64
 * </pre>
 *
 * {@code mode} is 1 (read) or 2 (write) under sequential consistency, 3 (fetch the home's master
 * copy) under release consistency. A {@code diff} lists the 64-bit words (by index in the page)
 * that differ from the writer's twin; the home applies them to its master copy and answers with
 * the master's new version.
 *
 * <p>A request whose {@code mode} has the flag {@value #LOCATE} set is a <em>locate</em>: IVY's
 * broadcast, sent to every live node when the dynamic manager's chain of probable owners ends at a
 * dead node; the owner serves it as any request, and every other node answers at once with a
 * {@code page-fail} of {@code code} 1 (not the owner) instead of forwarding or queuing it.
 * Its {@code hops} is then the round of the search, which the answer repeats.
 *
 * <p>{@code page-fail}'s {@code code}: 0 the fault fails for {@code reason} ({@code round},
 * {@code node} and {@code version} are 0); 1 not the owner, the answer to a locate: {@code node} is
 * where this node last gave the page's ownership (0: never) and {@code version} the page's version
 * then; 2 lost track: the request reached a node whose probable owner, {@code node}, is dead, and
 * the requester should locate the owner. Node numbers are those of {@code dev.iris.runtime.NodeId};
 * {@code requester} and {@code faultId} name the waiting fault; {@code hops} counts forwards. A
 * write {@code page} carries ownership and the copyset the new owner must invalidate;
 * {@code data} is the whole page, little-endian 64-bit words (its length is checked against the page
 * size by the receiver), or nothing for a page whose every word is 0 (one nobody wrote yet: a
 * heap's new arena, a region's first use).
 * {@code clock} is the sender's Lamport clock.
 *
 * <p>An {@code invalidate-ack}'s {@code refetch} is not 0 when the acknowledging node read its copy
 * since it arrived: it is then also a read request ({@code requester} the acknowledging node,
 * {@code faultId} the refetch, no hops) to the invalidating node, which serves it once its write is
 * done, so a reader of a page written now and then gets the next copy in one frame, without a fault.
 */
public final class PageWire {
    /** A fault wants a read copy. */
    public static final int READ = 1;
    /** A fault wants ownership and the only writable copy. */
    public static final int WRITE = 2;
    /** A release-consistent page's copy from its home. */
    public static final int FETCH = 3;

    /** The flag of a locate in a request's mode byte. */
    public static final int LOCATE = 0x80;
    /** A page-fail's code: the fault fails. */
    public static final int FAILED = 0;
    /** A page-fail's code: the answer to a locate from a node that does not own the page. */
    public static final int NOT_OWNER = 1;
    /** A page-fail's code: the request met a dead probable owner; the requester should locate the owner. */
    public static final int LOST_TRACK = 2;

    /** A PAGE_REQUEST; {@code hops} is a locate's round. */
    public record Request(int mode, long page, int requester, long faultId, long clock, int hops, boolean locate) {
        /** A request that is not a locate. */
        public Request(int mode, long page, int requester, long faultId, long clock, int hops) {
            this(mode, page, requester, faultId, clock, hops, false);
        }
    }

    /** A PAGE; {@code data} is a fresh array of the page's 64-bit words. */
    public record Page(int mode, long page, long faultId, long clock, long version, int[] copyset, long[] data) {
    }

    /** An INVALIDATE. */
    public record Invalidate(long page, long version, long faultId, long clock) {
    }

    /** An INVALIDATE_ACK; {@code refetch}: the fault id of the read request it carries, 0 for none. */
    public record Ack(long page, long faultId, long clock, long refetch) {
    }

    /** A PAGE_FAIL. */
    public record Fail(long page, long faultId, long clock, int code, int round, int node, long version,
            String reason) {
    }

    /** A DIFF: {@code words[i]} is the new value of word {@code indexes[i]}. */
    public record Diff(long page, long diffId, long clock, int[] indexes, long[] words) {
    }

    /** A DIFF_ACK. */
    public record DiffAck(long page, long diffId, long clock, long version) {
    }

    private static final int MAX_REASON_BYTES = 1024;

    private PageWire() {
    }

    public static ByteBuf request(ByteBufAllocator alloc, Request r) {
        return alloc.buffer(30).writeByte(r.mode() | (r.locate() ? LOCATE : 0)).writeLong(r.page())
                .writeInt(r.requester()).writeLong(r.faultId()).writeLong(r.clock()).writeByte(r.hops());
    }

    public static Request readRequest(ByteBuf in) {
        require(in, 30, "page request");
        int mode = in.readUnsignedByte();
        boolean locate = (mode & LOCATE) != 0;
        if (locate && (mode & ~LOCATE) == FETCH) {
            throw new FrameFormatException("a locate of a release-consistent page's master copy");
        }
        return new Request(mode(mode & ~LOCATE), in.readLong(), in.readInt(), in.readLong(), in.readLong(),
                in.readUnsignedByte(), locate);
    }

    /**
     * Encodes a PAGE with the words of {@code data}, little-endian (copied now), or with none if
     * {@code data} is {@code zeros}: the sender's page that nobody wrote, by identity.
     */
    public static ByteBuf page(ByteBufAllocator alloc, int mode, long page, long faultId, long clock, long version,
            int[] copyset, long[] data, long[] zeros) {
        int length = data == zeros ? 0 : data.length * 8;
        if (copyset.length > 65535) {
            throw new IllegalArgumentException("a copyset of " + copyset.length + " nodes");
        }
        ByteBuf out = alloc.buffer(35 + 4 * copyset.length + length);
        out.writeByte(mode).writeLong(page).writeLong(faultId).writeLong(clock).writeLong(version)
                .writeShort(copyset.length);
        for (int node : copyset) {
            out.writeInt(node);
        }
        if (length == 0) {
            return out;
        }
        out.ensureWritable(length);
        out.internalNioBuffer(out.writerIndex(), length).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(data);
        return out.writerIndex(out.writerIndex() + length);
    }

    /**
     * Reads a PAGE whose data must be exactly {@code pageSize} bytes, or none: its data is then
     * {@code zeros} (shared: the receiver copies it before a write).
     */
    public static Page readPage(ByteBuf in, int pageSize, long[] zeros) {
        require(in, 35, "page");
        int mode = mode(in.readUnsignedByte());
        long page = in.readLong();
        long faultId = in.readLong();
        long clock = in.readLong();
        long version = in.readLong();
        int count = in.readUnsignedShort();
        boolean zero = in.readableBytes() == 4L * count;
        if (!zero && in.readableBytes() != 4L * count + pageSize) {
            throw new FrameFormatException("page " + page + ": " + in.readableBytes() + " bytes follow a copyset of "
                    + count + ", expected " + (4L * count + pageSize) + " (page size " + pageSize + ") or "
                    + 4L * count + " (a page of zeros)");
        }
        int[] copyset = new int[count];
        for (int i = 0; i < count; i++) {
            copyset[i] = in.readInt();
        }
        if (zero) {
            return new Page(mode, page, faultId, clock, version, copyset, zeros);
        }
        long[] data = new long[pageSize / 8];
        in.nioBuffer(in.readerIndex(), pageSize).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(data);
        in.skipBytes(pageSize);
        return new Page(mode, page, faultId, clock, version, copyset, data);
    }

    public static ByteBuf invalidate(ByteBufAllocator alloc, Invalidate i) {
        return alloc.buffer(32).writeLong(i.page()).writeLong(i.version()).writeLong(i.faultId()).writeLong(i.clock());
    }

    public static Invalidate readInvalidate(ByteBuf in) {
        require(in, 32, "invalidate");
        return new Invalidate(in.readLong(), in.readLong(), in.readLong(), in.readLong());
    }

    public static ByteBuf ack(ByteBufAllocator alloc, Ack a) {
        return alloc.buffer(32).writeLong(a.page()).writeLong(a.faultId()).writeLong(a.clock()).writeLong(a.refetch());
    }

    public static Ack readAck(ByteBuf in) {
        require(in, 32, "invalidate ack");
        return new Ack(in.readLong(), in.readLong(), in.readLong(), in.readLong());
    }

    public static ByteBuf fail(ByteBufAllocator alloc, Fail f) {
        String reason = f.reason().length() > MAX_REASON_BYTES / 4 ? f.reason().substring(0, MAX_REASON_BYTES / 4)
                : f.reason();
        ByteBuf out = alloc.buffer(40 + reason.length());
        out.writeLong(f.page()).writeLong(f.faultId()).writeLong(f.clock()).writeByte(f.code()).writeByte(f.round())
                .writeInt(f.node()).writeLong(f.version());
        WireStrings.write(out, "page fail reason", reason, MAX_REASON_BYTES);
        return out;
    }

    public static Fail readFail(ByteBuf in) {
        require(in, 38, "page fail");
        long page = in.readLong();
        long faultId = in.readLong();
        long clock = in.readLong();
        int code = in.readUnsignedByte();
        if (code > LOST_TRACK) {
            throw new FrameFormatException("page fail of page " + page + ": unknown code " + code);
        }
        return new Fail(page, faultId, clock, code, in.readUnsignedByte(), in.readInt(), in.readLong(),
                WireStrings.read(in, "page fail reason", MAX_REASON_BYTES));
    }

    public static ByteBuf diff(ByteBufAllocator alloc, Diff d) {
        ByteBuf out = alloc.buffer(28 + 10 * d.indexes().length);
        out.writeLong(d.page()).writeLong(d.diffId()).writeLong(d.clock()).writeInt(d.indexes().length);
        for (int i = 0; i < d.indexes().length; i++) {
            out.writeShort(d.indexes()[i]).writeLong(d.words()[i]);
        }
        return out;
    }

    /** Reads a DIFF whose word indexes must be below {@code pageSize / 8}. */
    public static Diff readDiff(ByteBuf in, int pageSize) {
        require(in, 28, "diff");
        long page = in.readLong();
        long diffId = in.readLong();
        long clock = in.readLong();
        int count = in.readInt();
        if (count < 0 || count > pageSize / 8 || in.readableBytes() != 10L * count) {
            throw new FrameFormatException("diff of page " + page + ": " + count + " words in " + in.readableBytes()
                    + " bytes (page size " + pageSize + ")");
        }
        int[] indexes = new int[count];
        long[] words = new long[count];
        for (int i = 0; i < count; i++) {
            indexes[i] = in.readUnsignedShort();
            if (indexes[i] >= pageSize / 8) {
                throw new FrameFormatException("diff of page " + page + ": word " + indexes[i] + " is past the page");
            }
            words[i] = in.readLong();
        }
        return new Diff(page, diffId, clock, indexes, words);
    }

    public static ByteBuf diffAck(ByteBufAllocator alloc, DiffAck a) {
        return alloc.buffer(32).writeLong(a.page()).writeLong(a.diffId()).writeLong(a.clock()).writeLong(a.version());
    }

    public static DiffAck readDiffAck(ByteBuf in) {
        require(in, 32, "diff ack");
        return new DiffAck(in.readLong(), in.readLong(), in.readLong(), in.readLong());
    }

    private static int mode(int mode) {
        if (mode != READ && mode != WRITE && mode != FETCH) {
            throw new FrameFormatException("unknown page access mode " + mode);
        }
        return mode;
    }

    static void require(ByteBuf in, int bytes, String what) {
        if (in.readableBytes() < bytes) {
            throw new FrameFormatException(what + " payload of " + in.readableBytes() + " bytes is shorter than its "
                    + bytes + "-byte header");
        }
    }
}
