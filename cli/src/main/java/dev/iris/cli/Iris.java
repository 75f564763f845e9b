package dev.iris.cli;

import dev.iris.dsl.export.NodeBundles;
import dev.iris.dsl.ide.server.IrisLanguageServer;
import dev.iris.runtime.IpcException;
import dev.iris.runtime.Node;
import dev.iris.runtime.PlannedFault;
import dev.iris.runtime.internal.VirtualThreads;
import dev.iris.runtime.launch.ClusterSession;
import dev.iris.runtime.launch.GeneratedSystem;
import dev.iris.runtime.launch.LaunchException;
import dev.iris.runtime.launch.NodeMain;
import dev.iris.runtime.monitor.Recorder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code iris} command line. Every user error (a missing file, a compile error, an unknown
 * cluster) is one message and a non-zero status; exit statuses: 0 success, 1 the program or its
 * compilation failed, 2 wrong usage.
 */
@Command(name = "iris", mixinStandardHelpOptions = true, version = "iris 0.1.0",
        description = "Write, check and run distributed programs: V-kernel process groups and distributed shared "
                + "memory on the JVM.",
        subcommands = {Iris.Run.class, Iris.Test.class, Iris.Check.class, Iris.Export.class, Iris.NodeCommand.class, Iris.Lsp.class})
