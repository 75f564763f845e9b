package dev.iris.runtime;

import dev.iris.runtime.transport.Handshake;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.function.BiPredicate;

/**
 * A network partition between the nodes of a test, installed in every connection of a node with
 * {@link #install} ({@link NodeConfig#withConnectionHandler}). While {@code cut.test(receiver, sender)}
 * holds, node {@code receiver} drops every frame from node {@code sender} (heartbeats too), as if
 * the network between them were cut in that direction: a new connection between them is closed
 * after the handshake, and the end of an existing one goes unnoticed, so that only the failure
 * detector declares {@code sender} dead.
 */
final class Partition {
    private volatile BiPredicate<String, String> cut = (receiver, sender) -> false;

    /** Cuts what {@code cut} says, from now on. */
    void cut(BiPredicate<String, String> cut) {
        this.cut = cut;
    }

    void heal() {
        cut = (receiver, sender) -> false;
    }

    /** {@code config} with this partition in its connections. */
    NodeConfig install(NodeConfig config) {
        return config.withConnectionHandler(() -> new Cut(config.node()));
    }

    /** One connection of node {@code self}: knows its peer from the handshake. */
    private final class Cut extends ChannelInboundHandlerAdapter {
        private final String self;
        private String peer;

        Cut(String self) {
            this.self = self;
        }

        private boolean cutOff() {
            return peer != null && cut.test(self, peer);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof Handshake hs) {
                peer = hs.node();
                if (cutOff()) {
                    ctx.close(); // as if the connection could not be made
                    return;
                }
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (cutOff()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!cutOff()) {
                ctx.fireChannelInactive();
            }
        }
    }
}
