package dev.iris.bench.cluster;

import dev.iris.bench.cluster.Harness.Row;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.function.DoubleFunction;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * Writes a run's results: {@code benchmarks.md} (tables with Iris/peer ratios, the goals, the
 * machine and versions), {@code benchmarks.csv} (one line per configuration and round) and
 * {@code benchmarks-latency.svg} (group-send median latency against members).
 */
final class Report {
    /** The group section's systems in the report's tables and plot. */
    private static final List<String> GROUP_SYSTEMS = List.of("netty", "netty-blocking", "iris", "jgroups");

    /** A configuration of the group section. */
    private record Config(int members, int payload, String mode) {
    }

    private final List<Row> rows;
    private final List<Micro.Result> micro;
    private final StringBuilder md = new StringBuilder();

    private Report(List<Row> rows, List<Micro.Result> micro) {
        this.rows = rows;
        this.micro = micro;
    }

    static void write(Path dir, List<Row> rows, List<Micro.Result> micro, boolean smoke, int rounds, long seconds)
            throws IOException {
        Files.createDirectories(dir);
        Report report = new Report(rows, micro);
        Files.writeString(dir.resolve("benchmarks.md"), report.markdown(smoke, rounds, seconds));
        Files.writeString(dir.resolve("benchmarks.csv"), csv(rows));
        Files.writeString(dir.resolve("benchmarks-latency.svg"), report.plot());
    }

