package dev.iris.runtime.internal.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.zip.CRC32C;

/**
 * A node's durable log of page images: what the shared memory of a persistent cluster writes before
 * a write may return, and reads back when the node starts again. One file, appended to only.
 *
 * <pre>
 * file   := header record*
 * header := magic:u64 format:u32 pageSize:u32                      magic "IRISPLOG", format 2
 * record := length:u32 crc:u32 lsn:u64 count:u32 image{count}      1 <= count <= 65535
 * image  := page:u64 version:u64 data:u64le{pageSize / 8}
 * </pre>
 *
 * {@code length} counts the bytes after {@code crc} (12 + count * (16 + pageSize)); {@code crc} is
 * the CRC-32C of those bytes; {@code lsn} (log sequence number) grows by one per record. A record
 * holds one page image for a write, and all the pages of a transaction's commit, which recovery
 * loads all or none. Integers are big-endian; {@code data} is the page's 64-bit words,
 * little-endian, as on the wire. (Format 1 had one image per record.)
 *
 * <p><b>Durability.</b> {@link #append} writes a record; {@link #sync} returns once every record up
 * to a sequence number is on the disk. A force covers every record written before it began, so
 * writers whose records a force in progress covers wait for it instead of forcing again (group
 * commit: many writes share one {@code fsync}); a writer that no force in progress covers starts one
 * at once, beside the others, which the disk merges (serializing the forces measured half the
 * throughput of a raw append and force per writer, with 16 writers). The header is forced when the
 * file is made, before any record.
 *
 * <p><b>Recovery.</b> {@link #open} reads the records in order and keeps, per page, the one with
 * the highest version. It stops at the first record that is cut off by the end of the file or fails
 * its checksum or length: what a power cut leaves of writes that were not synced, whose pages the
 * disk may have written in any order. That record and everything after it are never loaded as
 * data; the file is truncated there, and {@link #dropped} says what was dropped from which offset.
 * (Damage to synced records would be dropped the same way; one copy on one disk cannot survive
 * that, backup copies on another node can; the dropped bytes are kept beside the log, in
 * {@code <file>.dropped-at-<offset>}, for whoever looks.) Records read back are forced before the
 * log is used: a node killed before it synced them may already have shown them to readers. A file
 * that is not a page log, of another format or of
 * another page size is refused with an {@link IOException} that names it.
 *
 * <p>Thread-safe: appends are serialized; syncs run beside appends and beside each other. A write
 * or force that fails makes the log unusable: every later append and sync fails. A thread
 * interrupted in a write or force closes the file for every thread ({@link FileChannel}'s rule): the
 * memory must do the log's I/O on threads of its own.
 */
public final class PageLog implements AutoCloseable {
    /** The format this code reads and writes. */
    public static final int FORMAT = 2;
    /** The most page images in one record. */
    public static final int MAX_IMAGES = 65535;
    private static final long MAGIC = 0x4952_4953_504C_4F47L; // "IRISPLOG"
    private static final int HEADER_BYTES = 16;
    private static final int RECORD_HEAD_BYTES = 8; // length, crc

    /** A record: page {@code page} at {@code version} was {@code data}, at sequence number {@code lsn}. */
    public record Entry(long lsn, long page, long version, long[] data) {
    }

    /** A page image to append: page {@code page} at {@code version} is {@code data}. */
    public record Image(long page, long version, long[] data) {
        /** Where an image is in the file: its {@code page} field at {@code offset}, in record {@code lsn}. */
        record At(long offset, long lsn, long version) {
        }
    }

    /** How the log makes a file's writes durable; tests stand in for the disk here. */
    @FunctionalInterface
    public interface Disk {
        /** The real disk: {@link FileChannel#force} of the file's contents. */
        Disk REAL = (channel, file) -> channel.force(false);

        /** Returns once every byte written to {@code channel} (the file {@code file}) before the call is durable. */
        void force(FileChannel channel, Path file) throws IOException;

