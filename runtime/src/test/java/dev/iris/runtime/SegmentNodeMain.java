package dev.iris.runtime;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A node JVM for the end-to-end test of segments: {@code SegmentNodeMain NAME CLUSTER SEED}. Runs
 * a "reader" process that reads the whole segment of each request in 1 MiB parts, writes
 * {@link #MARK} over its last bytes and replies with the CRC-32 of what it read; and a "holder"
 * process that, asked {@code "READER FILE LENGTH"}, makes FILE a sparse file of LENGTH bytes with a
 * few marks, sends READER a Send with the file as its segment, and replies "ok" if the reader read
 * what the file held and its write is in the file (or says what differs). Prints
 * {@code READY <reader pid> <holder pid>}, and exits when its standard input closes.
 */
public final class SegmentNodeMain {
    static final byte[] MARK = "written by the reader".getBytes(StandardCharsets.US_ASCII);

    private SegmentNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        Node node = Node.start(NodeConfig.of(args[0], args[1], new InetSocketAddress("127.0.0.1", 0),
                List.of(Node.parse(args[2]))), Codecs.of());
        ProcessId reader = node.spawn("reader", k -> {
            while (true) {
                Request r = k.receive();
                long length = r.segment().orElseThrow().length();
                ByteBuffer part = ByteBuffer.allocateDirect(1 << 20);
                CRC32 crc = new CRC32();
                for (long at = 0; at < length; at += part.capacity()) {
                    part.clear().limit((int) Math.min(part.capacity(), length - at));
                    k.moveFrom(r, at, part);
                    crc.update(part.flip());
                }
                k.moveTo(r, length - MARK.length, ByteBuffer.wrap(MARK));
                k.reply(r, Long.toString(crc.getValue()));
            }
        });
        ProcessId holder = node.spawn("holder", k -> {
            while (true) {
                Request r = k.receive();
                String[] job = ((String) r.message()).split(" ");
                k.reply(r, hold(node, k, new ProcessId(Long.parseLong(job[0])), Path.of(job[1]),
                        Long.parseLong(job[2])));
            }
        });
        System.out.println("READY " + reader.value() + " " + holder.value());
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the parent to go away
        }
        node.close();
        System.exit(0);
    }

    private static String hold(Node node, Kernel k, ProcessId reader, Path file, long length) throws Exception {
        if (!node.awaitMembers(3, Duration.ofSeconds(30))) {
            return "the holder's node does not see the reader's: " + node.members();
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.SPARSE,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (long at : new long[] {0, length / 3, length - (1 << 20) - 5, length - 1}) {
                byte[] mark = ("mark at " + at).getBytes(StandardCharsets.US_ASCII);
                ch.write(ByteBuffer.wrap(mark, 0, (int) Math.min(length - at, mark.length)), at);
            }
            long expected = crc(ch, length);
            Object read = k.send(reader, "read it all", Segment.of(ch, 0, length, Segment.Access.READ_WRITE),
                    Duration.ofMinutes(4));
            if (!read.equals(Long.toString(expected))) {
                return "the reader read CRC " + read + ", the file has " + expected;
            }
            ByteBuffer tail = ByteBuffer.allocate(MARK.length);
            ch.read(tail, length - MARK.length);
            return Arrays.equals(MARK, tail.array()) ? "ok"
                    : "the file ends with " + new String(tail.array(), StandardCharsets.US_ASCII);
        }
    }

    private static long crc(FileChannel ch, long length) throws Exception {
        CRC32 crc = new CRC32();
        ByteBuffer part = ByteBuffer.allocateDirect(1 << 20);
        for (long at = 0; at < length; ) {
            part.clear().limit((int) Math.min(part.capacity(), length - at));
            while (part.hasRemaining()) {
                int n = ch.read(part, at + part.position());
                if (n < 0) {
                    throw new IllegalStateException("the file ends at " + (at + part.position()));
                }
            }
            at += part.limit();
            crc.update(part.flip());
        }
        return crc.getValue();
    }
}
