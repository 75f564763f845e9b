package dev.iris.bench.cluster;

import dev.iris.runtime.Node;
import dev.iris.runtime.ReplyMode;
import dev.iris.runtime.security.ClusterAuthority;
import dev.iris.runtime.launch.ListenPorts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Runs Iris side by side with raw Netty, JGroups and Hazelcast in one run on this machine and
 * writes the report ({@code benchmarks.md}, {@code benchmarks.csv}, {@code benchmarks-latency.svg}).
 *
 * <pre>
 * Harness [--smoke] [--out DIR] [--only SECTION[,SECTION]] [--members N[,N]] [--systems S[,S]]
 * Harness soak [--seconds N]       (see {@link Soak})
 *   sections: micro (JMH), group (group request/response), fault (page faults), array (shared array)
 *   -Dbench.memberOptions="..." adds JVM options to every member (a profiler, say)
 *   --systems iris-tls measures Iris's group sends over mutual TLS too, iris-thread with the members' handlers
 *   on their processes' threads, iris-1loop with one event loop per node,
 *   iris-async with its throughput from one process keeping the requests in flight (none in the default run)
 * </pre>
 *
 * Every member is a JVM of its own on loopback TCP ({@link Child}); the client runs in this JVM.
 * One system runs at a time, so they never compete for the two cores.
 */
public final class Harness {
    /** What one run covers; {@link #SMOKE} is tiny, for CI. */
    record Plan(Measure.Durations durations, List<Integer> members, List<Integer> payloads, int inFlight,
            int faultPages, List<int[]> arrays, int arrayThreads, boolean smoke) {
        static final Plan FULL = new Plan(Measure.Durations.FULL, List.of(1, 2, 4, 8), List.of(64, 1024), 16, 2048,
                List.of(new int[] {2, 1024}, new int[] {4, 1024}, new int[] {4, 64}, new int[] {4, 4096}), 2, false);
        static final Plan SMOKE = new Plan(Measure.Durations.SMOKE, List.of(1, 2), List.of(64), 4, 64,
                List.of(new int[] {2, 64}), 1, true);
    }

    /** One measured configuration; latencies in µs, throughput in operations per second (NaN: not measured). */
    record Row(String section, String system, int members, int payload, String mode, double p50, double p99,
            double p999, double opsPerSecond, double wakeups) {
        static Row of(String section, String system, int members, int payload, String mode, Histogram h,
                double opsPerSecond, double wakeups) {
            return new Row(section, system, members, payload, mode, micros(h, 50), micros(h, 99), micros(h, 99.9),
                    opsPerSecond, wakeups);
        }

        private static double micros(Histogram h, double percentile) {
            return h.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    static final List<String> SYSTEMS = List.of("netty", "iris", "jgroups", "hazelcast");

    private final Plan plan;
    private final List<Row> rows = new ArrayList<>();
    private final List<Child> children = new ArrayList<>();
    private List<String> systems = SYSTEMS;
    /** Threads woken in this JVM and the members' while a latency is measured. */
    private final Wakeups wakeups = new Wakeups(this::pids);

    Harness(Plan plan) {
        this.plan = plan;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("soak")) {
            Soak.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        boolean smoke = false;
        Path out = Path.of("doc");
        List<String> only = List.of("micro", "group", "fault", "array");
        List<Integer> members = null;
        List<String> systems = SYSTEMS;
        List<int[]> arrays = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> smoke = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--only" -> only = List.of(args[++i].split(","));
                case "--systems" -> systems = List.of(args[++i].split(","));
                case "--arrays" -> arrays = java.util.Arrays.stream(args[++i].split(","))
                        .map(a -> new int[] {Integer.parseInt(a.split("x")[0]), Integer.parseInt(a.split("x")[1])}).toList();
                case "--members" -> members = java.util.Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
                default -> {
                    System.err.println("usage: Harness [--smoke] [--out DIR] [--only micro,group,fault,array] "
                            + "[--members 1,2,4,8] [--arrays 2x1024,4x64] [--systems netty,iris,iris-thread,iris-1loop,iris-async,iris-tls,jgroups,hazelcast]");
                    System.exit(2);
                }
            }
        }
        Plan plan = smoke ? Plan.SMOKE : Plan.FULL;
        plan = new Plan(plan.durations(), members == null ? plan.members() : members, plan.payloads(), plan.inFlight(),
                plan.faultPages(), arrays == null ? plan.arrays() : arrays, plan.arrayThreads(), smoke);
        run(plan, out, only, systems);
        System.exit(0);
    }

