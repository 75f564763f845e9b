package dev.iris.runtime;

import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.security.NodeCredentials;
import dev.iris.runtime.transport.Frame;
import io.netty.channel.ChannelHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How to start a {@link Node}.
 *
 * @param node              the node name, unique in the cluster (1 to 255 bytes of UTF-8)
 * @param cluster           the cluster name; peers of another cluster are refused at the handshake
 * @param bind              where to listen: an {@link InetSocketAddress} (TCP between JVMs; port 0
 *                          picks a free one) or an {@link io.netty.channel.local.LocalAddress}
 *                          (in-JVM transport: start such nodes with an {@link EmbeddedCluster},
 *                          which keeps them on one event loop; see there why)
 * @param seeds             nodes to contact at start; may be empty for the first node. A node
 *                          that reaches one seed learns the others from it.
 * @param heartbeatInterval how often this node tells its peers it is alive
 * @param failureTimeout    a peer not heard from for this long is declared dead (default 2 s)
 * @param maxFrameBytes     the largest frame sent or accepted (default 1 MiB); larger messages
 *                          travel as several frames
 * @param maxMessageBytes   the largest encoded message sent or accepted (default 64 MiB), the
 *                          bound on what a peer can make this node buffer for one message
 * @param memory            the cluster's shared memory (the same on every node; default none)
 * @param credentials       this node's credentials: with them, connections between nodes are
 *                          mutual TLS and a peer without credentials from the same authority is
 *                          refused; {@code null} (the default) for none. Ignored by the in-JVM
 *                          transport.
 * @param eventLoops        the Netty event loops of a node started with {@link Node#start} over TCP
 *                          (1 to 64; default 2). With two or more, the connections this node makes
 *                          (its requests, heartbeats and failure detection) run on one loop and the
 *                          connections peers make to it (their requests, and handlers run with
 *                          {@link Dispatch#EVENT_LOOP}) on another, so that a handler holding its
 *                          loop delays no heartbeat; with one, everything shares it. A node of an
 *                          {@link EmbeddedCluster} uses the cluster's loops; the in-JVM transport
 *                          started alone uses one.
 * @param processesOnEventLoop whether this node's processes run on its event loop (the one of the
 *                          connections it makes) instead of the JDK's shared carrier threads
 *                          (default false). A process then waits for a reply or a page, and is
 *                          resumed when it arrives, without waking another thread: a blocking
 *                          Send/Reply or page fault costs about what the wire does. The loop runs
 *                          one process at a time, until it blocks, so a process must not compute for
 *                          long between blocking calls: one that holds the loop for a fifth of a
 *                          heartbeat interval is reported with a warning and moved to the shared
 *                          carrier threads for good. Under a debugger, a process stopped at a
 *                          breakpoint stops its loop too (and with it the node's I/O and
 *                          heartbeats): turn this off to debug. Needs Java 24 or newer and the JVM
 *                          option {@code --add-opens java.base/java.lang=ALL-UNNAMED}; a node
 *                          started with it where either is missing fails to start, saying which.
 * @param listeners         told when this node starts and closes (monitors, recorders); default none
 * @param connectionHandlers makes a handler for each connection between this node and a peer (see
 *                          {@link #withConnectionHandler}); default none
 * @param dataDirectory     where this node keeps what must outlive it: the log of its pages when the
 *                          shared memory is {@linkplain MemoryConfig#persistent() persistent}, which
 *                          needs one (created if missing; one node's, never shared); {@code null}
 *                          (the default) for none
 */
public record NodeConfig(String node, String cluster, SocketAddress bind, List<SocketAddress> seeds,
        Duration heartbeatInterval, Duration failureTimeout, int maxFrameBytes, long maxMessageBytes,
        MemoryConfig memory, NodeCredentials credentials, int eventLoops, boolean processesOnEventLoop,
        List<NodeListener> listeners, List<Supplier<? extends ChannelHandler>> connectionHandlers,
        Path dataDirectory) {

    /** The default of {@link #maxMessageBytes()}: 64 MiB. */
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 64L << 20;

    public NodeConfig {
        NodeId.of(node);
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(bind, "bind");
        seeds = List.copyOf(seeds);
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("heartbeatInterval must be positive");
        }
        if (failureTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("failureTimeout (" + failureTimeout
                    + ") must be at least twice the heartbeat interval (" + heartbeatInterval + ")");
        }
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("maxFrameBytes must be at least 1024: " + maxFrameBytes);
        }
        Objects.requireNonNull(memory, "memory");
        if (credentials != null && !credentials.node().equals(node)) {
            throw new IllegalArgumentException("the credentials are for node '" + credentials.node() + "', not for '"
                    + node + "'");
        }
        listeners = List.copyOf(listeners);
        connectionHandlers = List.copyOf(connectionHandlers);
        if (eventLoops < 1 || eventLoops > 64) {
            throw new IllegalArgumentException("eventLoops must be 1 to 64: " + eventLoops);
        }
        if (maxMessageBytes < maxFrameBytes) {
            throw new IllegalArgumentException("maxMessageBytes (" + maxMessageBytes
                    + ") must be at least maxFrameBytes (" + maxFrameBytes + ")");
        }
    }

    /** A node with default timing (heartbeat 500 ms, failure timeout 2 s) and frame bound (1 MiB). */
    public static NodeConfig of(String node, String cluster, SocketAddress bind, List<? extends SocketAddress> seeds) {
        return new NodeConfig(node, cluster, bind, List.copyOf(seeds), Duration.ofMillis(500), Duration.ofSeconds(2),
                Frame.DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_MESSAGE_BYTES, MemoryConfig.NONE, null, 2, false, List.of(),
                List.of(), null);
    }

    /** This configuration with another failure detector timing. */
    public NodeConfig withFailureDetection(Duration heartbeatInterval, Duration failureTimeout) {
        return new NodeConfig(node, cluster, bind, seeds, heartbeatInterval, failureTimeout, maxFrameBytes,
                maxMessageBytes, memory, credentials, eventLoops, processesOnEventLoop, listeners, connectionHandlers,
                dataDirectory);
    }

    /** This configuration with other size bounds. */
    public NodeConfig withLimits(int maxFrameBytes, long maxMessageBytes) {
        return new NodeConfig(node, cluster, bind, seeds, heartbeatInterval, failureTimeout, maxFrameBytes,
                maxMessageBytes, memory, credentials, eventLoops, processesOnEventLoop, listeners, connectionHandlers,
                dataDirectory);
    }

    /** This configuration with a shared memory. */
    public NodeConfig withMemory(MemoryConfig memory) {
        return new NodeConfig(node, cluster, bind, seeds, heartbeatInterval, failureTimeout, maxFrameBytes,
                maxMessageBytes, memory, credentials, eventLoops, processesOnEventLoop, listeners, connectionHandlers,
                dataDirectory);
    }

    /** This configuration with another number of event loops (see {@link #eventLoops()}). */
    public NodeConfig withEventLoops(int eventLoops) {
        return new NodeConfig(node, cluster, bind, seeds, heartbeatInterval, failureTimeout, maxFrameBytes,
                maxMessageBytes, memory, credentials, eventLoops, processesOnEventLoop, listeners, connectionHandlers,
                dataDirectory);
    }

    /** This configuration with processes on the event loop, or not (see {@link #processesOnEventLoop()}). */
    public NodeConfig withProcessesOnEventLoop(boolean processesOnEventLoop) {
        return new NodeConfig(node, cluster, bind, seeds, heartbeatInterval, failureTimeout, maxFrameBytes,
                maxMessageBytes, memory, credentials, eventLoops, processesOnEventLoop, listeners, connectionHandlers,
                dataDirectory);
    }

    /** This configuration with one more listener (see {@link NodeListener}). */
    public NodeConfig withListener(NodeListener listener) {
        List<NodeListener> more = new ArrayList<>(listeners);
        more.add(Objects.requireNonNull(listener, "listener"));
        return new NodeConfig(node, cluster, bind, seeds, heartbeatInterval, failureTimeout, maxFrameBytes,
                maxMessageBytes, memory, credentials, eventLoops, processesOnEventLoop, more, connectionHandlers,
                dataDirectory);
    }

    /**
     * This configuration with one more handler in every connection between this node and a peer,
     * for fault injection in tests: a network partition, lost or late frames. {@code handler} makes
     * one for each connection, over TCP and in-JVM alike. It sits after the handshake and before the
     * node's protocols: it sees the peer's {@link dev.iris.runtime.transport.Handshake} as a user
     * event (whom the connection is with), every {@link dev.iris.runtime.transport.Frame} read, and
     * the end of the connection ({@code channelInactive}); what it does not pass on, the node never
     * learns. Nothing a production node needs.
     */
    public NodeConfig withConnectionHandler(Supplier<? extends ChannelHandler> handler) {
        List<Supplier<? extends ChannelHandler>> more = new ArrayList<>(connectionHandlers);
        more.add(Objects.requireNonNull(handler, "handler"));
        return new NodeConfig(node, cluster, bind, seeds, heartbeatInterval, failureTimeout, maxFrameBytes,
                maxMessageBytes, memory, credentials, eventLoops, processesOnEventLoop, listeners, more,
                dataDirectory);
    }

    /** This configuration with a data directory (see {@link #dataDirectory()}). */
    public NodeConfig withDataDirectory(Path directory) {
        return new NodeConfig(node, cluster, bind, seeds, heartbeatInterval, failureTimeout, maxFrameBytes,
                maxMessageBytes, memory, credentials, eventLoops, processesOnEventLoop, listeners, connectionHandlers,
                Objects.requireNonNull(directory, "directory"));
    }

    /** This configuration with credentials: mutual TLS with the nodes of the same authority. */
    public NodeConfig withCredentials(NodeCredentials credentials) {
        return new NodeConfig(node, cluster, bind, seeds, heartbeatInterval, failureTimeout, maxFrameBytes,
                maxMessageBytes, memory, credentials, eventLoops, processesOnEventLoop, listeners, connectionHandlers,
                dataDirectory);
    }
}
