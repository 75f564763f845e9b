package dev.iris.bench.cluster;

import dev.iris.dsl.compiler.IrisCompiler;
import dev.iris.runtime.security.ClusterAuthority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs Iris side by side with raw Netty, JGroups and Hazelcast in one run on this machine and
 * writes the report ({@code benchmarks.md}, {@code benchmarks.csv}, {@code benchmarks-latency.svg}).
 *
 * <pre>
 * Harness [--smoke] [--out DIR] [--only SECTION[,SECTION]] [--rounds N] [--members N[,N]] [--systems S[,S]]
 * Harness soak [--seconds N]       (see {@link Soak})
 *   sections: micro (JMH), group (group request/response), fault (page faults), array (shared array)
 *   -Dbench.memberOptions="..." adds JVM options to every member and client JVM (a profiler, say)
 *   --systems iris-tls measures Iris's group sends over mutual TLS too, iris-thread with the members' handlers
 *   on their processes' threads, iris-1loop with one event loop per node (group sends and the shared array),
 *   iris-async with its throughput from one process keeping the requests in flight (in the default run: the
 *   throughput goals are measured with it), iris-loop with the client's processes on its event loop (group
 *   sends and page faults; in the default run)
 * </pre>
 *
 * Every member and the client of the group and fault sections are JVMs of their own on loopback
 * TCP ({@link Child}, {@link Driver}). One measurement runs at a time, so systems never compete for
 * the two cores; the group and fault sections measure in rounds, the systems taking turns in each.
 */
public final class Harness {
    /**
     * What one run covers; {@link #SMOKE} is tiny, for CI. The group and fault sections measure every
     * configuration once per round; the shared array takes the median of {@code rounds} throughput
     * windows.
     */
    record Plan(int rounds, Measure.Durations durations, List<Integer> members, List<Integer> payloads, int inFlight,
            int faultPages, List<int[]> arrays, int arrayThreads, boolean smoke) {
        static final Plan FULL = new Plan(3, Measure.Durations.FULL, List.of(1, 2, 4, 8), List.of(64, 1024), 16, 2048,
                List.of(new int[] {2, 1024}, new int[] {4, 1024}, new int[] {4, 64}, new int[] {4, 4096}), 2, false);
        static final Plan SMOKE = new Plan(1, Measure.Durations.SMOKE, List.of(2), List.of(64), 4, 64,
                List.of(new int[] {2, 64}), 1, true);
    }

    /**
     * One configuration measured in one round (from 0; the shared array's rows are all round 0);
     * latencies in µs, throughput in operations per second, threads woken per operation, and the CPU
     * µs per operation of the client's JVM and of the members' JVMs together during the throughput
     * (NaN: not measured).
     */
    record Row(String section, String system, int members, int payload, String mode, int round, double p50,
            double p99, double p999, double opsPerSecond, double wakeups, double clientCpu, double membersCpu) {
        /** A row without CPU times. */
        Row(String section, String system, int members, int payload, String mode, int round, double p50, double p99,
                double p999, double opsPerSecond, double wakeups) {
            this(section, system, members, payload, mode, round, p50, p99, p999, opsPerSecond, wakeups, Double.NaN,
                    Double.NaN);
        }

        /** The row of a client JVM's {@link Driver#result}, with the CPU times that follow it if any. */
        static Row of(String section, String system, int members, int payload, String mode, int round, String result) {
            double[] v = Arrays.stream(result.split(" ")).mapToDouble(Double::parseDouble).toArray();
            return new Row(section, system, members, payload, mode, round, v[0], v[1], v[2], v[3], v[4],
                    v.length > 6 ? v[5] : Double.NaN, v.length > 6 ? v[6] : Double.NaN);
        }
    }

    /** Whether the member and client JVMs (this Java) can carry Iris's processes on the event loop. */
    static final boolean LOOP_CARRIERS = Runtime.version().feature() >= 24;
    static final List<String> SYSTEMS = List.of("netty", "netty-blocking", "iris", "iris-loop", "iris-async", "jgroups",
            "hazelcast");
    /** The systems the group section knows, in the order each round measures them. */
    private static final List<String> GROUP_SYSTEMS = List.of("netty", "netty-blocking", "iris", "iris-thread",
            "iris-1loop", "iris-loop", "iris-async", "iris-tls", "jgroups");

    private final Plan plan;
    private final List<Row> rows = new ArrayList<>();
    private final List<Child> children = new ArrayList<>();
    private final List<Path> authorities = new ArrayList<>();
    private List<String> systems = SYSTEMS;

