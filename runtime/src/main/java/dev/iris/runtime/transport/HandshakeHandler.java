package dev.iris.runtime.transport;

import dev.iris.runtime.internal.Log;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The connection handshake: sends this node's {@link Handshake} when the channel becomes active
 * and accepts the peer's only if it names the same cluster and protocol version.
 *
 * <p>On success the handler removes itself, fires the peer's {@link Handshake} as a user event
 * down the pipeline and completes {@link #result()}. On failure (another cluster or version, a
 * first frame that is not a handshake, a malformed frame, no handshake within the timeout, or a
 * {@link FrameKind#REJECT} from the peer) it logs the reason, sends a {@link Reject} where the
 * peer is at fault, closes the channel and completes {@link #result()} exceptionally with a
 * {@link HandshakeException}. No frame of a peer is passed on before its handshake succeeded.
 *
 * <p>Sits after {@link FrameDecoder} and {@link FrameEncoder}; one instance per channel; all
 * methods run on the channel's event loop.
 */
public final class HandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = Log.of(HandshakeHandler.class);

    private final Handshake local;
    private final long timeoutMillis;
    private final CompletableFuture<Handshake> result = new CompletableFuture<>();
    private ScheduledFuture<?> timeout;

    /**
     * @param local         what this node says about itself
     * @param timeoutMillis how long to wait for the peer's handshake before closing
     */
    public HandshakeHandler(Handshake local, long timeoutMillis) {
        this.local = Objects.requireNonNull(local, "local");
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("timeoutMillis must be positive: " + timeoutMillis);
        }
        this.timeoutMillis = timeoutMillis;
    }

    /** Completes with the peer's handshake, or exceptionally with a {@link HandshakeException}. */
    public CompletableFuture<Handshake> result() {
        return result;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(new Frame(FrameKind.HANDSHAKE, 0, local.encode(ctx.alloc())))
                .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        timeout = ctx.executor().schedule(
                () -> fail(ctx, "no handshake from " + ctx.channel().remoteAddress() + " within " + timeoutMillis + " ms",
                        true),
                timeoutMillis, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof Frame frame)) {
                fail(ctx, "expected a handshake frame but got " + msg.getClass().getSimpleName(), true);
                return;
            }
            switch (frame.kind()) {
                case HANDSHAKE -> accept(ctx, Handshake.decode(frame.payload()));
                case REJECT -> fail(ctx, "refused by " + ctx.channel().remoteAddress() + ": "
                        + Reject.decode(frame.payload()).reason(), false);
                default -> fail(ctx, "expected a handshake from " + ctx.channel().remoteAddress() + " but got a "
                        + frame.kind() + " frame", true);
            }
        } catch (FrameFormatException e) {
            fail(ctx, "malformed handshake from " + ctx.channel().remoteAddress() + ": " + e.getMessage(), true);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void accept(ChannelHandlerContext ctx, Handshake peer) {
        if (result.isDone()) {
            return; // already refused (or accepted): nothing more is taken from this peer
        }
        if (!peer.cluster().equals(local.cluster())) {
            fail(ctx, "node '" + peer.node() + "' at " + ctx.channel().remoteAddress() + " belongs to cluster '"
                    + peer.cluster() + "', this node to '" + local.cluster() + "'", true);
        } else if (peer.protocol() != local.protocol()) {
            fail(ctx, "node '" + peer.node() + "' at " + ctx.channel().remoteAddress() + " speaks protocol "
                    + peer.protocol() + ", this node " + local.protocol(), true);
        } else if (!certified(ctx, peer)) {
            return;
        } else {
            cancelTimeout();
            ctx.pipeline().remove(this);
            result.complete(peer);
            ctx.fireUserEventTriggered(peer);
        }
    }

    /** Under TLS, the peer's certificate must name the node its handshake names; refuses it otherwise. */
    private boolean certified(ChannelHandlerContext ctx, Handshake peer) {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls == null) {
            return true;
        }
        String certified;
        try {
            certified = Tls.certifiedNode(tls);
        } catch (SSLPeerUnverifiedException e) {
            fail(ctx, "node '" + peer.node() + "' at " + ctx.channel().remoteAddress() + " has no verified certificate",
                    true);
            return false;
        }
        if (!certified.equals(peer.node())) {
            fail(ctx, "a peer at " + ctx.channel().remoteAddress() + " calls itself '" + peer.node()
                    + "' but its certificate is for '" + certified + "'", true);
            return false;
        }
        return true;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, "connection to " + ctx.channel().remoteAddress() + " failed during the handshake: " + cause.getMessage(),
                cause instanceof FrameFormatException);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimeout();
        result.completeExceptionally(
                new HandshakeException("connection to " + ctx.channel().remoteAddress() + " closed during the handshake"));
        ctx.fireChannelInactive();
    }

    private void fail(ChannelHandlerContext ctx, String reason, boolean tellPeer) {
        cancelTimeout();
        if (result.isDone()) {
            return;
        }
        LOG.log(Level.WARNING, "Refusing connection: {0}", reason);
        result.completeExceptionally(new HandshakeException(reason));
        if (tellPeer && ctx.channel().isActive()) {
            ctx.writeAndFlush(new Frame(FrameKind.REJECT, 0, new Reject(reason).encode(ctx.alloc())))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }
}
