package dev.iris.bench.cluster;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The threads woken while a latency is measured: voluntary context switches (a thread that blocked
 * and was woken again) of the client's JVM and every member JVM, summed over their threads from
 * {@code /proc/<pid>/task/<tid>/status} and over every {@link #start}–{@link #stop} interval. NaN
 * where {@code /proc} cannot be read.
 */
final class Wakeups {
    private final List<Long> pids;
    private long start;
    private long total;

    Wakeups(List<Long> pids) {
        this.pids = pids;
    }

    void start() {
        start = read();
    }

    void stop() {
        long end = read();
        total = start < 0 || end < 0 || total < 0 ? -1 : total + end - start;
    }

    /** Switches in the intervals between {@link #start} and {@link #stop} per operation, or NaN. */
    double per(long operations) {
        return total < 0 || operations <= 0 ? Double.NaN : (double) total / operations;
    }

    private long read() {
        long sum = 0;
        for (long pid : pids) {
            long one = read(pid);
            if (one < 0) {
                return -1;
            }
            sum += one;
        }
        return sum;
    }

    private static long read(long pid) {
        long sum = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return sum;
    }
}
