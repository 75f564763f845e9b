package dev.iris.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * A segment of the sender's memory that a Send passes with its message (V's segment access): while
 * the sender waits for the reply, the receiver reads from it ({@link Kernel#moveFrom}, V's MoveFrom)
 * or writes into it ({@link Kernel#moveTo}, MoveTo), in pieces, as often as it wants, as far as the
 * segment's {@link Access} allows. Access ends with the reply (or when the sender stops waiting):
 * a move after that fails. Nothing of the segment travels with the request; only what the receiver
 * moves travels, so a segment may be larger than either node's heap (a file region).
 *
 * <p>The sender must not touch the segment's memory while it waits; a receiver's writes are in it
 * when the send returns.
 */
public abstract sealed class Segment {
    /** What a receiver may do with a segment. */
    public enum Access {
        /** Read it ({@link Kernel#moveFrom}). */
        READ,
        /** Write into it ({@link Kernel#moveTo}). */
        WRITE,
        /** Both. */
        READ_WRITE;

        /** Whether the receiver may read. */
        public boolean reads() {
            return this != WRITE;
        }

        /** Whether the receiver may write. */
        public boolean writes() {
            return this != READ;
        }
    }

    /** What the receiver of a request knows of its segment ({@link Request#segment()}). */
    public record Grant(Access access, long length) {
        public Grant {
            Objects.requireNonNull(access, "access");
            if (length < 0) {
                throw new IllegalArgumentException("a segment of " + length + " bytes");
            }
        }
    }

    private final Access access;
    private final long length;

    private Segment(Access access, long length) {
        this.access = Objects.requireNonNull(access, "access");
        this.length = length;
    }

    /** {@code bytes}, for the receiver to read. */
    public static Segment reading(byte[] bytes) {
        return of(ByteBuffer.wrap(bytes), Access.READ);
    }

    /** {@code bytes}, for the receiver to write into. */
    public static Segment writing(byte[] bytes) {
        return of(ByteBuffer.wrap(bytes), Access.WRITE);
    }

    /**
     * The bytes of {@code buffer} between its position and its limit (the buffer's own position does
     * not move). The pieces a receiver on another node reads from a direct buffer go to the network
     * from its memory, without a copy (over TCP without TLS); the send then returns once they have
     * left it.
     */
    public static Segment of(ByteBuffer buffer, Access access) {
        if (access.writes() && buffer.isReadOnly()) {
            throw new IllegalArgumentException("a read-only buffer cannot be a segment with access " + access);
        }
        return new Memory(buffer.slice(), access);
    }

    /**
     * {@code length} bytes of {@code file} from {@code position}: moves read and write the file
     * there, a piece at a time, so the segment may be larger than the heap. The file must be open
     * for what {@code access} allows.
     */
    public static Segment of(FileChannel file, long position, long length, Access access) {
        if (position < 0 || length < 0) {
            throw new IllegalArgumentException("a file region at " + position + " of " + length + " bytes");
        }
        return new FileRegion(Objects.requireNonNull(file, "file"), position, length, access);
    }

    /** What the receiver may do with it. */
    public Access access() {
        return access;
    }

    /** Its length in bytes. */
    public long length() {
        return length;
    }

    Grant grant() {
        return new Grant(access, length);
    }

    /** Fills {@code into} (its remaining bytes) from the segment at {@code offset}; bounds checked by the caller. */
    abstract void read(long offset, ByteBuffer into);

    /** Writes the remaining bytes of {@code from} into the segment at {@code offset}; bounds checked by the caller. */
    abstract void write(long offset, ByteBuffer from);

    /**
     * A view of {@code length} bytes at {@code offset} of the segment's own memory if that memory is
     * outside the Java heap, so that a piece can go to a socket without a copy; else null. Bounds
     * checked by the caller.
     */
    ByteBuffer offHeap(long offset, int length) {
        return null;
    }

    private static final class Memory extends Segment {
        private final ByteBuffer bytes;

        Memory(ByteBuffer bytes, Access access) {
            super(access, bytes.remaining());
            this.bytes = bytes;
        }

        @Override
        void read(long offset, ByteBuffer into) {
            into.put(bytes.slice((int) offset, into.remaining()));
        }

        @Override
        void write(long offset, ByteBuffer from) {
            bytes.put((int) offset, from, from.position(), from.remaining());
            from.position(from.limit());
        }

        @Override
        ByteBuffer offHeap(long offset, int length) {
            return bytes.isDirect() ? bytes.slice((int) offset, length) : null;
        }
    }

    private static final class FileRegion extends Segment {
        private final FileChannel file;
        private final long position;

        FileRegion(FileChannel file, long position, long length, Access access) {
            super(access, length);
            this.file = file;
            this.position = position;
        }

        @Override
        void read(long offset, ByteBuffer into) {
            try {
                long at = position + offset;
                while (into.hasRemaining()) {
                    int n = file.read(into, at);
                    if (n < 0) {
                        throw new IOException("the file ends at " + at + ", inside the segment");
                    }
                    at += n;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        void write(long offset, ByteBuffer from) {
            try {
                long at = position + offset;
                while (from.hasRemaining()) {
                    at += file.write(from, at);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
