package demo.files;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A V-style file server: it keeps files in a directory of its own, and a file travels through the
 * client's segment in parts of 1 MiB, so the server never holds a whole file, however large.
 */
public class FileServer extends AbstractFileServer {
    private static final int PART = 1 << 20;

    private final Path directory;
    private final ByteBuffer part = ByteBuffer.allocateDirect(PART);

    /** A server with a new temporary directory, deleted when the JVM ends. */
    public FileServer() {
        this(temporaryDirectory());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Main.deleteQuietly(directory)));
    }

    /** A server that keeps its files in {@code directory}. */
    public FileServer(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("iris-file-server-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stores the client's bytes beside the file first, so a store that fails leaves the file as it was. */
    @Override
    protected Stored onStore(Store store) throws IOException {
        Path target = file(store.name());
        Path incoming = Files.createTempFile(directory, ".incoming-", "");
        try {
            long length = segment().length();
            try (FileChannel file = FileChannel.open(incoming, StandardOpenOption.WRITE)) {
                for (long at = 0; at < length; at += PART) {
                    part.clear().limit((int) Math.min(PART, length - at));
                    moveFrom(at, part);
                    part.flip();
                    while (part.hasRemaining()) {
                        file.write(part, at + part.position());
                    }
                }
            }
            Files.move(incoming, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new Stored(length);
        } finally {
            Files.deleteIfExists(incoming);
        }
    }

    @Override
    protected Fetched onFetch(Fetch fetch) throws IOException {
        Path path = file(fetch.name());
        if (!Files.isRegularFile(path)) {
            return new Fetched(-1);
        }
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = file.size();
            long length = Math.min(size, segment().length());
            for (long at = 0; at < length; at += PART) {
                part.clear().limit((int) Math.min(PART, length - at));
                while (part.hasRemaining()) {
                    if (file.read(part, at + part.position()) < 0) {
                        throw new EOFException(path + " ended at " + (at + part.position()) + " while it was read");
                    }
                }
                part.flip();
                if (at + PART < length) {
                    moveTo(at, part);
                } else {
                    replyWith(at, part); // the last part goes with the reply (V's ReplyWithSegment)
                }
            }
            return new Fetched(size);
        }
    }

    /** The file called {@code name} in this server's directory; a name with a path in it is refused. */
    private Path file(String name) {
        Path path = directory.resolve(name).normalize();
        if (name.isEmpty() || !directory.equals(path.getParent())) {
            throw new IllegalArgumentException("'" + name + "' is not the name of a file in the server's directory");
        }
        return path;
    }
}
