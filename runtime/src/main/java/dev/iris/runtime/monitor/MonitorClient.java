package dev.iris.runtime.monitor;

import dev.iris.runtime.IpcException;
import dev.iris.runtime.internal.Log;
import dev.iris.runtime.security.NodeCredentials;
import dev.iris.runtime.transport.FragmentAssembler;
import dev.iris.runtime.transport.Frame;
import dev.iris.runtime.transport.FrameDecoder;
import dev.iris.runtime.transport.FrameEncoder;
import dev.iris.runtime.transport.FrameFormatException;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.Handshake;
import dev.iris.runtime.transport.HandshakeException;
import dev.iris.runtime.transport.HandshakeHandler;
import dev.iris.runtime.transport.Tls;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A connection to one node's monitor endpoint ({@link MonitorServer}): hands every
 * {@link MonitorMessage} the node sends to a listener, on the connection's own thread, in the
 * order the node sent them.
 */
public final class MonitorClient implements AutoCloseable {
    private static final System.Logger LOG = Log.of(MonitorClient.class);
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /** Frames and messages a node's monitor may send this client. */
    private static final int MAX_FRAME_BYTES = Frame.DEFAULT_MAX_FRAME_BYTES;
    private static final long MAX_MESSAGE_BYTES = 64L << 20;

    private final EventLoopGroup group;
    private final Channel channel;
    private final String node;

    private MonitorClient(EventLoopGroup group, Channel channel, String node) {
        this.group = group;
        this.channel = channel;
        this.node = node;
    }

    /**
     * Connects to the monitor at {@code address} and waits for its handshake.
     *
     * @param cluster     the cluster the node belongs to (the node refuses another)
     * @param credentials a certificate of the cluster's authority (the client's name is its subject),
     *                    or {@code null} for a node that serves its monitor without TLS
     * @param listener    gets each message, on the connection's thread; it must not block
     * @throws IpcException if the node cannot be reached or refuses this client, saying why
     */
    public static MonitorClient connect(InetSocketAddress address, String cluster, NodeCredentials credentials,
            Consumer<MonitorMessage> listener) {
        Objects.requireNonNull(listener, "listener");
        Tls tls = credentials == null ? null : new Tls(credentials);
        String name = credentials == null ? "monitor" : credentials.node();
        HandshakeHandler handshake = new HandshakeHandler(new Handshake(cluster, Handshake.PROTOCOL, name),
                HANDSHAKE_TIMEOUT_MILLIS);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000).handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.handler(ch, true));
                        }
                        ch.pipeline().addLast(new FrameDecoder(MAX_FRAME_BYTES), new FrameEncoder(MAX_FRAME_BYTES),
                                handshake, new FragmentAssembler(MAX_MESSAGE_BYTES), new Reader(listener));
                    }
                });
        try {
            ChannelFuture connected = bootstrap.connect(address).awaitUninterruptibly();
            if (!connected.isSuccess()) {
                throw new IpcException("cannot reach the monitor at " + address + ": "
                        + connected.cause().getMessage());
            }
            Handshake peer = handshake.result().get(HANDSHAKE_TIMEOUT_MILLIS + 5_000, TimeUnit.MILLISECONDS);
            return new MonitorClient(group, connected.channel(), peer.node());
        } catch (ExecutionException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IpcException("the monitor at " + address + " refused the connection: "
                    + (e.getCause() instanceof HandshakeException h ? h.getMessage() : String.valueOf(e.getCause())));
        } catch (TimeoutException | InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof IpcException ipc ? ipc
                    : new IpcException("cannot connect to the monitor at " + address + ": " + e);
        }
    }

    /** The name of the node this client watches. */
    public String node() {
        return node;
    }

    /**
     * Stops the watched node's time ({@code pause}; debug time, {@link dev.iris.runtime.Node#pauseTime})
     * or lets it run again. The node restarts it by itself when this client disconnects.
     */
    public void pauseTime(boolean pause) {
        channel.writeAndFlush(new Frame(FrameKind.MONITOR, 0, MonitorWire.timeCommand(channel.alloc(), pause)));
    }

    /**
     * Asks the watched node for a census of its heaps ({@link dev.iris.runtime.dsm.SharedHeap#census}); it
     * comes as a {@link MonitorMessage.Heap} among the node's other messages. The node reads its heaps
     * for it, taking read copies of their pages.
     */
    public void census() {
        channel.writeAndFlush(new Frame(FrameKind.MONITOR, 0, MonitorWire.censusCommand(channel.alloc())));
    }

    /** Whether the connection is still open. */
    public boolean isConnected() {
        return channel.isActive();
    }

    /** Completes when the connection ends, by {@link #close()} or because the node went away. */
    public CompletableFuture<Void> closed() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        channel.closeFuture().addListener(f -> closed.complete(null));
        return closed;
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** Decodes monitor frames and hands the messages on. */
    private static final class Reader extends ChannelInboundHandlerAdapter {
        private final Consumer<MonitorMessage> listener;
        private final MonitorWire.PagesAssembler pages = new MonitorWire.PagesAssembler();

        Reader(Consumer<MonitorMessage> listener) {
            this.listener = listener;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!(msg instanceof Frame frame) || frame.kind() != FrameKind.MONITOR) {
                    throw new FrameFormatException("a monitor sent a "
                            + (msg instanceof Frame f ? f.kind() + " frame" : msg.getClass().getSimpleName()));
                }
                MonitorMessage message = switch (MonitorWire.decode(frame.payload())) {
                    case MonitorWire.Whole whole -> whole.message();
                    case MonitorWire.PagePiece piece -> pages.add(piece);
                };
                if (message != null) {
                    listener.accept(message);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(Level.WARNING, "Closing the monitor connection to {0}: {1}", ctx.channel().remoteAddress(),
                    cause.getMessage());
            ctx.close();
        }
    }
}