    static String csv(List<Row> rows) {
        StringBuilder out = new StringBuilder(
                "section,system,members,payload_or_slots,mode,round,p50_us,p99_us,p999_us,ops_per_s,wakeups_per_op,"
                        + "client_cpu_us_per_op,members_cpu_us_per_op\n");
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%s,%d,%s,%s,%s,%s,%s,%s,%s%n", r.section(), r.system(),
                    r.members(), r.payload(), r.mode(), r.round() + 1, num(r.p50()), num(r.p99()), num(r.p999()),
                    num(r.opsPerSecond()), num(r.wakeups()), cpu(r.clientCpu()), cpu(r.membersCpu())));
        }
        return out.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String cpu(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String us(double v) {
        return Double.isNaN(v) ? "–" : v >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String ops(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "–" : String.format(Locale.ROOT, "%.2f", a / b);
    }

    private static String ratio(double r) {
        return Double.isNaN(r) ? "–" : String.format(Locale.ROOT, "%.2f", r);
    }

    /** The median of {@code f} over {@code rounds}, NaN for none. */
    static double median(List<Row> rounds, ToDoubleFunction<Row> f) {
        double[] v = rounds.stream().mapToDouble(f).filter(x -> !Double.isNaN(x)).toArray();
        return v.length == 0 ? Double.NaN : Measure.median(v);
    }

    /** The median of {@code f} over {@code rounds} and its range, {@code 83.5 (79.1–90.2)}; the value alone for one round. */
    static String spread(List<Row> rounds, ToDoubleFunction<Row> f, DoubleFunction<String> format) {
        double[] v = rounds.stream().mapToDouble(f).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (v.length == 0) {
            return "–";
        }
        String median = format.apply(Measure.median(v));
        return v.length == 1 ? median
                : median + " (" + format.apply(v[0]) + "–" + format.apply(v[v.length - 1]) + ")";
    }

    /**
     * The median over the rounds of {@code a}'s {@code f} over {@code b}'s in the same round, where the
     * two were measured minutes apart at most; NaN where they share no round.
     */
    static double ratio(List<Row> a, List<Row> b, ToDoubleFunction<Row> f) {
        double[] ratios = a.stream().flatMapToDouble(x -> b.stream().filter(y -> y.round() == x.round())
                .mapToDouble(y -> f.applyAsDouble(x) / f.applyAsDouble(y))).filter(Double::isFinite).toArray();
        return ratios.length == 0 ? Double.NaN : Measure.median(ratios);
    }

    private List<Row> find(Predicate<Row> p) {
        return rows.stream().filter(p).toList();
    }

    /** The rounds of one group configuration of {@code system}. */
    /** A row of a table comparing Iris with both floors and JGroups in {@code metric}: the systems' values, then Iris's ratios. */
    private void comparison(Config c, ToDoubleFunction<Row> metric, DoubleFunction<String> format) {
        List<Row> iris = group("iris", c);
        List<String> cells = new ArrayList<>();
        for (String system : List.of("netty", "netty-blocking", "iris", "jgroups")) {
            cells.add(spread(group(system, c), metric, format));
        }
        for (String peer : List.of("netty", "netty-blocking", "jgroups")) {
            cells.add(ratio(ratio(iris, group(peer, c), metric)));
        }
        line("| %d | %d B | %s | %s |", c.members(), c.payload(), c.mode(), String.join(" | ", cells));
    }

    private List<Row> group(String system, Config c) {
        return find(r -> r.section().equals("group") && r.system().equals(system) && r.members() == c.members()
                && r.payload() == c.payload() && r.mode().equals(c.mode()));
    }

    private List<Row> group(String system, int n, int payload, String mode) {
        return group(system, new Config(n, payload, mode));
    }

    private Optional<Row> array(String system, int m, int slots, String mode) {
        return find(r -> r.section().equals("array") && r.system().equals(system) && r.members() == m
                && r.payload() == slots && r.mode().equals(mode)).stream().findFirst();
    }

    private double microMedian(String benchmark) {
        return microMedian(benchmark, null);
    }

    /** The median of {@code benchmark} with {@code params} (as {@link Micro.Result#params}), or of its first run if null. */
    private double microMedian(String benchmark, String params) {
        return micro.stream().filter(r -> r.benchmark().equals(benchmark) && (params == null || r.params().equals(params)))
                .mapToDouble(Micro.Result::median).findFirst().orElse(Double.NaN);
    }

    private void line(String format, Object... args) {
        md.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    private String markdown(boolean smoke, int rounds, long seconds) {
        Properties v = versions();
        line("# Benchmarks");
        line("");
        line("Generated by `bench/run`%s on %s in %d s. Do not edit: run it again. How to read it, what was",
                smoke ? " --smoke (**smoke mode: tiny counts, not numbers to quote**)" : "", LocalDate.now(), seconds);
        line("profiled and what changed: [bench/README.md](../bench/README.md). Raw numbers: [benchmarks.csv](benchmarks.csv).");
        line("");
        line("## Machine and versions");
        line("");
        line("| | |");
        line("|---|---|");
        line("| CPU | %s, %d cores |", cpu(), Runtime.getRuntime().availableProcessors());
        line("| Memory | %d GiB |", memoryGiB());
        line("| OS | %s %s (%s) |", System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"));
        line("| Java | %s %s |", System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"));
        line("| Iris | %s (%s) |", v.getProperty("iris"), commit());
        line("| Peers | Netty %s, JGroups %s, Hazelcast %s |", v.getProperty("netty"), v.getProperty("jgroups"),
                v.getProperty("hazelcast"));
        line("| Tools | JMH %s, HdrHistogram %s |", v.getProperty("jmh"), v.getProperty("hdrhistogram"));
        line("");
        line("Every member and the client are JVMs of their own (`-Xms256m -Xmx512m`) on loopback TCP; one measurement");
        line("runs at a time. Latency: one request in flight, each timed into an HdrHistogram after a warm-up. Throughput:");
        line("a closed loop with several requests in flight. Group sends and page faults are measured in %d round%s, the", rounds,
                rounds == 1 ? "" : "s");
        line("systems taking turns configuration by configuration; a cell is the median of the rounds and, in");
        line("parentheses, the lowest and highest round; a ratio is the median of the rounds' ratios.");
        line("");
        goals();
        microTable();
        groupTables();
        faultTable();
        arrayTable();
        return md.toString();
    }

    private void goals() {
        line("## Goals");
        line("");
        line("| Goal | Result | Met |");
        line("|---|---|---|");
        // the goals of the runtime-core work: group sends of 64 B to 4 members, one member for Send/Reply
        List<Double> toNetty = new ArrayList<>();
        List<Double> toJGroups = new ArrayList<>();
        List<Double> unicastToNetty = new ArrayList<>();
        List<Double> asyncToNetty = new ArrayList<>();
        List<Double> asyncUnicastToNetty = new ArrayList<>();
        List<Double> throughputToNetty = new ArrayList<>();
        List<Double> throughputToJGroups = new ArrayList<>();
        // throughput with requests in flight: from one process's asynchronous sends where measured
        boolean async = !find(r -> r.section().equals("group") && r.system().equals("iris-async")).isEmpty();
        for (Config c : groupConfigs()) {
            List<Row> i = group("iris", c);
            List<Row> inFlight = async ? group("iris-async", c) : i;
            List<Row> n = group("netty", c);
            List<Row> j = group("jgroups", c);
            if (c.payload() != 64 || i.isEmpty()) {
                continue;
            }
            if (c.members() == 4 && c.mode().equals("ALL")) {
                add(toNetty, ratio(i, n, Row::p50));
                add(toJGroups, ratio(i, j, Row::p50));
                add(asyncToNetty, async ? ratio(inFlight, n, Row::p50) : Double.NaN);
            }
            if (c.members() == 1 && c.mode().equals("ALL")) {
                add(unicastToNetty, ratio(i, n, Row::p50));
                add(asyncUnicastToNetty, async ? ratio(inFlight, n, Row::p50) : Double.NaN);
            }
            add(throughputToNetty, ratio(n, inFlight, Row::opsPerSecond));
            add(throughputToJGroups, ratio(j, inFlight, Row::opsPerSecond));
        }
        goal("Group send, 4 members, all replies, 64 B: median at most 1.5x raw Netty", toNetty, 1.5);
        goal("Group send, 4 members, all replies, 64 B: median at most half of JGroups", toJGroups, 0.5);
        goal("Send/Reply to one member, 64 B: median at most 2x raw Netty", unicastToNetty, 2);
        if (async) {
            goal("Group send, 4 members, all replies, 64 B: median at most 1.5x raw Netty (Iris: asynchronous sends)",
                    asyncToNetty, 1.5);
            goal("Send/Reply to one member, 64 B: median at most 2x raw Netty (Iris: asynchronous sends)",
                    asyncUnicastToNetty, 2);
        }
        String how = async ? " (Iris: asynchronous sends)" : "";
        goal("Throughput, 16 in flight, 64 B: at least 0.8x raw Netty" + how, throughputToNetty, 1.25, "peer/Iris");
        goal("Throughput, 16 in flight, 64 B: at least 3x JGroups" + how, throughputToJGroups, 1.0 / 3, "peer/Iris");
        readFaultGoal("iris", "");
        if (!find(r -> r.system().equals("iris-loop")).isEmpty()) {
            loopGoals();
            readFaultGoal("iris-loop", LOOP);
        }
        List<Double> toNear = new ArrayList<>();
        rows.stream().filter(r -> r.section().equals("array") && r.system().equals("iris") && r.mode().equals("95/5")
                && r.members() == 4).forEach(r -> array("hazelcast-near", r.members(), r.payload(), "95/5")
                        .ifPresent(h -> toNear.add(h.opsPerSecond() / r.opsPerSecond())));
        goal("Shared array read-mostly, 4 members: at least 2x Hazelcast with a near cache", toNear, 0.5, "peer/Iris");
        micro.stream().filter(r -> r.benchmark().equals("RoundTripBenchmark.sendReply")
                && r.params().contains("EVENT_LOOP") && !Double.isNaN(r.allocated())).findFirst()
                .ifPresent(r -> line("| At most 1 KiB allocated per 64-byte round trip | %.0f bytes (both nodes) | %s |",
                        r.allocated(), r.allocated() <= 1024 ? "yes" : "no"));
        double read = microMedian("MemoryAccessBenchmark.sharedRead");
        double plain = microMedian("MemoryAccessBenchmark.plainVolatileRead");
        if (!Double.isNaN(read)) {
            line("| Read fast path within a few nanoseconds of a plain read | %.1f ns against %.1f ns (+%.1f ns) | %s |",
                    read, plain, read - plain, read - plain <= 5 ? "yes" : "no");
        }
        collectionLine();
        double allocate = microMedian("HeapAllocationBenchmark.heapAllocate", "nodes=1");
        double fetched = microMedian("HeapAllocationBenchmark.heapAllocate", "nodes=2");
        double plainNew = microMedian("HeapAllocationBenchmark.plainNew", "nodes=1");
        if (!Double.isNaN(allocate) && !Double.isNaN(plainNew)) {
            line("| Shared heap: an allocation from a local arena at most 2x a plain `new long[3]` | %.1fx (%.1f against "
                    + "%.1f ms a batch) | %s |", allocate / plainNew, allocate, plainNew, allocate <= 2 * plainNew ? "yes" : "no");
        }
        if (!Double.isNaN(fetched) && !Double.isNaN(plainNew)) {
            line("| Shared heap: an allocation whose arenas' pages another node manages (no goal: the cost of fetching "
                    + "arenas) | %.1fx (%.1f ms a batch) | – |", fetched / plainNew, fetched);
        }
        line("");
    }

    private static final String LOOP = " (Iris: processes on the event loop)";

    /** The heap's collection (no goal: the issue asks for its throughput and pause), from the microbenchmarks. */
    private void collectionLine() {
        double[] millis = new double[2];
        for (int i = 0; i < 2; i++) {
            String collector = "collector=n" + (i + 1);
            millis[i] = micro.stream().filter(r -> r.benchmark().equals("HeapCollectionBenchmark.collect")
                    && r.params().equals(collector)).mapToDouble(Micro.Result::median).findFirst().orElse(Double.NaN);
        }
        if (!Double.isNaN(millis[0]) && !Double.isNaN(millis[1])) {
            // each collection visits 50,000 live cells and frees 50,000 garbage ones
            line("| Shared heap: a collection of 50,000 live and 50,000 garbage cells (no goal) | %.0f ms from the node "
                    + "owning every page (%,.0f objects a second), %.0f ms from the other node (%,.0f) | – |",
                    millis[0], 100_000 / millis[0] * 1000, millis[1], 100_000 / millis[1] * 1000);
        }
    }

    /** The blocking client's goals again, its processes on the event loop ({@code iris-loop}). */
    private void loopGoals() {
        List<Double> toNetty = new ArrayList<>();
        List<Double> toJGroups = new ArrayList<>();
        List<Double> unicastToNetty = new ArrayList<>();
        List<Double> throughputToNetty = new ArrayList<>();
        List<Double> throughputToJGroups = new ArrayList<>();
        for (Config c : groupConfigs()) {
            List<Row> l = group("iris-loop", c);
            if (c.payload() == 64 && !l.isEmpty()) {
                if (c.mode().equals("ALL") && c.members() == 4) {
                    add(toNetty, ratio(l, group("netty", c), Row::p50));
                    add(toJGroups, ratio(l, group("jgroups", c), Row::p50));
                }
                if (c.mode().equals("ALL") && c.members() == 1) {
                    add(unicastToNetty, ratio(l, group("netty", c), Row::p50));
                }
                add(throughputToNetty, ratio(group("netty", c), l, Row::opsPerSecond));
                add(throughputToJGroups, ratio(group("jgroups", c), l, Row::opsPerSecond));
            }
        }
        goal("Group send, 4 members, all replies, 64 B: median at most 1.5x raw Netty" + LOOP, toNetty, 1.5);
        goal("Group send, 4 members, all replies, 64 B: median at most half of JGroups" + LOOP, toJGroups, 0.5);
        goal("Send/Reply to one member, 64 B: median at most 2x raw Netty" + LOOP, unicastToNetty, 2);
        goal("Throughput, 16 in flight, 64 B: at least 0.8x raw Netty" + LOOP, throughputToNetty, 1.25, "peer/Iris");
        goal("Throughput, 16 in flight, 64 B: at least 3x JGroups" + LOOP, throughputToJGroups, 1.0 / 3, "peer/Iris");
    }

    private void readFaultGoal(String system, String how) {
        List<Row> readFaults = find(r -> r.section().equals("fault") && r.system().equals(system)
                && r.mode().startsWith("read"));
        if (!readFaults.isEmpty()) {
            List<Double> toFloor = new ArrayList<>();
            add(toFloor, ratio(readFaults, find(r -> r.section().equals("fault") && r.system().equals("netty")), Row::p50));
            goal("Remote 4 KiB read fault: median at most 1.5x raw Netty's 4 KiB request/response" + how, toFloor, 1.5);
        }
    }

    private static void add(List<Double> ratios, double ratio) {
        if (!Double.isNaN(ratio)) {
            ratios.add(ratio);
        }
    }

    private void goal(String name, List<Double> ratios, double bound) {
        goal(name, ratios, bound, "Iris/peer");
    }

    /** A goal met where every ratio ({@code label}) is at most {@code bound}. */
    private void goal(String name, List<Double> ratios, double bound, String label) {
        if (ratios.isEmpty()) {
            return;
        }
        long met = ratios.stream().filter(x -> x <= bound).count();
        line("| %s | %s %s to %s; %d of %d configurations within | %s |", name, label,
                ratioText(ratios.stream().mapToDouble(Double::doubleValue).min().orElseThrow()),
                ratioText(ratios.stream().mapToDouble(Double::doubleValue).max().orElseThrow()), met, ratios.size(),
                met == ratios.size() ? "yes" : met == 0 ? "no" : "partly");
    }

    private static String ratioText(double r) {
        return String.format(Locale.ROOT, "%.2f", r);
    }

    private void microTable() {
        if (micro.isEmpty()) {
            return;
        }
        line("## Microbenchmarks (JMH)");
        line("");
        line("Median of all measurement iterations over the forks; the error is JMH's 99.9 %% interval.");
        line("");
        line("| Benchmark | Parameters | Median | Error | Unit | Allocated |");
        line("|---|---|---:|---:|---|---:|");
        for (Micro.Result r : micro) {
            line("| `%s` | %s | %.2f | %.2f | %s | %s |", r.benchmark(), r.params(), r.median(), r.error(), r.unit(),
                    Double.isNaN(r.allocated()) ? "–" : String.format(Locale.ROOT, "%.0f B/op", r.allocated()));
        }
        line("");
    }

    /** The group section's configurations in the order they were measured. */
    private List<Config> groupConfigs() {
        return rows.stream().filter(r -> r.section().equals("group"))
                .map(r -> new Config(r.members(), r.payload(), r.mode())).distinct().toList();
    }

    private void groupTables() {
        List<Config> configs = groupConfigs();
        if (configs.isEmpty()) {
            return;
        }
        line("## Group request/response");
        line("");
        line("The client sends each request to every member and waits for all replies (ALL: Iris `sendGroup` with");
        line("`ReplyMode.ALL`, JGroups `castMessage` with `GET_ALL`) or for the first (FIRST, `GET_FIRST`); members");
        line("answer with the payload. Two floors without a protocol, length-prefixed frames on Netty: raw Netty, replies");
        line("answered and counted on the event loops; Netty blocking, the client's thread blocks on a future and the");
        line("member answers from a worker thread, the thread hand-offs of a blocking call and nothing else.");
        line("");
        line("![median latency against members](benchmarks-latency.svg)");
        line("");
        line("### Latency, p50 (µs)");
        line("");
        line("| Members | Payload | Replies | Raw Netty | Netty blocking | Iris | JGroups | Iris/Netty | Iris/Netty blocking | Iris/JGroups |");
        line("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Config c : configs) {
            comparison(c, Row::p50, Report::us);
        }
        line("");
        line("### Latency, p99 / p99.9 (µs)");
        line("");
        line("| Members | Payload | Replies | Raw Netty | Netty blocking | Iris | JGroups |");
        line("|---:|---:|---|---:|---:|---:|---:|");
        for (Config c : configs) {
            line("| %d | %d B | %s | %s | %s | %s | %s |", c.members(), c.payload(), c.mode(), tail(group("netty", c)),
                    tail(group("netty-blocking", c)), tail(group("iris", c)), tail(group("jgroups", c)));
        }
        line("");
        line("### Throughput (requests/s, closed loop)");
        line("");
        line("| Members | Payload | Replies | Raw Netty | Netty blocking | Iris | JGroups | Iris/Netty | Iris/Netty blocking | Iris/JGroups |");
        line("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Config c : configs) {
            comparison(c, Row::opsPerSecond, Report::ops);
        }
        line("");
        if (!find(r -> r.section().equals("group") && r.system().equals("iris-async")).isEmpty()) {
            line("Iris above blocks in `sendGroup`: one client process for the latency, 16 for the throughput. Here the");
            line("client sends from one process with `sendGroupAsync`, each completion issuing the next send from the");
            line("event loop that read its last reply, as the raw Netty client does: one request in flight for the");
            line("latency (p50, µs), 16 for the throughput (requests/s):");
            line("");
            line("| Members | Payload | Replies | Raw Netty p50 | Iris async p50 | Iris async/Netty | Raw Netty | Iris async | JGroups | Iris async/Netty | Iris async/JGroups |");
            line("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (Config c : configs) {
                List<Row> async = group("iris-async", c);
                List<Row> netty = group("netty", c);
                line("| %d | %d B | %s | %s | %s | %s | %s | %s | %s | %s | %s |", c.members(), c.payload(), c.mode(),
                        spread(netty, Row::p50, Report::us), spread(async, Row::p50, Report::us),
                        ratio(ratio(async, netty, Row::p50)),
                        spread(netty, Row::opsPerSecond, Report::ops), spread(async, Row::opsPerSecond,
                                Report::ops), spread(group("jgroups", c), Row::opsPerSecond, Report::ops),
                        ratio(ratio(async, netty, Row::opsPerSecond)),
                        ratio(ratio(async, group("jgroups", c), Row::opsPerSecond)));
            }
            line("");
        }
        if (!find(r -> r.section().equals("group") && r.system().equals("iris-loop")).isEmpty()) {
            line("Iris with the client's processes on its event loop (`NodeConfig.withProcessesOnEventLoop`), blocking in");
            line("`sendGroup` as above: the reply resumes the client process on the loop that read it.");
            line("");
            line("| Members | Payload | Replies | Iris on the loop p50 | /Netty | /JGroups | requests/s | /Netty | /JGroups | Threads woken |");
            line("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|");
            for (Config c : configs) {
                List<Row> loop = group("iris-loop", c);
                line("| %d | %d B | %s | %s | %s | %s | %s | %s | %s | %s |", c.members(), c.payload(), c.mode(),
                        spread(loop, Row::p50, Report::us), ratio(ratio(loop, group("netty", c), Row::p50)),
                        ratio(ratio(loop, group("jgroups", c), Row::p50)), spread(loop, Row::opsPerSecond, Report::ops),
                        ratio(ratio(loop, group("netty", c), Row::opsPerSecond)),
                        ratio(ratio(loop, group("jgroups", c), Row::opsPerSecond)), wakeups(loop));
            }
            line("");
        }
        line("### Threads woken per request");
        line("");
        line("Voluntary context switches of every JVM of the system (its client's and its members') per request, while");
        line("the latency is measured with one request in flight: each is a thread that blocked and was woken again.");
        line("");
        line("| Members | Payload | Replies | Raw Netty | Netty blocking | Iris | JGroups |");
        line("|---:|---:|---|---:|---:|---:|---:|");
        for (Config c : configs) {
            line("| %d | %d B | %s | %s | %s | %s | %s |", c.members(), c.payload(), c.mode(), wakeups(group("netty", c)),
                    wakeups(group("netty-blocking", c)), wakeups(group("iris", c)), wakeups(group("jgroups", c)));
        }
        line("");
        cpuTable(configs);
    }

    /** The CPU per request while the throughput is measured, for the systems that ran. */
    private void cpuTable(List<Config> configs) {
        List<String> systems = Stream.of("netty", "netty-blocking", "iris", "iris-async", "iris-loop", "jgroups")
                .filter(s -> !find(r -> r.section().equals("group") && r.system().equals(s)
                        && !Double.isNaN(r.clientCpu())).isEmpty())
                .toList();
        if (systems.isEmpty()) {
            return;
        }
        line("### CPU per request in the throughput");
        line("");
        line("User and system time of the client's JVM / of the member JVMs together, in µs per request, over the");
        line("throughput window (`/proc/<pid>/stat`). The client and the members take turns (bench/README.md, \"Lock");
        line("step\"), so the throughput is about one over the sum of the two, on two cores.");
        line("");
        line("| Members | Payload | Replies | " + String.join(" | ", systems) + " |");
        line("|---:|---:|---|" + "---:|".repeat(systems.size()));
        for (Config c : configs) {
            StringBuilder cells = new StringBuilder();
            for (String s : systems) {
                List<Row> rounds = group(s, c);
                double client = median(rounds, Row::clientCpu);
                double members = median(rounds, Row::membersCpu);
                cells.append(" | ").append(Double.isNaN(client) ? "–"
                        : String.format(Locale.ROOT, "%.2f / %.2f", client, members));
            }
            line("| %d | %d B | %s%s |", c.members(), c.payload(), c.mode(), cells);
        }
        line("");
    }

    private static String wakeups(List<Row> rounds) {
        double w = median(rounds, Row::wakeups);
        return Double.isNaN(w) ? "–" : String.format(Locale.ROOT, "%.1f", w);
    }

    private static String tail(List<Row> rounds) {
        return rounds.isEmpty() ? "–" : us(median(rounds, Row::p99)) + " / " + us(median(rounds, Row::p999));
    }

    private void faultTable() {
        List<Row> faults = find(r -> r.section().equals("fault"));
        if (faults.isEmpty()) {
            return;
        }
        List<Row> floor = faults.stream().filter(r -> r.system().equals("netty")).toList();
        line("## Page faults (4 KiB pages, two nodes)");
        line("");
        line("Node a (a client JVM) faults on pages that node b (a member JVM) owns and manages; b takes every page");
        line("back between passes, so each timed access is a fault. Raw Netty's 16-byte request answered by 4 KiB is the floor.");
        line("");
        line("| System | Operation | p50 µs | p99 µs | p99.9 µs | Threads woken | p50 / raw Netty |");
        line("|---|---|---:|---:|---:|---:|---:|");
        faults.stream().map(r -> List.of(r.system(), r.mode())).distinct().forEach(key -> {
            List<Row> rounds = faults.stream().filter(r -> r.system().equals(key.get(0)) && r.mode().equals(key.get(1)))
                    .toList();
            line("| %s | %s | %s | %s | %s | %s | %s |", key.get(0), key.get(1), spread(rounds, Row::p50, Report::us),
                    us(median(rounds, Row::p99)), us(median(rounds, Row::p999)), wakeups(rounds),
                    ratio(ratio(rounds, floor, Row::p50)));
        });
        line("");
    }

    private void arrayTable() {
        List<Row> iris = rows.stream().filter(r -> r.section().equals("array") && r.system().equals("iris")).toList();
        if (iris.isEmpty()) {
            return;
        }
        line("## Shared array (operations/s)");
        line("");
        line("Every member JVM runs threads that read or write whole random 4 KiB slots: Iris's sequentially consistent");
        line("pages (one slot a page), Hazelcast's `IMap<Integer, byte[]>` without and with a near cache. No backups on");
        line("either side. Hazelcast's near cache is eventually consistent; Iris's pages are sequentially consistent.");
        line("");
        boolean oneLoop = rows.stream().anyMatch(r -> r.section().equals("array") && r.system().equals("iris-1loop"));
        line("| Members | Slots | Reads/writes | Iris | Hazelcast | Hazelcast + near cache | Iris/Hazelcast | Iris/near cache |"
                + (oneLoop ? " Iris, 1 event loop | 1 event loop/near cache |" : ""));
        line("|---:|---:|---|---:|---:|---:|---:|---:|" + (oneLoop ? "---:|---:|" : ""));
        for (Row r : iris) {
            double hz = array("hazelcast", r.members(), r.payload(), r.mode()).map(Row::opsPerSecond).orElse(Double.NaN);
            double near = array("hazelcast-near", r.members(), r.payload(), r.mode()).map(Row::opsPerSecond)
                    .orElse(Double.NaN);
            double one = array("iris-1loop", r.members(), r.payload(), r.mode()).map(Row::opsPerSecond)
                    .orElse(Double.NaN);
            line("| %d | %d | %s | %s | %s | %s | %s | %s |%s", r.members(), r.payload(), r.mode(), ops(r.opsPerSecond()),
                    ops(hz), ops(near), ratio(r.opsPerSecond(), hz), ratio(r.opsPerSecond(), near),
                    oneLoop ? " " + ops(one) + " | " + ratio(one, near) + " |" : "");
        }
        line("");
    }

    /** Median latency of ALL group sends of the smallest payload against members, one line per system. */
    private String plot() {
        int payload = rows.stream().filter(r -> r.section().equals("group")).mapToInt(Row::payload).min().orElse(64);
        List<Integer> members = rows.stream().filter(r -> r.section().equals("group")).map(Row::members).distinct()
                .sorted().toList();
        double max = GROUP_SYSTEMS.stream().flatMap(s -> members.stream().map(n -> group(s, n, payload, "ALL")))
                .mapToDouble(r -> median(r, Row::p50)).filter(x -> !Double.isNaN(x)).max().orElse(1);
        int w = 640;
        int h = 360;
        int left = 70;
        int bottom = 50;
        int top = 40;
        int right = 130;
        double plotW = w - left - right;
        double plotH = h - top - bottom;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", w, h));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\">Group send, all replies, %d B: "
                + "median latency (µs) against members</text>%n", left, payload));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", left,
                h - bottom, w - right, h - bottom));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", left,
                top, left, h - bottom));
        for (int t = 0; t <= 4; t++) {
            double value = max * t / 4;
            double y = h - bottom - plotH * t / 4;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>%n"
                    + "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", left - 6, y + 4, value, left,
                    y, w - right, y));
        }
        for (int k = 0; k < members.size(); k++) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n",
                    x(k, members.size(), left, plotW), h - bottom + 18, members.get(k)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">members</text>%n",
                left + plotW / 2, h - 10));
        String[] colours = {"#888888", "#2ca02c", "#1f77b4", "#d62728"};
        for (int s = 0; s < GROUP_SYSTEMS.size(); s++) {
            String system = GROUP_SYSTEMS.get(s);
            StringBuilder points = new StringBuilder();
            for (int k = 0; k < members.size(); k++) {
                double p50 = median(group(system, members.get(k), payload, "ALL"), Row::p50);
                if (!Double.isNaN(p50)) {
                    double y = h - bottom - plotH * p50 / max;
                    double xk = x(k, members.size(), left, plotW);
                    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", xk, y));
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", xk,
                            y, colours[s]));
                }
            }
            svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    points.toString().trim(), colours[s]));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", w - right + 12,
                    top + 20 + 18 * s, colours[s], switch (system) {
                        case "netty" -> "raw Netty";
                        case "netty-blocking" -> "Netty blocking";
                        case "iris" -> "Iris";
                        default -> "JGroups";
                    }));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static double x(int k, int n, int left, double plotW) {
        return n == 1 ? left + plotW / 2 : left + 20 + (plotW - 40) * k / (n - 1);
    }

    private static Properties versions() {
        Properties p = new Properties();
        try (InputStream in = Report.class.getResourceAsStream("versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // the report says "null"
        }
        return p;
    }

    private static String cpu() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8).stream()
                    .filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse(System.getProperty("os.arch"));
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
    }

    private static long memoryGiB() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.round(os.getTotalMemorySize() / (double) (1L << 30));
        }
        return -1;
    }

    private static String commit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.waitFor() == 0 ? "commit " + out : "no git";
        } catch (IOException | InterruptedException e) {
            return "no git";
        }
    }
}
