package dev.iris.bench;

import dev.iris.runtime.internal.store.PageLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable writes of 4 KiB pages by 16 writers: the page log (append, then sync, which writers share)
 * against a raw {@code FileChannel} append of the same bytes and a {@code force} per write, on the
 * same disk. The goal: the page log at least 0.8 times the raw throughput. Run by hand:
 * {@code java -cp bench/target/benchmarks.jar org.openjdk.jmh.Main DurableWrite}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(16)
public class DurableWriteBenchmark {
    private static final int PAGE = 4096;
    private static final int RECORD = 8 + 12 + 16 + PAGE; // a page log record of the same page

    private Path dir;
    private PageLog log;
    private FileChannel raw;
    private final AtomicLong rawEnd = new AtomicLong();
    private final AtomicLong pages = new AtomicLong();
    private final long[] words = new long[PAGE / 8];

    @Setup(Level.Iteration)
    public void open() throws IOException {
        dir = Files.createTempDirectory("iris-durable");
        log = PageLog.open(dir.resolve("pages.log"), PAGE, PageLog.Disk.REAL);
        raw = FileChannel.open(dir.resolve("raw.log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        rawEnd.set(0);
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        log.close();
        raw.close();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    @Benchmark
    public long pageLog() throws IOException {
        long n = pages.incrementAndGet();
        long lsn = log.append(n % 1024, n, words);
        log.sync(lsn);
        return lsn;
    }

    @Benchmark
    public long rawAppendAndForce() throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(RECORD);
        long at = rawEnd.getAndAdd(RECORD);
        while (bytes.hasRemaining()) {
            at += raw.write(bytes, at);
        }
        raw.force(false);
        return at;
    }
}
