package dev.iris.runtime.monitor;

import dev.iris.runtime.transport.FrameFormatException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A recording of what nodes' monitors said: the same {@link MonitorMessage}s, in the order they
 * were recorded, in a file that the IDE opens offline.
 *
 * <pre>
 * trace  := magic:byte[8] record*          magic = "IRISTRC1"
 * record := length:u32 monitor:byte[length]  (length &lt;= 16 MiB; monitor as in {@link MonitorWire})
 * </pre>
 */
public final class TraceFile {
    private static final byte[] MAGIC = "IRISTRC1".getBytes(StandardCharsets.US_ASCII);
    /** The largest record a reader accepts. */
    public static final int MAX_RECORD_BYTES = 16 << 20;

    private TraceFile() {
    }

    /** Appends messages to a new trace file. Thread-safe. */
    public static final class Writer implements AutoCloseable {
        private final OutputStream out;
        private final Path file;
        private long records;

        /** Creates (or replaces) {@code file} and writes the trace's header. */
        public Writer(Path file) throws IOException {
            this.file = file;
            this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
            out.write(MAGIC);
        }

        /** Appends {@code message}. */
        public synchronized void write(MonitorMessage message) throws IOException {
            for (ByteBuf payload : MonitorWire.encode(ByteBufAllocator.DEFAULT, message)) {
                try {
                    int length = payload.readableBytes();
                    out.write(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
                        (byte) length});
                    payload.readBytes(out, length);
                    records++;
                } finally {
                    payload.release();
                }
            }
        }

        /** Records written so far. */
        public synchronized long records() {
            return records;
        }

        /** The file written. */
        public Path file() {
            return file;
        }

        @Override
        public synchronized void close() throws IOException {
            out.close();
        }
    }

    /**
     * Reads a whole trace.
     *
     * @throws IOException if the file cannot be read, is not a trace, or is damaged; the message
     *                     says which record at which byte offset
     */
    public static List<MonitorMessage> read(Path file) throws IOException {
        List<MonitorMessage> messages = new ArrayList<>();
        MonitorWire.PagesAssembler pages = new MonitorWire.PagesAssembler();
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            byte[] magic = new byte[MAGIC.length];
            try {
                in.readFully(magic);
            } catch (EOFException e) {
                throw new IOException(file + " is not an Iris trace: it is shorter than the header");
            }
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException(file + " is not an Iris trace (no IRISTRC1 header)");
            }
            long offset = MAGIC.length;
            for (int record = 0; ; record++) {
                int length;
                try {
                    length = in.readInt();
                } catch (EOFException e) {
                    return messages;
                }
                if (length < 0 || length > MAX_RECORD_BYTES) {
                    throw new IOException(file + ": record " + record + " at byte " + offset + " declares " + length
                            + " bytes (at most " + MAX_RECORD_BYTES + ")");
                }
                byte[] body = new byte[length];
                try {
                    in.readFully(body);
                } catch (EOFException e) {
                    throw new IOException(file + ": record " + record + " at byte " + offset + " is cut short (the "
                            + "recording ended while writing it)");
                }
                try {
                    MonitorMessage message = switch (MonitorWire.decode(Unpooled.wrappedBuffer(body))) {
                        case MonitorWire.Whole whole -> whole.message();
                        case MonitorWire.PagePiece piece -> pages.add(piece);
                    };
                    if (message != null) {
                        messages.add(message);
                    }
                } catch (FrameFormatException e) {
                    throw new IOException(file + ": record " + record + " at byte " + offset + " is damaged: "
                            + e.getMessage());
                }
                offset += 4 + length;
            }
        }
    }
}