        /**
         * Makes the entry of a file just made in directory {@code dir} durable (else a power cut can
         * take the whole file). Where the platform cannot open a directory, nothing is done.
         */
        default void forceDirectory(Path dir) throws IOException {
            FileChannel channel;
            try {
                channel = FileChannel.open(dir, StandardOpenOption.READ);
            } catch (IOException notOnThisPlatform) {
                return;
            }
            try (channel) {
                channel.force(true);
            }
        }
    }

    private final Path file;
    private final int pageSize;
    private final Disk disk;
    /** The file's channel; another once {@link #compact} replaced the file (guarded by appendLock and swap). */
    private FileChannel channel;
    private Map<Long, Entry> latest;
    /** Where the newest image of each page is (guarded by appendLock). */
    private Map<Long, Image.At> index;
    /** Forces hold it to read, {@link #compact} to write when it replaces the file. */
    private final ReentrantReadWriteLock swap = new ReentrantReadWriteLock();
    private final Object compactLock = new Object();
    /** Whether {@link #open} made the file (or found a header that never reached the disk). */
    private boolean created;
    private final String dropped;
    private final Object appendLock = new Object();
    private final Object syncLock = new Object();
    /** The buffer of records of one image; larger ones get their own. */
    private final ByteBuffer single;
    private final CRC32C crc = new CRC32C();
    // guarded by appendLock
    private long lastLsn;
    /** Where the next record goes: the end of the last one written whole. */
    private long end;
    private volatile long syncedLsn;
    /** Why a write or a force failed; then no append or sync succeeds any more. */
    private volatile IOException broken;
    // guarded by syncLock
    /** The highest sequence number a force in progress covers. */
    private long forcing;

    private PageLog(Path file, int pageSize, Disk disk, FileChannel channel, Map<Long, Entry> latest,
            Map<Long, Image.At> index, long lastLsn, long end, String dropped) {
        this.file = file;
        this.pageSize = pageSize;
        this.disk = disk;
        this.channel = channel;
        this.latest = latest;
        this.index = index;
        this.lastLsn = lastLsn;
        this.syncedLsn = lastLsn;
        this.end = end;
        this.dropped = dropped;
        this.single = ByteBuffer.allocate(RECORD_HEAD_BYTES + 12 + 16 + pageSize);
    }