public final class Iris implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: run, check or lsp");
    }

    public static void main(String[] args) {
        quietLogs();
        System.exit(execute(args, System.out, System.err));
    }

    /** The runtime logs membership changes at INFO: shown only with IRIS_LOG=INFO (or FINE, ...). */
    private static void quietLogs() {
        Level level;
        try {
            level = Level.parse(System.getenv().getOrDefault("IRIS_LOG", "WARNING"));
        } catch (IllegalArgumentException e) {
            level = Level.WARNING;
        }
        Logger root = Logger.getLogger("");
        root.setLevel(level);
        for (Handler handler : root.getHandlers()) {
            handler.setLevel(level);
        }
    }

    /** Runs the command line; returns the exit status. */
    static int execute(String[] args, PrintStream out, PrintStream err) {
        CommandLine line = new CommandLine(new Iris());
        line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        PrintWriter errors = new PrintWriter(err, true, StandardCharsets.UTF_8);
        line.setErr(errors);
        line.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof UserError user) {
                errors.println("iris: " + user.getMessage());
                return user.status();
            }
            if (e instanceof LaunchException launch) {
                errors.println("iris: " + launch.getMessage());
                return 2;
            }
            throw e;
        });
        return line.execute(args);
    }

    /** The program a command works on, and which of its clusters. */
    static final class ProgramAndCluster {
        @Parameters(index = "0", paramLabel = "PROGRAM", description = "a program directory or an .iris file")
        Path program;
        @Option(names = "--cluster", paramLabel = "NAME",
                description = "the cluster (default: 'local' if declared, else the first)")
        String cluster;
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Compile a program (its .iris files and Java) and run it on an embedded local cluster: "
                    + "all nodes in this JVM, each process's output prefixed with its node.",
                    "A program with a main class runs it (the main starts the cluster it wants); otherwise the "
                            + "cluster's processes run until Ctrl-C."})
    static final class Run implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @CommandLine.Mixin
        private ProgramAndCluster target;
        @Option(names = "--nodes", paramLabel = "N",
                description = "run N nodes (the cluster's placements repeated, or its first N nodes)")
        private Integer nodes;
        @Option(names = "--main", paramLabel = "CLASS", description = "the main class, if there are several")
        private String main;
        @Parameters(index = "1..*", paramLabel = "ARGS", description = "arguments for the program's main class")
        private List<String> arguments = List.of();
        @Option(names = "--record", paramLabel = "FILE",
                description = "record what every node does (page tables, memory events, groups) into FILE, "
                        + "for the IDE's debug views to open")
        private Path record;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            if (nodes != null && nodes < 1) {
                throw new UserError(2, "--nodes must be at least 1, not " + nodes);
            }
            Recorder recorder = null;
            if (record != null) {
                try {
                    recorder = Recorder.start(record);
                } catch (IOException e) {
                    throw new UserError(2, "cannot record into " + record + ": " + e.getMessage());
                }
            }
            try {
                return run(err);
            } finally {
                if (recorder != null) {
                    recorder.close();
                    err.println("iris: recorded " + recorder.records() + " messages into " + record);
                }
            }
        }

        private Integer run(PrintWriter err) throws Exception {
            try (Program p = Program.compile(target.program, err)) {
                Method entry = mainMethod(p, main, target.program);
                PrintStream original = System.out;
                System.setOut(new NodeOutput(original).stream());
                ClassLoader context = Thread.currentThread().getContextClassLoader();
                Thread.currentThread().setContextClassLoader(p.loader());
                try {
                    if (entry != null) {
                        if (target.cluster != null || nodes != null) {
                            throw new UserError(2, "--cluster and --nodes are for programs without a main class; "
                                    + entry.getDeclaringClass().getName() + " starts the cluster itself (give it "
                                    + "arguments after the program)");
                        }
                        return runMain(entry, err);
                    }
                    if (!arguments.isEmpty()) {
                        throw new UserError(2, "arguments " + arguments + " are for a program's main class, and "
                                + target.program + " has none");
                    }
                    return runCluster(p, err);
                } finally {
                    Thread.currentThread().setContextClassLoader(context);
                    System.out.flush();
                    System.setOut(original);
                }
            }
        }

        /** The main class {@code main} names (or the only one) of {@code p}, or null if it has none. */
        static Method mainMethod(Program p, String main, Path program) {
            List<Method> mains = new ArrayList<>();
            for (Class<?> c : p.userClasses()) {
                try {
                    Method m = c.getMethod("main", String[].class);
                    if (Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() == c
                            && (main == null || main.equals(c.getName()) || main.equals(c.getSimpleName()))) {
                        mains.add(m);
                    }
                } catch (NoSuchMethodException e) {
                    // not a main class
                }
            }
            if (main != null && mains.isEmpty()) {
                throw new UserError(2, "no main class " + main + " in " + program);
            }
            if (mains.size() > 1) {
                throw new UserError(2, "several main classes (" + mains.stream().map(m -> m.getDeclaringClass()
                        .getName()).toList() + "): name one with --main");
            }
            return mains.isEmpty() ? null : mains.get(0);
        }

        private int runMain(Method entry, PrintWriter err) {
            try {
                entry.invoke(null, (Object) arguments.toArray(String[]::new));
                return 0;
            } catch (InvocationTargetException e) {
                err.println("iris: the program failed:");
                e.getCause().printStackTrace(err);
                return 1;
            } catch (IllegalAccessException e) {
                throw new UserError(2, entry.getDeclaringClass().getName() + ".main is not public");
            }
        }

        private int runCluster(Program p, PrintWriter err) throws Exception {
            GeneratedSystem system = GeneratedSystem.of(p.systemClass());
            Object spec = system.cluster(target.cluster);
            if (nodes != null) {
                spec = system.rescale(spec, nodes);
            }
            Object handlers = system.handlers(p.userClasses());
            AutoCloseable running;
            try {
                running = system.startEmbedded(spec, handlers, ClusterSession.embedded(GeneratedSystem.name(spec),
                        System.getenv()));
            } catch (LaunchException e) {
                throw new UserError(1, "the cluster did not start: " + e.getMessage());
            }
            err.println("iris: cluster '" + GeneratedSystem.name(spec) + "' (" + String.join(", ",
                    GeneratedSystem.nodes(spec).stream().map(GeneratedSystem.NodeSpec::name).toList())
                    + ") runs in this JVM; stop it with Ctrl-C");
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                closeQuietly(running);
                stopped.countDown();
            });
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Runtime.getRuntime().removeShutdownHook(hook);
                closeQuietly(running);
            }
            return 0;
        }

        private static void closeQuietly(AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // stopping anyway
            }
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"Compile a program and run its main class in a deterministic simulation, once per seed: every "
                    + "node in this JVM with the real protocols, on a simulated clock, every choice (which process runs "
                    + "next, how long each frame takes) drawn from the seed.",
                    "A seed fails when the main class throws, or when the simulation finds processes deadlocked on "
                            + "locks or a stale read of sequentially consistent memory; its output is shown, the same seed replays the same run, and that run is "
                            + "recorded for the IDE's debug views. Needs Java 24 or newer."})
    static final class Test implements Callable<Integer> {
        /** The most runs that look for fewer faults of one failing seed. */
        private static final int MOST_SHRINKING_RUNS = 40;
        @Spec
        private CommandSpec spec;
        @Parameters(index = "0", paramLabel = "PROGRAM", description = "a program directory or an .iris file")
        private Path program;
        @Option(names = "--simulate", required = true,
                description = "run the program in the simulation (the way a program is tested, for now)")
        private boolean simulate;
        @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "the first seed (default 1)")
        private long seed;
        @Option(names = "--runs", paramLabel = "K", defaultValue = "1", description = "how many seeds, from the first on")
        private int runs;
        @Option(names = "--faults", paramLabel = "FAULTS", description = "faults the simulation injects, drawn "
                + "from the seed, about one every 2 simulated seconds, comma-separated: kill, restart, partition, delay")
        private String faults = "";
        @Option(names = "--fault-plan", paramLabel = "PLAN", description = "faults to inject at given moments, as a "
                + "failing seed's report gives them: '<seconds>s kill <node>; <seconds>s partition <node>,... for "
                + "<seconds>s; ...' (instead of --faults)")
        private String faultPlan;
        @Option(names = "--main", paramLabel = "CLASS", description = "the main class, if there are several")
        private String main;
        @Option(names = "--record", paramLabel = "DIR", description = "where the recording of each failing seed goes, "
                + "seed-N.iristrace, for Open Recording... in the IDE (default: target/iris-test in the program's "
                + "directory)")
        private Path record;
        @Parameters(index = "1..*", paramLabel = "ARGS", description = "arguments for the program's main class")
        private List<String> arguments = List.of();

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            if (runs < 1) {
                throw new UserError(2, "--runs must be at least 1, not " + runs);
            }
            String injected;
            try {
                injected = ClusterSession.faults(faults).stream().map(f -> f.name().toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining(","));
            } catch (IllegalArgumentException e) {
                throw new UserError(2, "--faults: " + e.getMessage());
            }
            if (faultPlan != null) {
                if (!injected.isEmpty()) {
                    throw new UserError(2, "--faults and --fault-plan: a simulation draws its faults or takes them "
                            + "from a plan, not both");
                }
                try {
                    faultPlan = PlannedFault.format(PlannedFault.parse(faultPlan));
                } catch (IllegalArgumentException e) {
                    throw new UserError(2, "--fault-plan: " + e.getMessage());
                }
            }
            String again = "--simulate" + (injected.isEmpty() ? "" : " --faults " + injected)
                    + (faultPlan == null ? "" : " --fault-plan '" + faultPlan + "'");
            try (Program p = Program.compile(program, err)) {
                Method entry = Run.mainMethod(p, main, program);
                if (entry == null) {
                    throw new UserError(2, program + " has no main class: a test runs the program's main class, "
                            + "which opens its cluster (the generated system's open)");
                }
                ClassLoader context = Thread.currentThread().getContextClassLoader();
                Thread.currentThread().setContextClassLoader(p.loader());
                PrintStream original = System.out;
                int failed = 0;
                try {
                    for (long s = seed; s < seed + runs; s++) {
                        ByteArrayOutputStream output = new ByteArrayOutputStream();
                        System.setOut(new PrintStream(output, true, StandardCharsets.UTF_8));
                        Throwable failure = run(entry, s, injected, faultPlan);
                        System.out.flush();
                        System.setOut(original);
                        if (failure == null) {
                            long count = output.toString(StandardCharsets.UTF_8).lines()
                                    .filter(line -> line.startsWith(ClusterSession.FAULT_LINE)
                                            && !line.contains(": healed ")).count(); // a cut and its healing: one fault
                            err.println("iris: seed " + s + " passed" + (injected.isEmpty() ? ""
                                    : " through " + count + (count == 1 ? " fault" : " faults")));
                            continue;
                        }
                        failed++;
                        err.println("iris: seed " + s + " FAILED; what the program printed:");
                        err.print(output.toString(StandardCharsets.UTF_8));
                        failure.printStackTrace(err);
                        record(entry, s, injected, failure, err);
                        err.println("iris: run it again with: " + command(again + " --seed " + s));
                        String plan = output.toString(StandardCharsets.UTF_8).lines()
                                .filter(line -> line.startsWith(ClusterSession.FAULT_PLAN_LINE)).reduce((a, b) -> b)
                                .map(line -> line.substring(ClusterSession.FAULT_PLAN_LINE.length())).orElse("");
                        if (!plan.isBlank()) {
                            shrink(entry, s, PlannedFault.parse(plan), failure, err);
                        }
                    }
                } finally {
                    System.setOut(original);
                    Thread.currentThread().setContextClassLoader(context);
                }
                err.println("iris: " + (runs - failed) + " of " + runs + " seeds passed");
                return failed == 0 ? 0 : 1;
            }
        }

        /**
         * Runs failing {@code seed} again with a {@link Recorder} (the same seed, the same run), into
         * seed-N.iristrace of the recordings' directory, and says where; or says that the run did not
         * fail the same way, which means it depends on more than the seed.
         */
        private void record(Method entry, long seed, String injected, Throwable failure, PrintWriter err)
                throws Exception {
            Path home = Files.isDirectory(program) ? program : program.toAbsolutePath().getParent();
            Path directory = record != null ? record : home.resolve("target/iris-test");
            Path file = directory.resolve("seed-" + seed + ".iristrace");
            Recorder recorder;
            try {
                Files.createDirectories(directory);
                recorder = Recorder.start(file);
            } catch (IOException e) {
                err.println("iris: cannot record seed " + seed + " into " + file + ": " + e.getMessage());
                return;
            }
            Throwable again;
            try {
                again = runQuietly(entry, seed, injected, faultPlan);
            } finally {
                try {
                    recorder.close();
                } catch (IOException e) {
                    err.println("iris: the recording of seed " + seed + " in " + file + " is cut short: " + e.getMessage());
                }
            }
            if (!sameFailure(again, failure)) {
                err.println("iris: seed " + seed + " did not fail the same way when run again to record it, so the run "
                        + "depends on more than the seed: " + (again == null ? "it passed" : again));
                return;
            }
            if (recorder.records() == 0) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    err.println("iris: cannot delete the empty recording " + file + ": " + e.getMessage());
                }
                err.println("iris: seed " + seed + " failed before its nodes recorded anything: nothing to open in the "
                        + "IDE");
                return;
            }
            err.println("iris: recorded seed " + seed + " (" + recorder.records() + " records) into " + file
                    + ": open it in the IDE with Open Recording... (Page Ownership or Cluster view)");
        }

        /**
         * Looks for fewer of failing {@code seed}'s faults that still make it fail the same way: first
         * checks that its whole plan does, then leaves out one fault at a time, the last first,
         * keeping it out while the run still fails so (of the runs' own output nothing is shown),
         * until no single one can go or {@value #MOST_SHRINKING_RUNS} runs were made; and tells what
         * is left, with the command that runs it.
         */
        private void shrink(Method entry, long seed, List<PlannedFault> plan, Throwable failure, PrintWriter err)
                throws Exception {
            if (!failsAgain(entry, seed, plan, failure)) {
                err.println("iris: seed " + seed + " does not fail the same way with its faults given as a plan, so "
                        + "they are not shrunk (the run depends on more than the seed and the plan)");
                return;
            }
            List<PlannedFault> kept = new ArrayList<>(plan);
            int tries = 1;
            boolean settled = false; // a whole pass left every fault in
            while (!settled && tries < MOST_SHRINKING_RUNS) {
                settled = true;
                for (int i = kept.size() - 1; i >= 0; i--) {
                    if (tries >= MOST_SHRINKING_RUNS) {
                        settled = false;
                        break;
                    }
                    List<PlannedFault> without = new ArrayList<>(kept);
                    without.remove(i);
                    tries++;
                    if (failsAgain(entry, seed, without, failure)) {
                        kept = without;
                        settled = false;
                    }
                }
            }
            String command = command("--simulate --seed " + seed);
            String runs = " (" + tries + " runs" + (settled ? "" : ", then it stopped looking") + ")";
            if (kept.size() == plan.size() && settled) {
                err.println("iris: seed " + seed + (plan.size() == 1 ? " needs its fault to fail (it passes without it)"
                        : " needs each of its " + plan.size() + " faults to fail" + runs));
            } else if (kept.isEmpty()) {
                err.println("iris: seed " + seed + " fails without any of its " + plan.size() + " faults" + runs
                        + "; run that with: " + command);
            } else {
                String shrunk = PlannedFault.format(kept);
                err.println("iris: seed " + seed + " still fails with " + kept.size() + " of its " + plan.size()
                        + " faults" + runs + ": " + shrunk + "; run that with: "
                        + command("--simulate --seed " + seed + " --fault-plan '" + shrunk + "'"));
            }
        }

        /** The command line that runs this program with {@code options} and the program's arguments. */
        private String command(String options) {
            StringBuilder line = new StringBuilder("iris test ").append(quoted(program.toString()));
            if (main != null) {
                line.append(" --main ").append(quoted(main));
            }
            line.append(' ').append(options);
            if (!arguments.isEmpty()) {
                line.append(" --"); // the arguments as they are, also one that looks like an option
                arguments.forEach(argument -> line.append(' ').append(quoted(argument)));
            }
            return line.toString();
        }

        /** {@code word} as a POSIX shell reads it back: as it is, or in single quotes. */
        private static String quoted(String word) {
            return word.matches("[\\w./:=,@%+-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
        }

        /** Whether {@code seed} with the faults of {@code plan} fails as {@code failure} did (its output not shown). */
        private boolean failsAgain(Method entry, long seed, List<PlannedFault> plan, Throwable failure) throws Exception {
            return sameFailure(runQuietly(entry, seed, "", PlannedFault.format(plan)), failure);
        }

        /** As {@link #run}, with what the program prints thrown away. */
        private Throwable runQuietly(Method entry, long seed, String injected, String plan) throws Exception {
            PrintStream original = System.out;
            try {
                System.setOut(new PrintStream(PrintStream.nullOutputStream(), true, StandardCharsets.UTF_8));
                return run(entry, seed, injected, plan);
            } finally {
                System.setOut(original);
            }
        }

        /** Whether {@code again} is a failure like {@code failure}: of its class, with its message. */
        private static boolean sameFailure(Throwable again, Throwable failure) {
            return again != null && again.getClass() == failure.getClass()
                    && String.valueOf(again.getMessage()).equals(String.valueOf(failure.getMessage()));
        }

        /**
         * Runs the main class under {@code seed}, injecting the faults {@code injected} names or those
         * of {@code plan} (if not null); what it threw, or null.
         */
        private Throwable run(Method entry, long seed, String injected, String plan) throws Exception {
            Map<String, String> env = new HashMap<>(Map.of(ClusterSession.SIMULATE_ENV, Long.toString(seed),
                    ClusterSession.FAULTS_ENV, injected));
            if (plan != null) {
                env.put(ClusterSession.FAULT_PLAN_ENV, plan);
            }
            try {
                ClusterSession.withEnvironment(env, () -> entry.invoke(null, (Object) arguments.toArray(String[]::new)));
                return null;
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof IllegalStateException ise && VirtualThreads.unavailable() != null) {
                    throw new UserError(2, "a simulation needs " + VirtualThreads.unavailable() + " (" + ise.getMessage()
                            + ")");
                }
                return e.getCause();
            } catch (IllegalAccessException e) {
                throw new UserError(2, entry.getDeclaringClass().getName() + ".main is not public");
            }
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate a program (its .iris files and Java): print every problem as file:line:col: "
                    + "message; the status is 1 if there are errors.")
    static final class Check implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Parameters(paramLabel = "PROGRAM", description = "a program directory or an .iris file")
        private Path program;

        @Override
        public Integer call() {
            try (Program p = Program.compile(program, spec.commandLine().getErr())) {
                spec.commandLine().getOut().println("iris: " + program + ": no errors");
                return 0;
            }
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Write runnable node bundles for a cluster of a program: per node a directory with "
                    + "bin/iris-node, lib/, conf/ and a README (also as .tar.gz and .zip) that needs only a Java 21+ "
                    + "runtime; and a Dockerfile (docker/) and a Kubernetes StatefulSet with a headless service (k8s/)."})
    static final class Export implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @CommandLine.Mixin
        private ProgramAndCluster target;
        @Option(names = "--out", paramLabel = "DIR", required = true, description = "where to write the bundles")
        private Path out;
        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = NodeBundles.DATA,
                description = "where each node keeps a persistent cluster's pages: a directory of its bundle "
                        + "(default ${DEFAULT-VALUE}, kept when the bundles are written again) or an absolute path "
                        + "(a directory per node under it)")
        private String dataDirectory;

        @Override
        public Integer call() throws Exception {
            try (Program p = Program.compile(target.program, spec.commandLine().getErr())) {
                GeneratedSystem system = GeneratedSystem.of(p.systemClass());
                Object chosen = system.cluster(target.cluster);
                List<Path> bundles;
                try {
                    bundles = NodeBundles.write(p.forExport(), system, chosen, out, dataDirectory);
                } catch (IOException e) {
                    throw new UserError(1, "cannot write the bundles to " + out + ": " + e.getMessage());
                } catch (IllegalArgumentException e) {
                    throw new UserError(2, e.getMessage());
                }
                PrintWriter printed = spec.commandLine().getOut();
                for (Path bundle : bundles) {
                    printed.println("iris: wrote " + bundle + " (and .tar.gz, .zip): " + bundle.resolve("bin/iris-node"));
                }
                printed.println("iris: wrote " + out.resolve("docker/Dockerfile") + " and "
                        + out.resolve("k8s/" + NodeBundles.resourceName(system, GeneratedSystem.name(chosen)) + ".yaml"));
                return 0;
            }
        }
    }

    @Command(name = "node", mixinStandardHelpOptions = true,
            description = "Run the node of an exported bundle in this JVM, as its bin/iris-node does (IRIS_BIND, "
                    + "IRIS_SEEDS and IRIS_NODE override its configuration); until Ctrl-C.")
    static final class NodeCommand implements Callable<Integer> {
        @Parameters(paramLabel = "BUNDLE", description = "a node bundle directory written by iris export")
        private Path bundle;

        @Override
        public Integer call() throws Exception {
            Path conf = bundle.resolve("conf/node.properties");
            if (!Files.isRegularFile(conf)) {
                throw new UserError(2, bundle + " is not a node bundle (it has no conf/node.properties)");
            }
            try (var program = new URLClassLoader(new URL[] {bundle.resolve("lib/program.jar").toUri()
                    .toURL()}, Iris.class.getClassLoader())) {
                Node node;
                try {
                    node = NodeMain.start(conf, System.getenv(), program);
                } catch (IpcException e) {
                    throw new UserError(1, e.getMessage());
                }
                Runtime.getRuntime().addShutdownHook(new Thread(node::close));
                try {
                    Thread.currentThread().join();
                } catch (InterruptedException e) {
                    node.close();
                }
                return 0;
            }
        }
    }

    @Command(name = "lsp", mixinStandardHelpOptions = true,
            description = "Serve the Iris language server on standard input and output (for VS Code, Neovim, ...).")
    static final class Lsp implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            IrisLanguageServer.main(new String[0]);
            return 0;
        }
    }
}
