package dev.iris.bench.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The CPU time a system spends on its requests while its throughput is measured: user plus system
 * time of the client's JVM and, summed, of its member JVMs, from {@code /proc/<pid>/stat} between
 * {@link #start} and {@link #stop}. With both sides taking turns (bench/README.md, "Lock step"),
 * the throughput is about one over their sum, so this says which side a gap is on. NaN where
 * {@code /proc} cannot be read.
 */
final class CpuTime {
    /** Linux counts process times in USER_HZ ticks, 100 a second on every architecture it runs on. */
    private static final double MICROS_PER_TICK = 10_000;
    private final long client;
    private final List<Long> members;
    private long clientStart;
    private long membersStart;
    private long clientTicks = -1;
    private long memberTicks = -1;

    CpuTime(long client, List<Long> members) {
        this.client = client;
        this.members = members;
    }

    void start() {
        clientStart = ticks(List.of(client));
        membersStart = ticks(members);
    }

    void stop() {
        long c = ticks(List.of(client));
        long m = ticks(members);
        clientTicks = c < 0 || clientStart < 0 ? -1 : c - clientStart;
        memberTicks = m < 0 || membersStart < 0 ? -1 : m - membersStart;
    }

    /** The client's CPU µs per operation over the interval, or NaN. */
    double clientPer(long operations) {
        return per(clientTicks, operations);
    }

    /** The members' CPU µs per operation over the interval, all of them together, or NaN. */
    double membersPer(long operations) {
        return per(memberTicks, operations);
    }

    private static double per(long ticks, long operations) {
        return ticks < 0 || operations <= 0 ? Double.NaN : ticks * MICROS_PER_TICK / operations;
    }

    private static long ticks(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // after "pid (name) ": state is field 3, utime 14 and stime 15
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
        return sum;
    }
}