    /** What a run measured. */
    record Results(List<Row> rows, List<Micro.Result> micro) {
    }

    /** Runs the {@code sections} of the full or the smoke plan and writes the report into {@code out}. */
    static Results run(Plan plan, Path out, List<String> sections) throws Exception {
        return run(plan, out, sections, SYSTEMS);
    }

    /** As {@link #run(Plan, Path, List)}, only for {@code systems}. */
    static Results run(Plan plan, Path out, List<String> sections, List<String> systems) throws Exception {
        quietLogging();
        long start = System.nanoTime();
        Harness harness = new Harness(plan);
        harness.systems = systems;
        List<Micro.Result> micro = sections.contains("micro") ? Micro.run(plan.smoke()) : List.of();
        if (sections.contains("group")) {
            harness.groupSends();
        }
        if (sections.contains("fault")) {
            harness.pageFaults();
        }
        if (sections.contains("array")) {
            harness.sharedArray();
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        Report.write(out, harness.rows, micro, plan.smoke(), seconds);
        log("report written to %s in %d s", out.resolve("benchmarks.md"), seconds);
        return new Results(harness.rows, micro);
    }

    /** Warnings and errors only: the libraries' INFO lines would drown the results. */
    static void quietLogging() {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(java.util.logging.Level.WARNING);
        for (var handler : root.getHandlers()) {
            handler.setLevel(java.util.logging.Level.WARNING);
        }
    }

    private static void log(String format, Object... args) {
        System.out.println("[bench] " + String.format(Locale.ROOT, format, args));
    }

    /** This JVM's and the running members' process ids. */
    private List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        pids.add(ProcessHandle.current().pid());
        children.forEach(c -> pids.add(c.pid()));
        return pids;
    }

    /** {@code n} free loopback ports outside the ephemeral range (JGroups and Hazelcast need them before they start). */
    static List<Integer> freePorts(int n) {
        return ListenPorts.free(java.net.InetAddress.getLoopbackAddress(), n);
    }

