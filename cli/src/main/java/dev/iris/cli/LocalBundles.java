package dev.iris.cli;

import dev.iris.dsl.export.NodeBundles;
import dev.iris.runtime.Codecs;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeConfig;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.launch.GeneratedSystem;
import dev.iris.runtime.security.ClusterAuthority;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A program's cluster as real node JVMs on this machine: {@code iris export} writes its bundles,
 * each node's {@code bin/iris-node} starts on a free loopback port, and a client node in this JVM
 * joins them over TCP. For end-to-end tests of programs (the examples run their clients against
 * it); {@link #close()} stops the node JVMs with SIGTERM.
 */
public final class LocalBundles implements AutoCloseable {
    private final List<Process> jvms = new ArrayList<>();
    /** Each node JVM's standard output, read all along (a full pipe would block the node). */
    private final List<BlockingQueue<String>> outputs = new ArrayList<>();
    private final List<Path> bundles;
    private final List<Node> clients = new ArrayList<>();
    /** The exported cluster's authority: clients get credentials from it, as an operator would. */
    private final ClusterAuthority authority;
    private final String cluster;
    private final List<InetSocketAddress> addresses = new ArrayList<>();
    /** More environment for every node's launcher. */
    private final Map<String, String> environment;
    /** Put in a node JVM's output queue when its standard output ends. */
    private static final String EXITED = new String("(exited)");

    private LocalBundles(String cluster, List<Path> bundles, ClusterAuthority authority,
            Map<String, String> environment) {
        this.cluster = cluster;
        this.bundles = bundles;
        this.authority = authority;
        this.environment = Map.copyOf(environment);
    }

    /**
     * Exports {@code program}'s {@code cluster} (null: the default one) into {@code out} and starts
     * every node bundle as a JVM (the Java running this one), each on a free loopback port: the
     * first, then the others together, seeded with the first; returns once all printed READY.
     *
     * @throws IllegalStateException if the export fails or a node JVM stops before it is ready (its
     *                               log is in the bundle's {@code node.log})
     */
    public static LocalBundles start(Path program, String cluster, Path out) throws IOException {
        return start(program, cluster, out, Map.of());
    }

    /**
     * {@link #start(Path, String, Path)} with more {@code environment} for every node's launcher
     * (for example {@code IRIS_PROCESSES_ON_EVENT_LOOP=true}).
     */
    public static LocalBundles start(Path program, String cluster, Path out, Map<String, String> environment)
            throws IOException {
        StringWriter errors = new StringWriter();
        List<Path> bundles;
        String name;
        ClusterAuthority authority;
        try (Program p = Program.compile(program, new PrintWriter(errors))) {
            var system = GeneratedSystem.of(p.systemClass());
            Object chosen = system.cluster(cluster);
            name = GeneratedSystem.name(chosen);
            bundles = NodeBundles.write(p.forExport(), system, chosen, out);
            authority = NodeBundles.authority(out, name);
        } catch (UserError e) {
            throw new IllegalStateException("cannot export " + program + ": " + e.getMessage() + "\n" + errors);
        }
        LocalBundles running = new LocalBundles(name, bundles, authority, environment);
        try {
            running.launchAll();
            return running;
        } catch (IOException | RuntimeException e) {
            running.close();
            throw e;
        }
    }

    /** The node bundle directories, in the cluster's node order. */
    public List<Path> bundles() {
        return bundles;
    }

    /**
     * A node in this JVM that joins the cluster (not one of its nodes: it hosts no process of the
     * program, and manages no page) with the program's {@code codecs} and {@code memory}; returns
     * once it sees every node.
     */
    public Node client(String name, Codecs codecs, MemoryConfig memory) throws InterruptedException {
        Node client = Node.start(NodeConfig.of(name, cluster, new InetSocketAddress("127.0.0.1", 0),
                List.copyOf(addresses)).withMemory(memory).withCredentials(authority.issue(name)), codecs);
        clients.add(client);
        if (!client.awaitMembers(jvms.size() + 1, Duration.ofSeconds(30))) {
            throw new IllegalStateException("client '" + name + "' sees only " + client.members());
        }
        return client;
    }

    /** Kills node JVM {@code i} (in the cluster's node order) with SIGKILL, as a crash would, and waits until it is gone. */
    public void kill(int i) throws InterruptedException {
        Process jvm = jvms.get(i);
        jvm.destroyForcibly(); // bin/iris-node execs the JVM: this is the JVM's own process
        if (!jvm.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("node JVM " + bundles.get(i).getFileName() + " survived SIGKILL for 30 s");
        }
    }

    /**
     * Starts every node JVM again, in order, from the same bundles (a persistent cluster's data
     * directories in them), after all were {@linkplain #kill killed}; returns once all printed READY.
     *
     * @throws IllegalStateException if a node JVM is still running, or stops before it is ready
     */
    public void startAgain() throws IOException {
        for (int i = 0; i < jvms.size(); i++) {
            if (jvms.get(i).isAlive()) {
                throw new IllegalStateException("node JVM " + bundles.get(i).getFileName() + " is still running");
            }
        }
        jvms.clear();
        outputs.clear();
        addresses.clear();
        launchAll();
    }

    /**
     * Starts every node JVM, each on a port the system chooses as it binds (port 0: a port picked in
     * advance can be taken meanwhile, e.g. as the source port of another node's dial): the first,
     * then, once it reported its address, all the others at once, seeded with it.
     */
    private void launchAll() throws IOException {
        jvms.add(launch(0));
        addresses.add(awaitReady(0));
        for (int i = 1; i < bundles.size(); i++) {
            jvms.add(launch(i));
        }
        for (int i = 1; i < bundles.size(); i++) {
            addresses.add(awaitReady(i));
        }
    }

    private Process launch(int i) throws IOException {
        Path bundle = bundles.get(i);
        List<String> seeds = new ArrayList<>();
        for (InetSocketAddress address : addresses) {
            seeds.add("127.0.0.1:" + address.getPort());
        }
        ProcessBuilder builder = new ProcessBuilder("sh", bundle.resolve("bin/iris-node").toString())
                .redirectError(bundle.resolve("node.log").toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("IRIS_BIND", "127.0.0.1:0");
        builder.environment().put("IRIS_SEEDS", String.join(",", seeds));
        builder.environment().putAll(environment);
        Process jvm = builder.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        outputs.add(lines);
        Thread.ofVirtual().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the node JVM is gone
            }
            lines.add(EXITED); // tells awaitReady at once
        });
        return jvm;
    }

    /**
     * Waits for node JVM {@code i}'s {@code READY <node> <host:port>} line and returns the address it
     * listens on; fails at once, with its log, if the JVM exits first.
     */
    private InetSocketAddress awaitReady(int i) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String why = "was not ready within 60 s";
        try {
            for (String line; (line = outputs.get(i).poll(Math.max(0, deadline - System.nanoTime()),
                    TimeUnit.NANOSECONDS)) != null; ) {
                if (line == EXITED) {
                    why = "exited before it was ready" + exitCode(jvms.get(i));
                    break;
                }
                if (line.startsWith("READY ")) {
                    String address = line.substring(line.lastIndexOf(' ') + 1);
                    int colon = address.lastIndexOf(':');
                    return new InetSocketAddress(address.substring(0, colon),
                            Integer.parseInt(address.substring(colon + 1)));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Path log = bundles.get(i).resolve("node.log");
        throw new IllegalStateException("node JVM " + bundles.get(i).getFileName() + " " + why + ": "
                + (Files.exists(log) ? Files.readString(log) : "no log"));
    }

    private static String exitCode(Process jvm) throws InterruptedException {
        return jvm.waitFor(5, TimeUnit.SECONDS) ? " (exit code " + jvm.exitValue() + ")" : "";
    }

    /** Stops the client nodes, then every node JVM with SIGTERM (forcibly after 30 s). */
    @Override
    public void close() {
        clients.forEach(Node::close);
        for (Process jvm : jvms) {
            jvm.destroy();
        }
        for (Process jvm : jvms) {
            try {
                if (!jvm.waitFor(30, TimeUnit.SECONDS)) {
                    jvm.destroyForcibly();
                }
            } catch (InterruptedException e) {
                jvm.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
