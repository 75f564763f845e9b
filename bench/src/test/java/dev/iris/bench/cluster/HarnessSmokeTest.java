package dev.iris.bench.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness in smoke mode (tiny counts, 2 members, one round), so it keeps working: every
 * system of every section starts, its client JVM answers, and the report, the CSV and the plot are
 * written.
 * The numbers themselves are not checked: a smoke run on a busy CI machine measures nothing.
 */
class HarnessSmokeTest {
    @Test
    void everySectionMeasuresEverySystemAndWritesTheReport(@TempDir Path out) throws Exception {
        Harness.Results results = Harness.run(Harness.Plan.SMOKE, out, List.of("micro", "group", "fault", "array"));

        Set<String> micro = results.micro().stream().map(Micro.Result::benchmark).collect(Collectors.toSet());
        assertTrue(micro.containsAll(Set.of("FrameBenchmark.encode", "FrameBenchmark.decode", "CodecBenchmark.encode",
                "CodecBenchmark.decode", "MemoryAccessBenchmark.sharedRead", "GroupLookupBenchmark.members")), micro::toString);
        results.micro().forEach(r -> assertTrue(r.median() > 0, r::toString));

        List<Harness.Row> rows = results.rows();
        // iris-loop: processes on the event loop, where this Java can
        Set<String> group = Harness.LOOP_CARRIERS ? Set.of("netty", "netty-blocking", "iris", "iris-loop", "iris-async",
                "jgroups") : Set.of("netty", "netty-blocking", "iris", "iris-async", "jgroups");
        assertEquals(group, systems(rows, "group"));
        // 1 member count x 1 payload x ALL and FIRST, per system, in one round
        assertEquals(group.size() * 2, rows.stream().filter(r -> r.section().equals("group")).count());
        rows.stream().filter(r -> r.section().equals("group")).forEach(r -> {
            assertEquals(0, r.round(), r::toString);
            assertTrue(r.p50() > 0 && r.p50() <= r.p99() && r.p99() <= r.p999(), r::toString);
            assertTrue(r.opsPerSecond() > 0, r::toString);
            // counted: not one per request at least (a loop that finds its reply already read, having been
            // preempted rather than asleep, wakes nobody: raw Netty measured 0.993 under load), but some
            assertTrue(r.wakeups() > 0 && Double.isFinite(r.wakeups()), r::toString);
            // the CPU of the client's JVM and the members' during the throughput, read from /proc
            assertTrue(r.clientCpu() >= 0 && r.membersCpu() >= 0 && r.clientCpu() + r.membersCpu() > 0, r::toString);
        });
        assertEquals(Harness.LOOP_CARRIERS ? Set.of("netty", "iris", "iris-loop") : Set.of("netty", "iris"),
                systems(rows, "fault"));
        assertEquals(Harness.LOOP_CARRIERS ? 5 : 3, rows.stream().filter(r -> r.section().equals("fault")).count());
        rows.stream().filter(r -> r.section().equals("fault")).forEach(r -> assertTrue(r.p50() > 0, r::toString));
        assertEquals(Set.of("iris", "hazelcast", "hazelcast-near"), systems(rows, "array"));
        rows.stream().filter(r -> r.section().equals("array")).forEach(r -> assertTrue(r.opsPerSecond() > 0, r::toString));

        String report = Files.readString(out.resolve("benchmarks.md"));
        for (String heading : List.of("## Goals", "## Microbenchmarks (JMH)", "## Group request/response",
                "## Page faults", "## Shared array")) {
            assertTrue(report.contains(heading), heading);
        }
        assertEquals(rows.size() + 1, Files.readAllLines(out.resolve("benchmarks.csv")).size());
        assertTrue(Files.readString(out.resolve("benchmarks-latency.svg")).contains("<polyline"));
    }

    private static Set<String> systems(List<Harness.Row> rows, String section) {
        return rows.stream().filter(r -> r.section().equals(section)).map(Harness.Row::system).collect(Collectors.toSet());
    }
}