    /** The JVM options of every member, the same for all systems. */
    static List<String> jvmOptions(String system) {
        List<String> options = new ArrayList<>(List.of("-Xms256m", "-Xmx512m", "-Djava.net.preferIPv4Stack=true"));
        if (Runtime.version().feature() >= 23) {
            options.add("--sun-misc-unsafe-memory-access=allow");
            options.add("--enable-native-access=ALL-UNNAMED");
        }
        String extra = System.getProperty("bench.memberOptions", "").trim();
        if (!extra.isEmpty()) {
            options.addAll(List.of(extra.split("\\s+")));
        }
        if (system.equals("hazelcast")) {
            // what Hazelcast asks for on Java 17+, to reach its internals without warnings
            options.addAll(List.of("--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
                    "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                    "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED"));
        }
        return options;
    }

    private Child child(String name, String system, String... args) throws IOException {
        String[] all = new String[args.length + 1];
        all[0] = system;
        System.arraycopy(args, 0, all, 1, args.length);
        Child c = Child.start(name, jvmOptions(system), all);
        children.add(c);
        return c;
    }

    private void awaitReady() throws Exception {
        for (Child c : children) {
            c.awaitReady();
        }
    }

    private static String csv(List<Integer> ports) {
        return String.join(",", ports.stream().map(String::valueOf).toList());
    }

    // ---- group request/response ------------------------------------------------------------

    void groupSends() throws Exception {
        for (int n : plan.members()) {
            if (systems.contains("netty")) {
                nettyGroup(n);
            }
            if (systems.contains("iris")) {
                irisGroup(n, "iris");
            }
            if (systems.contains("iris-thread")) {
                irisGroup(n, "iris-thread");
            }
            if (systems.contains("iris-1loop")) {
                irisGroup(n, "iris-1loop");
            }
            if (systems.contains("iris-async")) {
                irisGroup(n, "iris-async");
            }
            if (systems.contains("iris-tls")) {
                irisGroup(n, "iris-tls");
            }
            if (systems.contains("jgroups")) {
                jgroupsGroup(n);
            }
        }
    }

    private interface Config {
        void run(int payload, boolean all) throws Exception;
    }

    private void eachConfig(Config config) throws Exception {
        for (int payload : plan.payloads()) {
            for (boolean all : new boolean[] {true, false}) {
                config.run(payload, all);
            }
        }
    }

    private void add(String system, int n, int payload, boolean all, Histogram latency, double[] rates) {
        Row row = Row.of("group", system, n, payload, all ? "ALL" : "FIRST", latency, Measure.median(rates),
                wakeups.per(latency.getTotalCount()));
        rows.add(row);
        log("%-8s %d members %5d B %-5s p50 %8.1f µs  p99 %8.1f µs  p99.9 %8.1f µs  %,10.0f req/s  %4.1f wakeups/req",
                system, n, payload, row.mode(), row.p50(), row.p99(), row.p999(), row.opsPerSecond(), row.wakeups());
    }

    private void nettyGroup(int n) throws Exception {
        try {
            // each member binds port 0 and says which port it got
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ports.add(Integer.parseInt(child("netty-m" + i, "netty", "0", "0").awaitReady()));
            }
            try (NettyPeer.Client client = new NettyPeer.Client(ports, plan.payloads().get(0), n)) {
                Measure.warmJvms(client, plan.inFlight(), plan.durations());
            }
            eachConfig((payload, all) -> {
                try (NettyPeer.Client client = new NettyPeer.Client(ports, payload, all ? n : 1)) {
                    Histogram latency = client.latency(plan.durations(), wakeups);
                    add("netty", n, payload, all, latency, Measure.throughput(client, plan.inFlight(), plan.durations()));
                }
            });
        } finally {
            Child.closeAll(children);
        }
    }

    /**
     * Iris group sends. System "iris": the members' handlers run on the event loop; "iris-thread":
     * on their processes' threads; "iris-1loop": as "iris" with one event loop per node instead of
     * two; "iris-async": as "iris", its throughput from one client process that keeps the requests in
     * flight with sendGroupAsync; "iris-tls": as "iris", and every node has credentials of one
     * authority (mutual TLS).
     */
    private void irisGroup(int n, String system) throws Exception {
        boolean tls = system.equals("iris-tls");
        ClusterAuthority authority = tls ? ClusterAuthority.create("bench") : null;
        Path authorityDir = null;
        if (tls) {
            authorityDir = java.nio.file.Files.createTempDirectory("iris-bench-authority");
            authority.write(authorityDir);
        }
        // the client binds port 0 and is every member's seed; the members bind port 0
        Node node = IrisPeer.Client.start(0, authority, system.equals("iris-1loop") ? 1 : 2);
        int clientPort = IrisPeer.port(node);
        try {
            for (int i = 0; i < n; i++) {
                List<String> args = new ArrayList<>(List.of("m" + i, "0", String.valueOf(clientPort)));
                if (tls) {
                    args.add(authorityDir.toString());
                }
                child("iris-m" + i, system.equals("iris-tls") || system.equals("iris-async") ? "iris" : system,
                        args.toArray(String[]::new));
            }
            awaitReady();
            IrisPeer.Client.awaitGroup(node, n);
            Measure.warmJvms(new IrisPeer.Client(node, plan.payloads().get(0), ReplyMode.ALL), plan.inFlight(),
                    plan.durations());
            eachConfig((payload, all) -> {
                IrisPeer.Client client = new IrisPeer.Client(node, payload, all ? ReplyMode.ALL : ReplyMode.FIRST);
                Histogram latency = client.latency(plan.durations(), wakeups);
                add(system, n, payload, all, latency, Measure.throughput(system.equals("iris-async") ? client.async()
                        : client, plan.inFlight(), plan.durations()));
            });
        } finally {
            Child.closeAll(children);
            node.close();
            if (authorityDir != null) {
                dev.iris.dsl.compiler.IrisCompiler.deleteTree(authorityDir);
            }
        }
    }

    private void jgroupsGroup(int n) throws Exception {
        List<Integer> ports = freePorts(n + 1);
        try {
            for (int i = 0; i < n; i++) {
                child("jgroups-m" + i, "jgroups", "m" + i, String.valueOf(ports.get(i + 1)), csv(ports));
            }
            awaitReady();
            try (JGroupsPeer.Client client = new JGroupsPeer.Client(ports.get(0), ports, n)) {
                client.awaitView();
                Measure.warmJvms(Measure.threads("jgroups", client.request(plan.payloads().get(0), true)),
                        plan.inFlight(), plan.durations());
                eachConfig((payload, all) -> {
                    Measure.Op request = client.request(payload, all);
                    Histogram latency = Measure.latency(request, plan.durations(), wakeups);
                    add("jgroups", n, payload, all, latency, Measure.throughput(Measure.threads("jgroups", request),
                            plan.inFlight(), plan.durations()));
                });
            }
        } finally {
            Child.closeAll(children);
        }
    }

    // ---- page faults ---------------------------------------------------------------------

    /**
     * A remote read fault of a 4 KiB page and a write that moves a page's ownership, between a
     * node here ("a") and a member JVM ("b") that owns and manages every page, against raw
     * Netty's 16-byte request answered by 4 KiB.
     */
    void pageFaults() throws Exception {
        try {
            int port = Integer.parseInt(child("netty-4k", "netty", "0", "4096").awaitReady());
            try (NettyPeer.Client client = new NettyPeer.Client(List.of(port), 16, 1)) {
                faultRow("netty", "16 B request, 4 KiB response", client.latency(plan.durations(), wakeups));
            }
        } finally {
            Child.closeAll(children);
        }
        int pages = plan.faultPages();
        Node a = null;
        try {
            Child b = child("dsm-b", "dsm", "b", "0", "-", "b", String.valueOf(pages), "b");
            int bPort = Integer.parseInt(b.awaitReady());
            a = Node.start(DsmPeer.config("a", 0, List.of(bPort), List.of("b"), pages, "b"),
                    dev.iris.runtime.Codecs.of());
            b.call("await 2");
            if (!a.awaitMembers(2, java.time.Duration.ofSeconds(60))) {
                throw new IllegalStateException("DSM: a sees " + a.members());
            }
            faultRow("iris", "read fault (page to reader)", faults(a, b, pages, false));
            faultRow("iris", "write fault (page and ownership to writer)", faults(a, b, pages, true));
        } finally {
            Child.closeAll(children);
            if (a != null) {
                a.close();
            }
        }
    }

    private void faultRow(String system, String mode, Histogram h) {
        Row row = Row.of("fault", system, 2, 4096, mode, h, Double.NaN, Double.NaN);
        rows.add(row);
        log("%-8s %-45s p50 %8.1f µs  p99 %8.1f µs  p99.9 %8.1f µs", system, mode, row.p50(), row.p99(), row.p999());
    }

    /** Passes over every page, each access a fault; b takes every page back between passes. */
    private Histogram faults(Node a, Child b, int pages, boolean write) throws Exception {
        var memory = a.memory();
        long base = memory.region(DsmPeer.REGION).base();
        Histogram h = Measure.histogram();
        long measured = 0;
        boolean warm = true;
        while (warm || measured < TimeUnit.MILLISECONDS.toNanos(plan.durations().latencyMillis())) {
            b.call("own");
            for (int p = 0; p < pages; p++) {
                long address = base + (long) p * DsmPeer.PAGE;
                long start = System.nanoTime();
                if (write) {
                    memory.setLong(address, p);
                } else {
                    memory.getLong(address);
                }
                long t = System.nanoTime() - start;
                if (!warm) {
                    h.recordValue(Math.max(1_000, t));
                    measured += t;
                }
            }
            warm = false;
        }
        return h;
    }

    // ---- shared array --------------------------------------------------------------------

    /**
     * The shared array: every member reads (95 %, read-mostly) or writes (50 %, write-heavy)
     * random 4 KiB slots; Iris's pages against Hazelcast's IMap without and with a near cache.
     */
    void sharedArray() throws Exception {
        for (int[] array : plan.arrays()) {
            int m = array[0];
            int slots = array[1];
            if (systems.contains("iris")) {
                dsmArray(m, slots);
            }
            if (systems.contains("hazelcast")) {
                hazelcastArray(m, slots);
            }
        }
    }

    private void dsmArray(int m, int slots) throws Exception {
        try {
            List<Integer> ports = freePorts(m);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < m; i++) {
                names.add("m" + i);
            }
            for (int i = 0; i < m; i++) {
                child("dsm-m" + i, "dsm", "m" + i, String.valueOf(ports.get(i)), i == 0 ? "-" : csv(ports.subList(0, 1)),
                        String.join(",", names), String.valueOf(slots), "-").awaitReady();
            }
            for (Child c : children) {
                c.call("await " + m);
            }
            warmArray("mix 50 " + plan.arrayThreads() + " ");
            for (int reads : new int[] {95, 50}) {
                arrayRow("iris", m, slots, reads, "mix " + reads + " " + plan.arrayThreads() + " ");
            }
        } finally {
            Child.closeAll(children);
        }
    }

