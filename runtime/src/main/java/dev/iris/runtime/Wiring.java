package dev.iris.runtime;

import dev.iris.runtime.internal.Log;
import dev.iris.runtime.transport.FragmentAssembler;
import dev.iris.runtime.transport.FragmentEncoder;
import dev.iris.runtime.transport.FrameDecoder;
import dev.iris.runtime.transport.FrameEncoder;
import dev.iris.runtime.transport.Handshake;
import dev.iris.runtime.transport.HandshakeHandler;
import dev.iris.runtime.transport.ReentrantFlush;
import dev.iris.runtime.transport.Tls;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A node's Netty side: the transport (in-JVM, epoll or NIO), its event loops, the pipeline of
 * every connection (TLS, frames, fragments, handshake, then the node's router), the listening
 * channel and the dialing of peers.
 *
 * <p>Event loops: every connection this node makes runs on {@link #protocolLoop}, which also runs
 * the heartbeats and the shared memory's deferred work; every connection peers make to it runs on
 * {@link #inboundLoop}, where requests are decoded and inline handlers run. They are different loops
 * when the group has two, so that a handler holding its loop stops neither the heartbeats nor the
 * failure detector.
 */
final class Wiring {
    private static final System.Logger LOG = Log.of(Wiring.class);
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    private static final int HIGH_WATER = 4 << 20;
    /** Whether Netty's native epoll transport can be used here (Linux with the native library). */
    private static final boolean EPOLL = epollAvailable();

    private final NodeConfig config;
    private final String transport;
    private final boolean local;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final NodeEnvironment.Waiter waiter;
    /** Mutual TLS between nodes, when the configuration has credentials and the transport is TCP. */
    private final Tls tls;
    final EventLoop protocolLoop;
    final EventLoop inboundLoop;
    /** Makes the last handler of a connection (given whether this node made it); set by {@link #bind}. */
    private Function<Boolean, ChannelHandler> router;

    private Wiring(NodeConfig config, String transport, EventLoopGroup group, boolean ownsGroup,
            NodeEnvironment.Waiter waiter) {
        this.config = config;
        this.waiter = waiter;
        this.transport = transport;
        this.local = config.bind() instanceof LocalAddress;
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.tls = config.credentials() == null || local ? null : new Tls(config.credentials());
        if (!local && tls == null) {
            LOG.log(Level.WARNING, "Node ''{0}'' talks TCP without credentials: any peer that knows the cluster name "
                    + "can join (NodeConfig.withCredentials)", config.node());
        }
        this.protocolLoop = group.next();
        this.inboundLoop = otherLoop(group, protocolLoop);
    }

    /** Wiring on event loops of its own: {@link NodeConfig#eventLoops()} for TCP, one for the in-JVM transport. */
    static Wiring of(NodeConfig config, NodeEnvironment.Waiter waiter) {
        boolean local = config.bind() instanceof LocalAddress;
        String transport = local ? "local" : EPOLL ? "epoll" : "nio";
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(local ? 1 : config.eventLoops(), switch (transport) {
            case "local" -> LocalIoHandler.newFactory();
            case "epoll" -> EpollIoHandler.newFactory();
            default -> NioIoHandler.newFactory();
        });
        return new Wiring(config, transport, group, true, waiter);
    }

    /** Wiring on a shared event loop group of the matching transport (in-JVM or NIO); see {@link EmbeddedCluster}. */
    static Wiring shared(NodeConfig config, EventLoopGroup group, NodeEnvironment.Waiter waiter) {
        return new Wiring(config, config.bind() instanceof LocalAddress ? "local" : "nio", group, false, waiter);
    }

    private static boolean epollAvailable() {
        // look before loading: a missing class would throw inside the JVM's class resolution, where
        // debuggers (Eclipse's "suspend on uncaught exceptions") stop every node JVM at startup
        ClassLoader loader = Wiring.class.getClassLoader();
        if (loader != null && loader.getResource("io/netty/channel/epoll/Epoll.class") == null) {
            return false;
        }
        try {
            return Epoll.isAvailable();
        } catch (LinkageError e) {
            return false; // the optional epoll classes are not there (e.g. in an OSGi runtime without them)
        }
    }

    private static EventLoop otherLoop(EventLoopGroup group, EventLoop not) {
        for (EventExecutor e : group) {
            if (e != not && e instanceof EventLoop loop) {
                return loop;
            }
        }
        return not;
    }

    /** {@code local}, {@code epoll} or {@code nio}. */
    String transport() {
        return transport;
    }

    /** The pipeline of a connection; {@code router} makes its last handler. */
    private ChannelInitializer<Channel> initializer(boolean outbound, Function<Boolean, ChannelHandler> router) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                if (local) {
                    ch.pipeline().addLast(new ReentrantFlush());
                }
                if (tls != null) {
                    ch.pipeline().addLast(tls.handler(ch, outbound));
                }
                ch.pipeline().addLast(
                        new FlushConsolidationHandler(256, true),
                        new FrameDecoder(config.maxFrameBytes()),
                        // direct: no handler nearer the tail but the fragmenter sees outbound frames, unless
                        // a test installs one (a fault layer)
                        new FrameEncoder(config.maxFrameBytes(), config.connectionHandlers().isEmpty()),
                        new FragmentEncoder(config.maxFrameBytes(), config.maxMessageBytes()),
                        new HandshakeHandler(new Handshake(config.cluster(), Handshake.PROTOCOL, config.node()),
                                HANDSHAKE_TIMEOUT_MILLIS),
                        new FragmentAssembler(config.maxMessageBytes()));
                config.connectionHandlers().forEach(handler -> ch.pipeline().addLast(handler.get()));
                ch.pipeline().addLast(router.apply(outbound));
            }
        };
    }

    /**
     * Listens on the configured address; connections from peers get {@code router}'s handler.
     *
     * @throws IpcException if the address cannot be bound (for example, the port is in use)
     */
    Channel bind(Function<Boolean, ChannelHandler> router) {
        this.router = router;
        ServerBootstrap bootstrap = new ServerBootstrap().group(protocolLoop, inboundLoop)
                .channel(serverChannelClass())
                .childHandler(initializer(false, router));
        bootstrap.childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(Ipc.LOW_WATER, HIGH_WATER));
        if (!local) {
            bootstrap.childOption(ChannelOption.TCP_NODELAY, true);
        }
        ChannelFuture bound = bootstrap.bind(config.bind());
        if (!await(bound, Long.MAX_VALUE)) { // only in a simulation that has nothing left to run
            throw new IpcException("node '" + config.node() + "' cannot listen on " + format(config.bind())
                    + ": its event loop stopped before the bind completed");
        }
        if (!bound.isSuccess()) {
            throw new IpcException("node '" + config.node() + "' cannot listen on " + format(config.bind()) + ": "
                    + bound.cause().getMessage());
        }
        return bound.channel();
    }

    /** Waits until {@code future} is done, at most {@code millis}; whether it is. */
    boolean await(Future<?> future, long millis) {
        return waiter.await(future, millis);
    }

    /** Dials a peer on {@link #protocolLoop}. */
    ChannelFuture connect(SocketAddress address) {
        Bootstrap bootstrap = new Bootstrap().group(protocolLoop).channel(socketChannelClass())
                .handler(initializer(true, router));
        bootstrap.option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(Ipc.LOW_WATER, HIGH_WATER));
        if (!local) {
            bootstrap.option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000);
        }
        return bootstrap.connect(address);
    }

    private Class<? extends ServerChannel> serverChannelClass() {
        return local ? LocalServerChannel.class
                : "epoll".equals(transport) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    private Class<? extends Channel> socketChannelClass() {
        return local ? LocalChannel.class
                : "epoll".equals(transport) ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** Stops the event loops if this wiring owns them. */
    void shutdown() {
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    /** Stops the event loops at once if this wiring owns them (a node that could not start). */
    void abandon() {
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ addresses

    /** {@code host:port} for TCP, {@code local:NAME} for the in-JVM transport. */
    static String format(SocketAddress address) {
        if (address instanceof LocalAddress la) {
            return "local:" + la.id();
        }
        InetSocketAddress inet = (InetSocketAddress) address;
        String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
        return host + ":" + inet.getPort();
    }

    /** The inverse of {@link #format}. */
    static SocketAddress parse(String address) {
        if (address.startsWith("local:")) {
            return new LocalAddress(address.substring("local:".length()));
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not host:port or local:NAME: '" + address + "'");
        }
        return new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
    }
}
