package demo.files;

import dev.iris.runtime.Kernel;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.Segment;
import dev.iris.runtime.launch.ClusterSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Runs the file server on the cluster {@code local} (see ClusterSession): a client on the other
 * node stores a 64 MiB file on the server through a segment of its own file (the server reads it
 * with MoveFrom), fetches it back into another file (the server writes it with MoveTo), and compares.
 */
public final class Main {
    /** The size of the client's file. */
    static final int SIZE = 64 << 20;

    private Main() {
    }

    /** What the client saw, one line per step. */
    public static String run() throws Exception {
        Path served = Files.createTempDirectory("iris-file-server-");
        try (ClusterSession cluster = FilesSystem.open(FilesSystem.LOCAL,
                new FilesSystem.Handlers(() -> new FileServer(served)))) {
            // embedded, from the last node; in a launch with a JVM per node, from the client node
            return cluster.nodes().get(cluster.nodes().size() - 1).call("client", Duration.ofSeconds(60), Main::client);
        } finally {
            deleteQuietly(served);
        }
    }

    /** The client: runs on any node of the cluster (embedded, or a client node of exported bundles). */
    public static String client(Kernel k) throws Exception {
        Duration timeout = Duration.ofSeconds(30);
        if (!k.awaitMembers(FilesSystem.FILE_SERVERS, 1, timeout)) {
            throw new IllegalStateException("no file server joined group fileServers");
        }
        ProcessId server = k.members(FilesSystem.FILE_SERVERS).iterator().next();
        Path mine = Files.createTempDirectory("iris-file-client-");
        try {
            Path original = write(mine.resolve("original"), SIZE);
            Path copy = mine.resolve("copy");
            try (FileChannel in = FileChannel.open(original, StandardOpenOption.READ);
                    FileChannel out = FileChannel.open(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                Stored stored = (Stored) k.send(server, new Store("video"),
                        Segment.of(in, 0, in.size(), Segment.Access.READ), timeout);
                Fetched fetched = (Fetched) k.send(server, new Fetch("video"),
                        Segment.of(out, 0, SIZE, Segment.Access.WRITE), timeout);
                Fetched missing = (Fetched) k.send(server, new Fetch("no such file"),
                        Segment.of(out, 0, SIZE, Segment.Access.WRITE), timeout);
                return "stored " + stored.length() + " bytes on the file server\n"
                        + "fetched " + fetched.length() + " bytes back, the same: " + (crc(original) == crc(copy)) + "\n"
                        + "a file it does not have: " + missing.length();
            }
        } finally {
            deleteQuietly(mine);
        }
    }

    /** Writes {@code size} random bytes to {@code path}, a part at a time. */
    private static Path write(Path path, int size) throws IOException {
        Random random = new Random(size);
        byte[] part = new byte[1 << 20];
        try (FileChannel out = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int at = 0; at < size; at += part.length) {
                random.nextBytes(part);
                ByteBuffer bytes = ByteBuffer.wrap(part, 0, Math.min(part.length, size - at));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
            }
        }
        return path;
    }

    private static long crc(Path path) throws IOException {
        CRC32 crc = new CRC32();
        ByteBuffer part = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
            while (in.read(part.clear()) >= 0) {
                crc.update(part.flip());
            }
        }
        return crc.getValue();
    }

    /** Deletes {@code directory} and what it holds, as far as it can: it only cleans up after a run. */
    static void deleteQuietly(Path directory) {
        try (Stream<Path> all = Files.walk(directory)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("files: could not delete " + directory + ": " + e.getMessage());
        }
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run());
    }
}
