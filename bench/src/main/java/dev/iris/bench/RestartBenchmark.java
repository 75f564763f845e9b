package dev.iris.bench;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeConfig;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.SharedMemory;
import dev.iris.runtime.internal.store.PageLog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The restart of a node of a persistent memory against the size of its memory: a node whose page
 * log holds {@code mebibytes} of 4 KiB pages (every page written once) starts, reads its log, opens
 * its memory and reads its last page; against reading the same file into memory with plain
 * {@code FileChannel} reads, the floor any restart from a log has. The file is in the page cache
 * (it was just written): this measures the restart's own work, not the disk. Run by hand:
 * {@code java -Xmx4g -cp bench/target/benchmarks.jar org.openjdk.jmh.Main Restart}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgs = {"-Xmx6g"})
public class RestartBenchmark {
    private static final int PAGE = 4096;

    @Param({"64", "256", "1024"})
    public int mebibytes;

    private Path dir;
    private MemoryConfig memory;

    @Setup(Level.Trial)
    public void writeLog() throws IOException {
        dir = Files.createTempDirectory("iris-restart");
        long pages = (long) mebibytes << 20 >> 12;
        memory = MemoryConfig.of(List.of(MemoryConfig.Region.of("data", pages * PAGE))).withPageSize(PAGE)
                .withManagers(List.of("n1")).withPersistent(true);
        long[] words = new long[PAGE / 8];
        Path log = Files.createDirectories(dir.resolve("n1")).resolve("pages.log");
        try (PageLog writer = PageLog.open(log, PAGE, PageLog.Disk.REAL)) {
            long lsn = 0;
            for (long page = 1; page <= pages; page++) {
                words[0] = page;
                lsn = writer.append(page, 2, words);
            }
            writer.sync(lsn);
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    @Benchmark
    public long restartNode() {
        try (Node node = Node.start(NodeConfig.of("n1", "restart", new InetSocketAddress("127.0.0.1", 0), List.of())
                .withMemory(memory).withDataDirectory(dir.resolve("n1")), Codecs.of())) {
            SharedMemory m = node.memory();
            long last = m.region("data").base() + m.region("data").bytes() - PAGE;
            return m.getLong(last);
        }
    }

    @Benchmark
    public long readFile() throws IOException {
        try (FileChannel channel = FileChannel.open(dir.resolve("n1").resolve("pages.log"), StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            List<long[]> kept = new ArrayList<>(); // as a restart keeps every page
            while (channel.read(buffer.clear()) > 0) {
                buffer.flip();
                while (buffer.remaining() >= PAGE) {
                    long[] words = new long[PAGE / 8];
                    buffer.asLongBuffer().get(words);
                    buffer.position(buffer.position() + PAGE);
                    kept.add(words);
                }
            }
            return kept.size();
        }
    }
}
