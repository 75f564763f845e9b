package dev.iris.bench.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The client of the group and fault sections runs in a JVM of its own ({@code Member <system>-client
 * ...}), so the harness's work does not share its JVM. It answers the harness's commands on its
 * standard streams as members do ({@link Child}):
 *
 * <pre>
 * measure PAYLOAD ALL|FIRST IN_FLIGHT WARMUP_MS LATENCY_MS THROUGHPUT_MS PIDS
 *     the latency, then the throughput (none when THROUGHPUT_MS is 0), counting the threads woken in
 *     this JVM and the JVMs PIDS (comma-separated) meanwhile; answers {@link #result}, followed
 *     after a throughput by the CPU µs per request of this JVM and of the JVMs PIDS together
 * </pre>
 */
final class Driver {
    /** A system's group-send client. */
    interface Group {
        /** Latency with one request in flight to every member, completed by all replies or the first. */
        Histogram latency(int payload, boolean all, Measure.Durations d, Wakeups wakeups) throws Exception;

        /** The closed-loop load of the same requests. */
        Measure.Load load(int payload, boolean all) throws Exception;
    }

    private Driver() {
    }

    /** The commands of a client JVM running {@code group}, more of them answered by {@code more}. */
    static Member.Commands commands(Group group, String ready, Member.Commands more) {
        return new Member.Commands() {
            @Override
            public String run(String[] c) throws Exception {
                return switch (c[0]) {
                    case "measure" -> {
                        int payload = Integer.parseInt(c[1]);
                        boolean all = c[2].equals("ALL");
                        Measure.Durations d = new Measure.Durations(0, Long.parseLong(c[4]), Long.parseLong(c[5]),
                                Long.parseLong(c[6]));
                        List<Long> members = pids(c[7]);
                        Wakeups wakeups = new Wakeups(withThis(members));
                        Histogram latency = group.latency(payload, all, d, wakeups);
                        if (d.throughputMillis() == 0) {
                            yield result(latency, Double.NaN, wakeups.per(latency.getTotalCount()));
                        }
                        CpuTime cpu = new CpuTime(ProcessHandle.current().pid(), members);
                        Measure.Throughput t = Measure.throughput(group.load(payload, all), Integer.parseInt(c[3]), d,
                                cpu);
                        yield result(latency, t.opsPerSecond(), wakeups.per(latency.getTotalCount()))
                                + String.format(Locale.ROOT, " %.3f %.3f", cpu.clientPer(t.operations()),
                                        cpu.membersPer(t.operations()));
                    }
                    default -> more.run(c);
                };
            }

            @Override
            public String ready() {
                return ready;
            }
        };
    }

    /** Counts the threads woken in this JVM and the JVMs {@code pids} (comma-separated). */
    static Wakeups wakeups(String pids) {
        return new Wakeups(withThis(pids(pids)));
    }

    private static List<Long> pids(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(Long::parseLong).toList();
    }

    private static List<Long> withThis(List<Long> pids) {
        List<Long> all = new ArrayList<>(List.of(ProcessHandle.current().pid()));
        all.addAll(pids);
        return all;
    }

    /** What a measurement answers: {@code p50 p99 p99.9} (µs), operations/s and threads woken per operation. */
    static String result(Histogram h, double opsPerSecond, double wakeups) {
        return String.format(Locale.ROOT, "%.3f %.3f %.3f %.1f %.3f", h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0, opsPerSecond, wakeups);
    }

    /** No more commands. */
    static String none(String[] command) {
        throw new IllegalArgumentException("unknown command " + command[0]);
    }
}
