package dev.iris.runtime.launch;

import dev.iris.runtime.EmbeddedCluster;
import dev.iris.runtime.IpcException;
import dev.iris.runtime.Node;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Runs a whole cluster in this JVM, every node embedded (in-JVM transport, no TCP):
 * {@code EmbeddedMain CONF}, CONF naming {@code iris.system}, {@code iris.cluster} (the cluster
 * called {@code local}, else the first, if absent) and {@code iris.handlers} as for
 * {@link NodeMain}. Prints {@code READY <node> embedded} per node and runs until the JVM is
 * stopped. What the IDE's "all nodes in one JVM" launches run for a program without a main class.
 */
public final class EmbeddedMain {
    private EmbeddedMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ConsoleLogging.install();
        try {
            if (args.length != 1) {
                throw new LaunchException("usage: EmbeddedMain CONF (iris.system, iris.cluster, iris.handlers)");
            }
            start(Path.of(args[0]), EmbeddedMain.class.getClassLoader());
        } catch (LaunchException | IpcException | IllegalArgumentException e) {
            System.err.println("iris-embedded: " + e.getMessage());
            System.exit(1);
        }
        NodeMain.park();
    }

    /** Starts the cluster {@code confFile} describes with the program's classes from {@code loader}. */
    public static EmbeddedCluster start(Path confFile, ClassLoader loader) {
        Properties conf = NodeMain.read(confFile);
        GeneratedSystem system = GeneratedSystem.load(NodeMain.required(conf, "iris.system"), loader);
        Object cluster = system.cluster(conf.getProperty("iris.cluster"));
        EmbeddedCluster running = system.startEmbedded(cluster, system.handlers(NodeMain.handlerClasses(conf, loader)),
                ClusterSession.embedded(GeneratedSystem.name(cluster), conf, System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(running::close, "iris-embedded-stop"));
        for (Node node : running.nodes()) {
            System.out.println("READY " + node.id().name() + " embedded");
        }
        System.out.flush();
        return running;
    }
}
