package dev.iris.core.internal;

import dev.iris.core.monitor.ClusterMonitor;
import java.net.InetSocketAddress;
import org.eclipse.debug.core.IStreamListener;
import org.eclipse.debug.core.model.IProcess;
import org.eclipse.debug.core.model.IStreamMonitor;
import org.eclipse.debug.core.model.IStreamsProxy;

/**
 * Reads a launched JVM's standard output for the lines {@code MONITOR <node> <host:port>} that
 * {@code NodeMain} and {@code MonitoredMain} print once a node's monitor has bound its port, and
 * tells the cluster's {@link ClusterMonitor} where to connect. The monitors bind port 0 so that no
 * other process can take a port chosen for them in advance.
 */
final class MonitorAnnouncements implements IStreamListener {
    /** A longer line is no announcement: it is dropped, not kept, whatever a program prints. */
    private static final int MAX_LINE = 1_024;

    private final ClusterMonitor monitor;
    private final StringBuilder line = new StringBuilder();
    private boolean overlong;

    private MonitorAnnouncements(ClusterMonitor monitor) {
        this.monitor = monitor;
    }

    /** Follows {@code process}'s standard output from its start, for {@code monitor}. */
    static void follow(IProcess process, ClusterMonitor monitor) {
        IStreamsProxy streams = process.getStreamsProxy();
        if (streams == null) {
            return; // the launch captures no output: nothing to learn
        }
        IStreamMonitor out = streams.getOutputStreamMonitor();
        MonitorAnnouncements announcements = new MonitorAnnouncements(monitor);
        // Eclipse's stream monitor appends and notifies holding its own lock, as the console takes what
        // it buffered: nothing printed so far is missed or read twice. (When the console took the buffer
        // first, output before this listener is gone; a node prints MONITOR only after its JVM started.)
        synchronized (out) {
            announcements.streamAppended(out.getContents(), out);
            out.addListener(announcements);
        }
    }

    @Override
    public synchronized void streamAppended(String text, IStreamMonitor stream) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                if (!overlong) {
                    read(line.toString().strip());
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

    private void read(String text) {
        String[] words = text.split(" ");
        if (words.length != 3 || !words[0].equals("MONITOR")) {
            return;
        }
        int colon = words[2].lastIndexOf(':');
        try {
            monitor.located(words[1], new InetSocketAddress(words[2].substring(0, colon),
                    Integer.parseInt(words[2].substring(colon + 1))));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            // not an announcement after all (a program's own output that starts with MONITOR)
        }
    }
}
