package dev.iris.bench.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.bench.cluster.Harness.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's medians over rounds, their spread and the per-round ratios. */
class ReportTest {
    private static Row row(String system, int round, double p50, double ops) {
        return new Row("group", system, 1, 64, "ALL", round, p50, p50 * 2, p50 * 3, ops, 2);
    }

    @Test
    void aCellIsTheMedianOfTheRoundsWithTheirRange() {
        List<Row> rounds = List.of(row("iris", 0, 90.2, 1), row("iris", 1, 79.1, 1), row("iris", 2, 83.5, 1));

        assertEquals("83.5 (79.1–90.2)", Report.spread(rounds, Row::p50, v -> String.format("%.1f", v)));
        assertEquals("79.1", Report.spread(rounds.subList(1, 2), Row::p50, v -> String.format("%.1f", v)));
        assertEquals("–", Report.spread(List.of(), Row::p50, v -> String.format("%.1f", v)));
    }

    @Test
    void aRatioIsTheMedianOfTheRoundsRatiosNotTheRatioOfTheMedians() {
        // round 3 was slow for both; per round Iris took 3, 2 and 1.75 times the floor
        List<Row> iris = List.of(row("iris", 0, 300, 1), row("iris", 1, 200, 1), row("iris", 2, 700, 1));
        List<Row> netty = List.of(row("netty", 0, 100, 1), row("netty", 1, 100, 1), row("netty", 2, 400, 1));

        assertEquals(2.0, Report.ratio(iris, netty, Row::p50), 1e-9);
        assertEquals(3.0, Report.median(iris, Row::p50) / Report.median(netty, Row::p50), 1e-9);
        // a round one system lacks does not count
        assertEquals(3.0, Report.ratio(iris, netty.subList(0, 1), Row::p50), 1e-9);
    }

    @Test
    void theReportShowsSpreadsAndTheCsvEveryRound(@TempDir Path out) throws Exception {
        List<Row> rows = List.of(row("netty", 0, 40, 300), row("netty-blocking", 0, 80, 100), row("iris", 0, 120, 50),
                row("netty", 1, 50, 310), row("netty-blocking", 1, 90, 90), row("iris", 1, 100, 60),
                row("netty", 2, 45, 290), row("netty-blocking", 2, 85, 95), row("iris", 2, 110, 55));

        Report.write(out, rows, List.of(), true, 3, 1);

        String md = Files.readString(out.resolve("benchmarks.md"));
        // p50: medians with ranges; Iris/Netty = median(3.0, 2.0, 2.44) and Iris/Netty blocking = median(1.5, 1.11, 1.29)
        assertTrue(md.contains("| 1 | 64 B | ALL | 45.0 (40.0–50.0) | 85.0 (80.0–90.0) | 110 (100–120) | – | 2.44 | 1.29 | – |"),
                md);
        assertEquals(rows.size() + 1, Files.readAllLines(out.resolve("benchmarks.csv")).size());
        assertTrue(Files.readString(out.resolve("benchmarks.csv")).contains("group,iris,1,64,ALL,3,110.0,"));
    }

    /** A client's answer with CPU times after a throughput fills them in; the report shows them per system. */
    @Test
    void theCpuPerRequestOfClientAndMembersIsReadAndShown(@TempDir Path out) throws Exception {
        Row netty = Row.of("group", "netty", 1, 64, "ALL", 0, "40 80 120 300 2 0.70 0.85");
        Row iris = Row.of("group", "iris-async", 1, 64, "ALL", 0, "44 88 130 240 2 1.60 0.90");
        Row latencyOnly = Row.of("group", "iris", 1, 64, "ALL", 0, "120 240 360 NaN 5");
        assertEquals(1.60, iris.clientCpu(), 1e-9);
        assertEquals(0.90, iris.membersCpu(), 1e-9);
        assertTrue(Double.isNaN(latencyOnly.clientCpu()));

        Report.write(out, List.of(netty, iris, latencyOnly), List.of(), true, 1, 1);

        String md = Files.readString(out.resolve("benchmarks.md"));
        assertTrue(md.contains("| Members | Payload | Replies | netty | iris-async |"), md);
        assertTrue(md.contains("| 1 | 64 B | ALL | 0.70 / 0.85 | 1.60 / 0.90 |"), md);
        assertTrue(Files.readString(out.resolve("benchmarks.csv")).contains("group,iris-async,1,64,ALL,1,44.0,88.0,130.0,"
                + "240.0,2.0,1.60,0.90"));
    }

