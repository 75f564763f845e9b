package dev.iris.runtime.launch;

import dev.iris.runtime.NodeListener;
import dev.iris.runtime.monitor.MonitorServer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a program's main class with a monitor for each of the nodes it starts in this JVM, as the
 * IDE's "all nodes in one JVM" launches do:
 *
 * <pre>
 * MonitoredMain [--monitor NODE=HOST:PORT]... [--credentials DIR] [--] MAIN [ARGS...]
 * </pre>
 *
 * Every node this JVM starts whose name has a {@code --monitor} serves its monitor there, with its
 * credentials from {@code DIR/NODE} ({@link MonitorServer#listener}), and prints
 * {@code MONITOR <node> <host:port>} once it listens (port 0 picks a free port, as it should: the
 * IDE reads the line); then {@code MAIN}'s {@code main(ARGS)} runs ({@link EmbeddedMain} for a program without a main class). Bad arguments
 * exit with status 2 and say which.
 */
public final class MonitoredMain {
    private MonitoredMain() {
    }

    public static void main(String[] args) throws Throwable {
        ConsoleLogging.install();
        Map<String, InetSocketAddress> monitors = new LinkedHashMap<>();
        Path credentials = null;
        int i = 0;
        while (i < args.length && args[i].startsWith("--")) {
            String option = args[i++];
            if (option.equals("--")) {
                break;
            }
            switch (option) {
                case "--monitor" -> {
                    String spec = value(args, i++, "--monitor NODE=HOST:PORT");
                    int eq = spec.indexOf('=');
                    int colon = spec.lastIndexOf(':');
                    if (eq <= 0 || colon < eq) {
                        fail("--monitor wants NODE=HOST:PORT, not '" + spec + "'");
                    }
                    try {
                        monitors.put(spec.substring(0, eq), new InetSocketAddress(spec.substring(eq + 1, colon),
                                Integer.parseInt(spec.substring(colon + 1))));
                    } catch (IllegalArgumentException e) {
                        fail("--monitor " + spec + ": " + e.getMessage());
                    }
                }
                case "--credentials" -> credentials = Path.of(value(args, i++, "--credentials DIR"));
                default -> fail("unknown option " + option);
            }
        }
        if (i >= args.length) {
            fail("usage: MonitoredMain [--monitor NODE=HOST:PORT]... [--credentials DIR] [--] MAIN [ARGS...]");
        }
        NodeListener.everyNode(MonitorServer.listener(monitors, credentials,
                (node, address) -> System.out.println("MONITOR " + node + " " + address)));
        Method main = Class.forName(args[i], true, MonitoredMain.class.getClassLoader())
                .getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, i + 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void fail(String message) {
        System.err.println("iris-monitored: " + message);
        System.exit(2);
    }

    private static String value(String[] args, int i, String usage) {
        if (i >= args.length) {
            fail("missing value: " + usage);
        }
        return args[i];
    }
}
