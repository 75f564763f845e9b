package dev.iris.bench.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports to listen on that must be known before the listener starts: the peers the harness runs
 * beside Iris (JGroups, Hazelcast) take their members' addresses in advance. Where a listener can
 * bind port 0 and report what it got, as Iris nodes and raw Netty do, do that instead.
 *
 * <p>The ports come from below the system's ephemeral range ({@code ip_local_port_range}, 32768 and
 * up by default): a port of that range that is free now can be taken as the source port of any
 * outgoing connection before its listener binds it, which a port below the range cannot.
 */
final class ListenPorts {
    private static final int LOWEST = 10_000;

    private ListenPorts() {
    }

    /**
     * {@code count} distinct ports on {@code host}, each free when this returns and outside the
     * ephemeral range.
     *
     * @throws UncheckedIOException if not enough free ports are found
     */
    public static List<Integer> free(InetAddress host, int count) {
        int highest = ephemeralStart() - 1;
        List<Integer> ports = new ArrayList<>();
        for (int attempt = 0; ports.size() < count && attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
            if (!ports.contains(port) && bindable(host, port)) {
                ports.add(port);
            }
        }
        if (ports.size() < count) {
            throw new UncheckedIOException(new IOException("found only " + ports.size() + " of " + count
                    + " free ports between " + LOWEST + " and " + highest + " on " + host));
        }
        return ports;
    }

    private static boolean bindable(InetAddress host, int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, host)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of Linux's ephemeral range, or 32768 where it cannot be read. */
    private static int ephemeralStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            return Math.max(LOWEST + 100, Integer.parseInt(range.split("\\s+")[0]));
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }
}
