package dev.iris.core.internal;

import dev.iris.core.launching.IrisLaunching;
import dev.iris.core.monitor.ClusterMonitor;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import org.eclipse.debug.core.IStreamListener;
import org.eclipse.debug.core.model.IProcess;
import org.eclipse.debug.core.model.IStreamMonitor;
import org.eclipse.debug.core.model.IStreamsProxy;

/**
 * Reads a launched JVM's standard output for the lines {@code MONITOR <node> <host:port>} that
 * {@code NodeMain} and {@code MonitoredMain} print once a node's monitor has bound its port, and
 * tells the cluster's {@link ClusterMonitor} where to connect; and for {@code READY <node>
 * <host:port>}, which {@code NodeMain} prints once its node listens and runs: that address becomes
 * the process's {@link IrisLaunching#ATTR_PROCESS_ADDRESS} (a change event of the process). The
 * monitors bind port 0 so that no other process can take a port chosen for them in advance.
 */
final class MonitorAnnouncements {
    /** A longer line is no announcement: it is dropped, not kept, whatever a program prints. */
    private static final int MAX_LINE = 1_024;

    private final ClusterMonitor monitor;
    private final IProcess process;
    /** The node whose READY line gives {@link #process} its address, or null. */
    private final String node;
    /** The last line the JVM wrote to standard error (the console takes the stream's own buffer). */
    private volatile String lastError = "";

    private MonitorAnnouncements(ClusterMonitor monitor, IProcess process, String node) {
        this.monitor = monitor;
        this.process = process;
        this.node = node;
    }

    /**
     * Follows {@code process}'s output from its start: standard output for {@code monitor} and for
     * the address of {@code node} (null: the JVM runs no node of its own), standard error for its
     * last line.
     */
    static MonitorAnnouncements follow(IProcess process, ClusterMonitor monitor, String node) {
        MonitorAnnouncements announcements = new MonitorAnnouncements(monitor, process, node);
        IStreamsProxy streams = process.getStreamsProxy();
        if (streams != null) { // else the launch captures no output: nothing to learn
            follow(streams.getOutputStreamMonitor(), announcements::read);
            follow(streams.getErrorStreamMonitor(), line -> {
                if (!line.isEmpty()) {
                    announcements.lastError = line;
                }
            });
        }
        return announcements;
    }

    /** The last line the JVM wrote to standard error so far; empty if none. */
    String lastError() {
        return lastError;
    }

    private static void follow(IStreamMonitor stream, Consumer<String> lines) {
        Lines listener = new Lines(lines);
        // Eclipse's stream monitor appends and notifies holding its own lock, as the console takes what
        // it buffered: nothing printed so far is missed or read twice. (When the console took the buffer
        // first, output before this listener is gone; a node prints MONITOR only after its JVM started.)
        synchronized (stream) {
            listener.streamAppended(stream.getContents(), stream);
            stream.addListener(listener);
        }
    }

    /** Splits what a stream appends into lines (stripped; overlong ones dropped). */
    private static final class Lines implements IStreamListener {
        private final Consumer<String> lines;
        private final StringBuilder line = new StringBuilder();
        private boolean overlong;

        Lines(Consumer<String> lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void streamAppended(String text, IStreamMonitor stream) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\n') {
                    if (!overlong) {
                        lines.accept(line.toString().strip());
                    }
                    line.setLength(0);
                    overlong = false;
                } else if (line.length() < MAX_LINE) {
                    line.append(c);
                } else {
                    overlong = true;
                }
            }
        }
    }

    private void read(String text) {
        String[] words = text.split(" ");
        if (words.length != 3 || !(words[0].equals("MONITOR") || words[0].equals("READY"))) {
            return;
        }
        int colon = words[2].lastIndexOf(':');
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(words[2].substring(0, colon), Integer.parseInt(words[2].substring(colon + 1)));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return; // not an announcement after all (a program's own output, or an embedded node)
        }
        if (words[0].equals("MONITOR")) {
            monitor.located(words[1], address);
        } else if (words[1].equals(node)) {
            process.setAttribute(IrisLaunching.ATTR_PROCESS_ADDRESS, words[2]);
        }
    }
}