    /** With {@code iris-async} measured, its own table shows it and the throughput goals are computed from it. */
    @Test
    void asynchronousSendsHaveTheirThroughputTableAndMakeTheThroughputGoal(@TempDir Path out) throws Exception {
        List<Row> rows = List.of(row("netty", 0, 40, 300), row("iris", 0, 120, 60), row("iris-async", 0, 120, 180),
                row("jgroups", 0, 200, 90));

        Report.write(out, rows, List.of(), true, 1, 1);

        String md = Files.readString(out.resolve("benchmarks.md"));
        // latency p50 of raw Netty and Iris async and their ratio, then the throughputs and theirs
        assertTrue(md.contains("| 1 | 64 B | ALL | 40.0 | 120 | 3.00 | 300 | 180 | 90 | 0.60 | 2.00 |"), md);
        assertTrue(md.contains("| Send/Reply to one member, 64 B: median at most 2x raw Netty (Iris: asynchronous sends) "
                + "| Iris/peer 3.00 to 3.00;"), md);
        // peer/Iris: raw Netty 300 / 180 = 1.67, JGroups 90 / 180 = 0.50
        assertTrue(md.contains("| Throughput, 16 in flight, 64 B: at least 0.8x raw Netty (Iris: asynchronous sends) "
                + "| peer/Iris 1.67 to 1.67;"), md);
        assertTrue(md.contains("at least 3x JGroups (Iris: asynchronous sends) | peer/Iris 0.50 to 0.50;"), md);
    }

    /** With {@code iris-loop} measured, its own table shows it and its goals are reported beside the others. */
    @Test
    void processesOnTheEventLoopHaveTheirTableAndGoals(@TempDir Path out) throws Exception {
        List<Row> rows = List.of(row("netty", 0, 40, 300), row("iris", 0, 120, 60), row("iris-loop", 0, 44, 240),
                row("jgroups", 0, 200, 90));

        Report.write(out, rows, List.of(), true, 1, 1);

        String md = Files.readString(out.resolve("benchmarks.md"));
        // p50 and its ratios to raw Netty and JGroups, then requests/s and theirs
        assertTrue(md.contains("| 1 | 64 B | ALL | 44.0 | 1.10 | 0.22 | 240 | 0.80 | 2.67 |"), md);
        assertTrue(md.contains("| Send/Reply to one member, 64 B: median at most 2x raw Netty (Iris: processes on the "
                + "event loop) | Iris/peer 1.10 to 1.10; 1 of 1 configurations within | yes |"), md);
        // peer/Iris: raw Netty 300 / 240 = 1.25, within the bound
        assertTrue(md.contains("| Throughput, 16 in flight, 64 B: at least 0.8x raw Netty (Iris: processes on the "
                + "event loop) | peer/Iris 1.25 to 1.25; 1 of 1 configurations within | yes |"), md);
        // the blocking client's goal on the shared carriers is still there, not met
        assertTrue(md.contains("| Send/Reply to one member, 64 B: median at most 2x raw Netty | Iris/peer 3.00 to 3.00; "
                + "0 of 1 configurations within | no |"), md);
    }

    /** The heap's allocation against a plain {@code new}, with its goal, and its collection, from the microbenchmarks. */
    @Test
    void theHeapAllocationGoalComparesTheBatchesOfTheMicrobenchmark(@TempDir Path out) throws Exception {
        List<Micro.Result> micro = List.of(
                new Micro.Result("HeapAllocationBenchmark.heapAllocate", "nodes=1", 55.0, 10, "ms/op", 48),
                new Micro.Result("HeapAllocationBenchmark.heapAllocate", "nodes=2", 88.0, 10, "ms/op", 48),
                new Micro.Result("HeapAllocationBenchmark.plainNew", "nodes=1", 11.0, 2, "ms/op", 32),
                new Micro.Result("HeapAllocationBenchmark.plainNew", "nodes=2", 99.0, 2, "ms/op", 32),
                new Micro.Result("HeapCollectionBenchmark.collect", "collector=n1", 50.0, 9, "ms/op", 1e6),
                new Micro.Result("HeapCollectionBenchmark.collect", "collector=n2", 125.0, 30, "ms/op", 2e6));

        Report.write(out, List.of(row("netty", 0, 40, 300), row("iris", 0, 120, 60)), micro, true, 1, 1);

        String md = Files.readString(out.resolve("benchmarks.md"));
        assertTrue(md.contains("| Shared heap: an allocation from a local arena at most 2x a plain `new long[3]` | 5.0x "
                + "(55.0 against 11.0 ms a batch) | no |"), md);
        assertTrue(md.contains("| Shared heap: an allocation whose arenas' pages another node manages (no goal: the cost "
                + "of fetching arenas) | 8.0x (88.0 ms a batch) | – |"), md);
        assertTrue(md.contains("| Shared heap: a collection of 50,000 live and 50,000 garbage cells (no goal) | 50 ms from "
                + "the node owning every page (2,000,000 objects a second), 125 ms from the other node (800,000) | – |"), md);
    }
}