    /**
     * Opens the page log {@code file} of pages of {@code pageSize} bytes, making it if it does not
     * exist, and reads what it holds (see the class comment).
     *
     * @throws IOException if the file cannot be read or written, or is not a page log of this format
     *                     and page size (the message names the file)
     */
    public static PageLog open(Path file, int pageSize, Disk disk) throws IOException {
        if (pageSize <= 0 || pageSize % 8 != 0) {
            throw new IllegalArgumentException("a page size of " + pageSize + " bytes");
        }
        Files.deleteIfExists(compacting(file)); // a compaction the node did not finish: the log is whole without it
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            if (lock(channel) == null) {
                throw new IOException(file + " is in use: another node, in this process or another, has it open (each "
                        + "node needs a data directory of its own)");
            }
            if (channel.size() < HEADER_BYTES || isZero(read(channel, HEADER_BYTES, 0))) {
                // new, or made by a node that stopped before its header was durable (the header is
                // forced before any record is written): no record was acknowledged from it
                channel.truncate(0);
                ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).putLong(MAGIC).putInt(FORMAT).putInt(pageSize)
                        .flip();
                write(channel, header, 0);
                disk.force(channel, file);
                disk.forceDirectory(file.toAbsolutePath().getParent());
                PageLog log = new PageLog(file, pageSize, disk, channel, new HashMap<>(), new HashMap<>(), 0,
                        HEADER_BYTES, null);
                log.created = true;
                return log;
            }
            readHeader(channel, file, pageSize);
            return recover(file, pageSize, disk, channel);
        } catch (IOException | RuntimeException | Error e) {
            channel.close();
            throw e;
        }
    }

    /** Locks the whole file against other processes and other channels of this one; null if it is locked. */
    private static FileLock lock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException lockedInThisJvm) {
            return null;
        }
    }

    private static boolean isZero(ByteBuffer bytes) {
        while (bytes.hasRemaining()) {
            if (bytes.get() != 0) {
                return false;
            }
        }
        return true;
    }

    private static void readHeader(FileChannel channel, Path file, int pageSize) throws IOException {
        ByteBuffer header = read(channel, HEADER_BYTES, 0);
        if (header.getLong() != MAGIC) {
            throw new IOException(file + " is not an Iris page log (its first bytes are not \"IRISPLOG\")");
        }
        int format = header.getInt();
        if (format != FORMAT) {
            throw new IOException(file + " is a page log of format " + format + "; this Iris reads format " + FORMAT);
        }
        int size = header.getInt();
        if (size != pageSize) {
            throw new IOException(file + " holds pages of " + size + " bytes; this memory's pages have " + pageSize);
        }
    }

    private static PageLog recover(Path file, int pageSize, Disk disk, FileChannel channel) throws IOException {
        long size = channel.size();
        int image = 16 + pageSize;
        Map<Long, Entry> latest = new HashMap<>();
        Map<Long, Image.At> index = new HashMap<>();
        CRC32C crc = new CRC32C();
        long lastLsn = 0;
        long offset = HEADER_BYTES;
        String why = null;
        Chunks chunks = new Chunks(channel, size);
        while (offset < size && why == null) {
            if (offset + RECORD_HEAD_BYTES > size) {
                why = "a record cut off by the end of the file";
                break;
            }
            int length = chunks.at(offset, 4).getInt();
            if (length < 12 + image || (length - 12) % image != 0 || (length - 12) / image > MAX_IMAGES) {
                why = "a record whose length is " + length + ", which no record of pages of " + pageSize
                        + " bytes has";
                break;
            }
            if (offset + RECORD_HEAD_BYTES + length > size) {
                why = "a record cut off by the end of the file";
                break;
            }
            ByteBuffer in = chunks.at(offset, RECORD_HEAD_BYTES + length);
            in.getInt();
            int sum = in.getInt();
            crc.reset();
            crc.update(in.duplicate());
            if ((int) crc.getValue() != sum) {
                why = "a record that fails its checksum";
            } else if (in.getInt(RECORD_HEAD_BYTES + 8) != (length - 12) / image) {
                why = "a record whose count is not its length's";
            } else {
                long lsn = in.getLong();
                int count = in.getInt();
                for (int i = 0; i < count; i++) {
                    long at = offset + in.position();
                    long page = in.getLong();
                    long version = in.getLong();
                    long[] data = new long[pageSize / 8];
                    in.order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(data);
                    in.order(ByteOrder.BIG_ENDIAN).position(in.position() + pageSize);
                    Entry previous = latest.get(page);
                    if (previous == null || version >= previous.version()) {
                        latest.put(page, new Entry(lsn, page, version, data));
                        index.put(page, new Image.At(at, lsn, version));
                    }
                }
                lastLsn = Math.max(lastLsn, lsn);
                offset += RECORD_HEAD_BYTES + length;
            }
        }
        String dropped = null;
        if (why != null) {
            Path kept = file.resolveSibling(file.getFileName() + ".dropped-at-" + offset);
            try (FileChannel copy = FileChannel.open(kept, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                channel.transferTo(offset, size - offset, copy); // evidence, should it be damage after all
            }
            dropped = file + ": dropped " + (size - offset) + " bytes from offset " + offset + ", starting with " + why
                    + " (writes not synced before the node stopped; the bytes are kept in " + kept.getFileName() + ")";
            channel.truncate(offset);
        }
        // what was read back is what the cluster may adopt: durable before it is used, even if the
        // node was killed before it synced it (a power cut now must not take back what readers saw)
        disk.force(channel, file);
        return new PageLog(file, pageSize, disk, channel, latest, index, lastLsn, offset, dropped);
    }

    /**
     * The file read back in large pieces: a read per record (two with its length) and a buffer per
     * record took most of a restart's time (JFR, 1 GiB of pages).
     */
    private static final class Chunks {
        private static final int BYTES = 1 << 20;
        private final FileChannel channel;
        private final long size;
        private ByteBuffer buffer = ByteBuffer.allocate(BYTES).limit(0);
        /** The file offset of the buffer's first byte. */
        private long start;

        Chunks(FileChannel channel, long size) {
            this.channel = channel;
            this.size = size;
        }

        /** The {@code bytes} bytes at {@code offset}, which the file has, as a buffer of their own. */
        ByteBuffer at(long offset, int bytes) throws IOException {
            if (offset < start || offset + bytes > start + buffer.limit()) {
                if (buffer.capacity() < bytes) {
                    buffer = ByteBuffer.allocate(bytes); // a record of many pages
                }
                buffer.clear().limit((int) Math.min(buffer.capacity(), size - offset));
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer, offset + buffer.position()) < 0) {
                        throw new IOException("the file ended while reading " + bytes + " bytes at offset " + offset);
                    }
                }
                buffer.flip();
                start = offset;
            }
            return buffer.slice((int) (offset - start), bytes);
        }
    }

    /** Per page, the newest record the log held when it was opened (until {@link #forgetLatest}). */
    public Map<Long, Entry> latest() {
        return Collections.unmodifiableMap(latest);
    }

    /** Whether {@link #open} made a new log: there was none (or nothing of it reached the disk). */
    public boolean created() {
        return created;
    }

    /** Drops what {@link #latest} holds: the memory took it (else the log would keep every page twice). */
    public void forgetLatest() {
        latest = Map.of();
    }

    /** What {@link #open} dropped from the end of the file, naming the file and the offset; null if nothing. */
    public String dropped() {
        return dropped;
    }

    /**
     * Writes a record of page {@code page} at {@code version} holding {@code data} (the page's words);
     * durable once {@link #sync} of the returned sequence number returns.
     *
     * @throws IOException if the write fails
     */
    public long append(long page, long version, long[] data) throws IOException {
        return append(List.of(new Image(page, version, data)));
    }

    /**
     * Writes one record of several page images (a transaction's commit), which recovery loads all or
     * none; durable once {@link #sync} of the returned sequence number returns.
     *
     * @throws IOException if the write fails
     */
    public long append(List<Image> images) throws IOException {
        if (images.isEmpty() || images.size() > MAX_IMAGES) {
            throw new IllegalArgumentException("a record of " + images.size() + " pages");
        }
        for (Image image : images) {
            if (image.data().length * 8 != pageSize) {
                throw new IllegalArgumentException(image.data().length * 8 + " bytes of data for a page of "
                        + pageSize);
            }
        }
        int length = 12 + images.size() * (16 + pageSize);
        synchronized (appendLock) {
            if (broken != null) {
                throw unusable();
            }
            long lsn = lastLsn + 1;
            ByteBuffer record = images.size() == 1 ? single.clear() : ByteBuffer.allocate(RECORD_HEAD_BYTES + length);
            record.putInt(length).putInt(0).putLong(lsn).putInt(images.size());
            for (Image image : images) {
                record.putLong(image.page()).putLong(image.version());
                record.order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(image.data());
                record.order(ByteOrder.BIG_ENDIAN).position(record.position() + pageSize);
            }
            record.flip();
            crc.reset();
            crc.update(record.duplicate().position(RECORD_HEAD_BYTES));
            record.putInt(4, (int) crc.getValue());
            long at = end + RECORD_HEAD_BYTES + 12;
            try {
                write(channel, record, end);
            } catch (IOException | RuntimeException | Error e) {
                // part of the record may be in the file: later records after it would be cut off
                // at recovery, so none is written
                broken = e instanceof IOException io ? io : new IOException(e);
                throw new IOException(file + ": a record could not be written whole; the log is not used further",
                        e);
            }
            for (Image image : images) {
                index.merge(image.page(), new Image.At(at, lsn, image.version()),
                        (was, now) -> now.version() >= was.version() ? now : was);
                at += 16 + pageSize;
            }
            end += RECORD_HEAD_BYTES + length;
            lastLsn = lsn;
            return lsn;
        }
    }

    /**
     * Returns once every record up to {@code lsn} is durable. A caller whose record a force in
     * progress covers waits for it; any other starts a force at once, beside those in progress (the
     * disk merges them).
     *
     * @throws IOException if the disk failed to make records durable, now or before (a log whose
     *                     write or force failed may have lost records; it is not used further)
     */
    public void sync(long lsn) throws IOException {
        if (syncedLsn >= lsn && broken == null) {
            return;
        }
        swap.readLock().lock(); // the file is not replaced under a force
        try {
            syncHeld(lsn);
        } finally {
            swap.readLock().unlock();
        }
    }

    private void syncHeld(long lsn) throws IOException {
        long upTo;
        synchronized (syncLock) {
            while (syncedLsn < lsn && forcing >= lsn && broken == null) {
                try {
                    syncLock.wait(); // a force in progress covers it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while " + file + " was forced");
                }
            }
            if (broken != null) {
                throw unusable();
            }
            if (syncedLsn >= lsn) {
                return;
            }
            synchronized (appendLock) {
                if (lsn > lastLsn) {
                    throw new IllegalArgumentException("record " + lsn + " was not written (the last is " + lastLsn
                            + ")");
                }
                upTo = lastLsn; // everything written so far: this force covers it
            }
            forcing = Math.max(forcing, upTo);
        }
        Throwable failed = null;
        try {
            disk.force(channel, file);
        } catch (Throwable e) {
            failed = e;
        } finally {
            synchronized (syncLock) {
                if (failed != null && broken == null) {
                    broken = failed instanceof IOException io ? io : new IOException(failed);
                }
                // a force that overlapped a failed one may report success for pages the kernel
                // dropped (it tells one caller per file of a write error): none counts after a failure
                if (broken == null && upTo > syncedLsn) {
                    syncedLsn = upTo; // a force covers every byte written before it began
                }
                syncLock.notifyAll();
            }
        }
        if (broken != null) {
            throw unusable();
        }
    }

    private IOException unusable() {
        return new IOException(file + ": the disk failed to make records durable; the log is not used further",
                broken);
    }

    /** The bytes of the file. */
    public long size() {
        synchronized (appendLock) {
            return end;
        }
    }

    /** The bytes a log holding only the newest image of each page would have. */
    public long liveSize() {
        synchronized (appendLock) {
            return HEADER_BYTES + (long) index.size() * (RECORD_HEAD_BYTES + 12 + 16 + pageSize);
        }
    }

    /**
     * Rewrites the log with only the newest image of each page, so that it stops growing with every
     * write: copies those images to {@code <file>.compacting} while appends go on, then, with appends
     * held, the records appended meanwhile; forces it and renames it over the log (the rename is what
     * makes it the log: a node stopped before it finds the old log whole and deletes the copy).
     * Records keep their sequence numbers; one of several images becomes a record of its own (the
     * commit it was part of is durable whole already). Every record written before it returns is
     * durable after it.
     *
     * @throws IOException if the copy cannot be written (the log goes on as it was), or if the
     *                     directory cannot be made durable after the rename (the log is then not
     *                     used further: a power cut could bring the old file back)
     */
    public void compact() throws IOException {
        synchronized (compactLock) {
            Path next = compacting(file);
            Map<Long, Image.At> snapshot;
            long upTo;
            synchronized (appendLock) {
                if (broken != null) {
                    throw unusable();
                }
                snapshot = new HashMap<>(index);
                upTo = end;
            }
            FileChannel out = FileChannel.open(next, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
            boolean swapped = false;
            try {
                write(out, ByteBuffer.allocate(HEADER_BYTES).putLong(MAGIC).putInt(FORMAT).putInt(pageSize).flip(), 0);
                Map<Long, Image.At> moved = new HashMap<>();
                long outEnd = HEADER_BYTES;
                List<Map.Entry<Long, Image.At>> images = new ArrayList<>(snapshot.entrySet());
                images.sort(Comparator.comparingLong(e -> e.getValue().offset())); // read the old file in order
                ByteBuffer record = ByteBuffer.allocate(RECORD_HEAD_BYTES + 12 + 16 + pageSize);
                CRC32C sum = new CRC32C();
                for (Map.Entry<Long, Image.At> e : images) {
                    Image.At at = e.getValue();
                    record.clear().putInt(12 + 16 + pageSize).putInt(0).putLong(at.lsn()).putInt(1);
                    ByteBuffer image = read(channel, 16 + pageSize, at.offset());
                    record.put(image).flip();
                    sum.reset();
                    sum.update(record.duplicate().position(RECORD_HEAD_BYTES));
                    record.putInt(4, (int) sum.getValue());
                    write(out, record, outEnd);
                    moved.put(e.getKey(), new Image.At(outEnd + RECORD_HEAD_BYTES + 12, at.lsn(), at.version()));
                    outEnd += record.capacity();
                }
                disk.force(out, next);
                if (lock(out) == null) {
                    throw new IOException(next + " is in use");
                }
                long forced;
                swap.writeLock().lock(); // no force under way from here on
                try {
                    synchronized (appendLock) {
                        if (broken != null) {
                            throw unusable();
                        }
                        long tail = end - upTo; // whole records appended meanwhile
                        for (long done = 0; done < tail; ) {
                            done += channel.transferTo(upTo + done, tail - done, out.position(outEnd + done));
                        }
                        long shift = outEnd - upTo;
                        for (Map.Entry<Long, Image.At> e : index.entrySet()) {
                            Image.At at = e.getValue();
                            if (at.offset() >= upTo) {
                                moved.put(e.getKey(), new Image.At(at.offset() + shift, at.lsn(), at.version()));
                            }
                        }
                        disk.force(out, next);
                        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                        FileChannel old = channel;
                        channel = out;
                        end = outEnd + tail;
                        index = moved;
                        swapped = true;
                        try {
                            disk.forceDirectory(file.toAbsolutePath().getParent());
                        } catch (IOException e) {
                            broken = e;
                            throw new IOException(file + ": compacted, but its directory could not be forced; the "
                                    + "log is not used further", e);
                        } finally {
                            old.close();
                        }
                        forced = lastLsn; // all of it, in the new file
                    }
                    synchronized (syncLock) {
                        syncedLsn = Math.max(syncedLsn, forced);
                        syncLock.notifyAll();
                    }
                } finally {
                    swap.writeLock().unlock();
                }
            } finally {
                if (!swapped) {
                    out.close();
                    Files.deleteIfExists(next);
                }
            }
        }
    }

    private static Path compacting(Path file) {
        return file.resolveSibling(file.getFileName() + ".compacting");
    }

    /** The highest sequence number known durable. */
    public long synced() {
        return syncedLsn;
    }

    @Override
    public void close() throws IOException {
        synchronized (appendLock) {
            channel.close();
        }
    }

    private static void write(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
    }

    private static ByteBuffer read(FileChannel channel, int bytes, long position) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(bytes);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("the file ended while reading " + bytes + " bytes at offset " + position);
            }
        }
        return buffer.flip();
    }
}