    Harness(Plan plan) {
        this.plan = plan;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("soak")) {
            Soak.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        boolean smoke = false;
        Path out = Path.of("doc");
        List<String> only = List.of("micro", "group", "fault", "array");
        List<Integer> members = null;
        List<String> systems = SYSTEMS;
        List<int[]> arrays = null;
        Integer rounds = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> smoke = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--only" -> only = List.of(args[++i].split(","));
                case "--systems" -> systems = List.of(args[++i].split(","));
                case "--arrays" -> arrays = Arrays.stream(args[++i].split(","))
                        .map(a -> new int[] {Integer.parseInt(a.split("x")[0]), Integer.parseInt(a.split("x")[1])}).toList();
                case "--rounds" -> rounds = Integer.valueOf(args[++i]);
                case "--members" -> members = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
                default -> {
                    System.err.println("usage: Harness [--smoke] [--out DIR] [--only micro,group,fault,array] [--rounds 3] "
                            + "[--members 1,2,4,8] [--arrays 2x1024,4x64] [--systems netty,netty-blocking,iris,"
                            + "iris-thread,iris-1loop,iris-loop,iris-async,iris-tls,jgroups,hazelcast]");
                    System.exit(2);
                }
            }
        }
        Plan plan = smoke ? Plan.SMOKE : Plan.FULL;
        plan = new Plan(rounds == null ? plan.rounds() : rounds, plan.durations(), members == null ? plan.members() : members, plan.payloads(), plan.inFlight(),
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
        if (systems.contains("iris-loop") && !LOOP_CARRIERS) {
            log("iris-loop not measured: processes on the event loop need Java 24 or newer (this is %d)",
                    Runtime.version().feature());
            harness.systems = systems.stream().filter(s -> !s.equals("iris-loop")).toList();
        }
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
        Report.write(out, harness.rows, micro, plan.smoke(), plan.rounds(), seconds);
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

    /** {@code n} free loopback ports outside the ephemeral range (JGroups and Hazelcast need them before they start). */
    static List<Integer> freePorts(int n) {
        return ListenPorts.free(java.net.InetAddress.getLoopbackAddress(), n);
    }

    /** The JVM options of every member and client JVM, the same for all systems. */
    static List<String> jvmOptions(String system) {
        List<String> options = new ArrayList<>(List.of("-Xms256m", "-Xmx512m", "-Djava.net.preferIPv4Stack=true"));
        if (Runtime.version().feature() >= 23) {
            options.add("--sun-misc-unsafe-memory-access=allow");
            options.add("--enable-native-access=ALL-UNNAMED");
        }
        if (LOOP_CARRIERS) { // Iris's processes on the event loop (NodeConfig.processesOnEventLoop, system iris-loop)
            options.addAll(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED"));
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

    /** A system's JVMs for one member count, alive across the rounds: its client and its members. */
    private record Cluster(String system, Child client, List<Child> members) {
        /** The members' process ids, comma-separated: the client counts their threads woken with its own. */
        String pids() {
            return String.join(",", members.stream().map(m -> String.valueOf(m.pid())).toList());
        }
    }

    /**
     * For each member count: every system's JVMs start and warm up, then in each round every
     * configuration is measured once per system, the systems taking turns configuration by
     * configuration, so that whatever else the machine does meanwhile falls on all of them.
     */
    void groupSends() throws Exception {
        List<String> group = GROUP_SYSTEMS.stream().filter(systems::contains).toList();
        for (int n : plan.members()) {
            try {
                List<Cluster> clusters = new ArrayList<>();
                for (String system : group) {
                    clusters.add(cluster(system, n));
                }
                for (Cluster c : clusters) {
                    warm(c);
                }
                for (int round = 0; round < plan.rounds(); round++) {
                    int r = round;
                    eachConfig((payload, mode) -> {
                        for (Cluster c : clusters) {
                            measure(c, n, payload, mode, r);
                        }
                    });
                }
            } finally {
                Child.closeAll(children);
                for (Path dir : authorities) {
                    IrisCompiler.deleteTree(dir);
                }
                authorities.clear();
            }
        }
    }

    /**
     * Starts {@code system}'s {@code n} members and its client JVM. Iris: the client node binds
     * port 0 and is every member's seed; "iris-thread" runs the members' handlers on their processes'
     * threads, "iris-1loop" one event loop per node, "iris-loop" the client's processes on its event
     * loop, "iris-async" its throughput from one client process, "iris-tls" mutual TLS with one authority.
     */
    private Cluster cluster(String system, int n) throws Exception {
        List<Child> members = new ArrayList<>();
        Child client;
        if (system.startsWith("netty")) {
            // each member binds port 0 and says which port it got
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                members.add(child(system + "-m" + i, system, "0", "0"));
                ports.add(Integer.parseInt(members.get(i).awaitReady()));
            }
            client = child(system + "-client", system + "-client", csv(ports));
            client.awaitReady();
        } else if (system.equals("jgroups")) {
            List<Integer> ports = freePorts(n + 1);
            for (int i = 0; i < n; i++) {
                members.add(child("jgroups-m" + i, "jgroups", "m" + i, String.valueOf(ports.get(i + 1)), csv(ports)));
            }
            for (Child m : members) {
                m.awaitReady();
            }
            client = child("jgroups-client", "jgroups-client", String.valueOf(ports.get(0)), csv(ports),
                    String.valueOf(n));
            client.awaitReady();
        } else {
            List<String> tls = new ArrayList<>();
            if (system.equals("iris-tls")) {
                Path dir = Files.createTempDirectory("iris-bench-authority");
                authorities.add(dir);
                ClusterAuthority.create("bench").write(dir);
                tls.add(dir.toString());
            }
            List<String> clientArgs = new ArrayList<>(List.of(system));
            clientArgs.addAll(tls);
            client = child(system + "-client", "iris-client", clientArgs.toArray(String[]::new));
            String seed = client.awaitReady();
            String memberSystem = List.of("iris-tls", "iris-async", "iris-loop").contains(system) ? "iris" : system;
            for (int i = 0; i < n; i++) {
                List<String> args = new ArrayList<>(List.of("m" + i, "0", seed));
                args.addAll(tls);
                members.add(child(system + "-m" + i, memberSystem, args.toArray(String[]::new)));
            }
            for (Child m : members) {
                m.awaitReady();
            }
            client.call("await-group " + n);
        }
        return new Cluster(system, client, members);
    }

    private interface Config {
        void run(int payload, String mode) throws Exception;
    }

    private void eachConfig(Config config) throws Exception {
        for (int payload : plan.payloads()) {
            for (String mode : List.of("ALL", "FIRST")) {
                config.run(payload, mode);
            }
        }
    }

    /**
     * The JVMs' warm-up: every configuration's latency and throughput once, unrecorded, so that the
     * JIT has compiled each one's paths before any is measured.
     */
    private void warm(Cluster c) throws Exception {
        long each = plan.durations().jvmWarmupMillis() / (4L * plan.payloads().size());
        if (each > 0) {
            eachConfig((payload, mode) -> c.client().call(String.format(Locale.ROOT, "measure %d %s %d 0 %d %d %s",
                    payload, mode, plan.inFlight(), each, each, c.pids())));
        }
    }

    private void measure(Cluster c, int n, int payload, String mode, int round) throws Exception {
        Measure.Durations d = plan.durations();
        Row row = Row.of("group", c.system(), n, payload, mode, round, c.client().call(String.format(Locale.ROOT,
                "measure %d %s %d %d %d %d %s", payload, mode, plan.inFlight(), d.warmupMillis(), d.latencyMillis(),
                d.throughputMillis(), c.pids())));
        rows.add(row);
        log("round %d %-14s %d members %5d B %-5s p50 %8.1f µs  p99 %8.1f µs  p99.9 %8.1f µs  %,10.0f req/s  "
                + "%4.1f wakeups/req  CPU µs/req client %.2f members %.2f", round + 1, c.system(), n, payload, mode,
                row.p50(), row.p99(), row.p999(), row.opsPerSecond(), row.wakeups(), row.clientCpu(),
                row.membersCpu());
    }

    // ---- page faults ---------------------------------------------------------------------

    /**
     * A remote read fault of a 4 KiB page and a write that moves a page's ownership, between node a
     * (a client JVM) and node b (a member JVM) that owns and manages every page, against raw Netty's
     * 16-byte request answered by 4 KiB; the three take turns in each round.
     */
    void pageFaults() throws Exception {
        int pages = plan.faultPages();
        Measure.Durations d = plan.durations();
        try {
            Child floor = child("netty-4k", "netty", "0", "4096");
            Child netty = child("netty-4k-client", "netty-client", floor.awaitReady());
            netty.awaitReady();
            Child b = child("dsm-b", "dsm", "b", "0", "-", "b", String.valueOf(pages), "b");
            String port = b.awaitReady();
            Child a = child("dsm-a", "dsm-client", String.valueOf(pages), port);
            a.awaitReady();
            // node c faults from a process on its event loop
            Child c = systems.contains("iris-loop") ? child("dsm-c", "dsm-client", String.valueOf(pages), port, "c",
                    "loop") : null;
            int nodes = c == null ? 2 : 3;
            if (c != null) {
                c.awaitReady();
                c.call("await " + nodes);
            }
            b.call("await " + nodes);
            a.call("await " + nodes);
            if (d.jvmWarmupMillis() > 0) {
                netty.call(String.format(Locale.ROOT, "measure 16 ALL 1 0 %d 0 %d", d.jvmWarmupMillis() / 2,
                        floor.pid()));
                faultPasses(a, b, "read", d.jvmWarmupMillis() / 2);
                faultPasses(a, b, "write", d.jvmWarmupMillis() / 2);
                if (c != null) {
                    faultPasses(c, b, "read", d.jvmWarmupMillis() / 2);
                    faultPasses(c, b, "write", d.jvmWarmupMillis() / 2);
                }
            }
            for (int round = 0; round < plan.rounds(); round++) {
                faultRow(Row.of("fault", "netty", 2, 4096, "16 B request, 4 KiB response", round, netty.call(
                        String.format(Locale.ROOT, "measure 16 ALL 1 %d %d 0 %d", d.warmupMillis(), d.latencyMillis(),
                                floor.pid()))));
                faultRow(Row.of("fault", "iris", 2, 4096, "read fault (page to reader)", round, faults(a, b, "read")));
                faultRow(Row.of("fault", "iris", 2, 4096, "write fault (page and ownership to writer)", round,
                        faults(a, b, "write")));
                if (c != null) {
                    faultRow(Row.of("fault", "iris-loop", 2, 4096, "read fault (page to reader)", round,
                            faults(c, b, "read")));
                    faultRow(Row.of("fault", "iris-loop", 2, 4096, "write fault (page and ownership to writer)",
                            round, faults(c, b, "write")));
                }
            }
        } finally {
            Child.closeAll(children);
        }
    }

    private void faultRow(Row row) {
        rows.add(row);
        log("round %d %-8s %-45s p50 %8.1f µs  p99 %8.1f µs  p99.9 %8.1f µs  %4.1f wakeups/fault", row.round() + 1,
                row.system(), row.mode(), row.p50(), row.p99(), row.p999(), row.wakeups());
    }

    /** Faults on {@code access} ("read" or "write") after a warm-up; a's {@link Driver#result}. */
    private String faults(Child a, Child b, String access) throws Exception {
        faultPasses(a, b, access, plan.durations().warmupMillis());
        a.call("begin " + b.pid());
        faultPasses(a, b, access, plan.durations().latencyMillis());
        return a.call("end");
    }

    /** Passes of a over every page until its accesses took {@code millis}; b takes every page back before each. */
    private static void faultPasses(Child a, Child b, String access, long millis) throws Exception {
        long nanos = 0;
        do {
            b.call("own");
            nanos += Long.parseLong(a.call("pass " + access));
        } while (nanos < TimeUnit.MILLISECONDS.toNanos(millis));
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
                dsmArray("iris", m, slots, 2);
            }
            if (systems.contains("iris-1loop")) {
                dsmArray("iris-1loop", m, slots, 1);
            }
            if (systems.contains("hazelcast")) {
                hazelcastArray(m, slots);
            }
        }
    }

    private void dsmArray(String system, int m, int slots, int eventLoops) throws Exception {
        try {
            List<Integer> ports = freePorts(m);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < m; i++) {
                names.add("m" + i);
            }
            for (int i = 0; i < m; i++) {
                child("dsm-m" + i, "dsm", "m" + i, String.valueOf(ports.get(i)), i == 0 ? "-" : csv(ports.subList(0, 1)),
                        String.join(",", names), String.valueOf(slots), "-", String.valueOf(eventLoops)).awaitReady();
            }
            for (Child c : children) {
                c.call("await " + m);
            }
            warmArray("mix 50 " + plan.arrayThreads() + " ");
            for (int reads : new int[] {95, 50}) {
                arrayRow(system, m, slots, reads, "mix " + reads + " " + plan.arrayThreads() + " ");
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
        long millis = plan.durations().throughputMillis();
        double[] rates = new double[plan.rounds()];
        long ops = 0;
        long frames = 0;
        for (int r = 0; r < rates.length; r++) {
            long[] done = runTogether(command + millis);
            rates[r] = done[0] * 1000.0 / millis;
            ops += done[0];
            frames += done[1];
        }
        Row row = new Row("array", system, m, slots, reads + "/" + (100 - reads), 0, Double.NaN, Double.NaN, Double.NaN,
                Measure.median(rates), Double.NaN);
        rows.add(row);
        // Iris's members count the memory frames they send: a figure the machine's noise does not move
        log("%-15s %d members %5d slots %s  %,12.0f ops/s%s", system, m, slots, row.mode(), row.opsPerSecond(),
                frames > 0 ? String.format("  %.2f frames/op", (double) frames / ops) : "");
    }

    /** Runs {@code command} on every member at once: the operations they did and the frames they counted (0: none). */
    private long[] runTogether(String command) throws Exception {
        for (Child c : children) {
            c.post(command);
        }
        long[] done = new long[2];
        for (Child c : children) {
            String[] answer = c.answer().split(" ");
            done[0] += Long.parseLong(answer[0]);
            done[1] += answer.length > 1 ? Long.parseLong(answer[1]) : 0;
        }
        return done;
    }
}