    private void hazelcastArray(int m, int slots) throws Exception {
        try {
            List<Integer> ports = freePorts(m);
            String cluster = "iris-bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
            for (int i = 0; i < m; i++) {
                child("hazelcast-m" + i, "hazelcast", String.valueOf(ports.get(i)), csv(ports), cluster);
            }
            awaitReady();
            for (Child c : children) {
                c.call("await " + m);
            }
            children.get(0).call("init " + slots);
            warmArray("mix plain " + slots + " 50 " + plan.arrayThreads() + " ");
            for (String map : new String[] {"plain", "near"}) {
                for (int reads : new int[] {95, 50}) {
                    arrayRow(map.equals("plain") ? "hazelcast" : "hazelcast-near", m, slots, reads,
                            "mix " + map + " " + slots + " " + reads + " " + plan.arrayThreads() + " ");
                }
            }
        } finally {
            Child.closeAll(children);
        }
    }

    private void warmArray(String command) throws Exception {
        if (plan.durations().jvmWarmupMillis() > 0) {
            runTogether(command + plan.durations().jvmWarmupMillis());
        }
    }

    /** Runs the members' {@code command + millis} together: a warm-up, then the rounds; the median round. */
    private void arrayRow(String system, int m, int slots, int reads, String command) throws Exception {
        runTogether(command + plan.durations().warmupMillis());
        double[] rates = new double[plan.durations().rounds()];
        for (int r = 0; r < rates.length; r++) {
            rates[r] = runTogether(command + plan.durations().roundMillis()) * 1000.0 / plan.durations().roundMillis();
        }
        Row row = new Row("array", system, m, slots, reads + "/" + (100 - reads), Double.NaN, Double.NaN, Double.NaN,
                Measure.median(rates), Double.NaN);
        rows.add(row);
        log("%-15s %d members %5d slots %s  %,12.0f ops/s", system, m, slots, row.mode(), row.opsPerSecond());
    }

    private long runTogether(String command) throws Exception {
        for (Child c : children) {
            c.post(command);
        }
        long ops = 0;
        for (Child c : children) {
            ops += Long.parseLong(c.answer());
        }
        return ops;
    }
}
