package dev.iris.runtime;

import dev.iris.runtime.internal.Log;
import dev.iris.runtime.internal.dsm.Dsm;
import dev.iris.runtime.transport.Frame;
import dev.iris.runtime.transport.FrameFormatException;
import dev.iris.runtime.transport.Handshake;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.lang.System.Logger.Level;

/**
 * The last handler of every connection of a node: tells membership about the handshake and about
 * the connection's end, and hands each frame to the protocol its kind belongs to (a frame of
 * another kind, or a memory frame before the peer is known, closes the connection).
 */
final class Router extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = Log.of(Router.class);

    private final NodeId id;
    private final boolean outbound;
    private final Membership membership;
    private final Ipc ipc;
    private final Segments segments;
    private final Groups groups;
    private final Dsm memory;
    /** The number of the node at the other end, from its admitted handshake; 0 before. */
    private int peerNode;
    /** A frame came in the read under way; the peer is noted as heard once, when the read completes. */
    private boolean framed;

    Router(NodeId id, boolean outbound, Membership membership, Ipc ipc, Segments segments, Groups groups, Dsm memory) {
        this.segments = segments;
        this.id = id;
        this.outbound = outbound;
        this.membership = membership;
        this.ipc = ipc;
        this.groups = groups;
        this.memory = memory;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof Handshake hs) {
            if (outbound) {
                membership.outboundEstablished(ctx.channel(), hs);
            } else {
                membership.inboundEstablished(ctx.channel(), hs);
            }
            if (ctx.channel().hasAttr(Membership.PEER_NAME)) { // not refused
                peerNode = NodeId.of(hs.node()).number();
            }
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        membership.closed(ctx.channel(), outbound);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Frame frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        framed = true;
        try {
            Channel ch = ctx.channel();
            ByteBuf payload = frame.payload();
            switch (frame.kind()) {
                case HEARTBEAT -> { }
                case LEAVE -> membership.onLeave(ch);
                case MEMBERS -> membership.onMembers(payload);
                case SEND -> ipc.onSend(ch, peerNode, payload, frame.flags());
                case REPLY -> ipc.onReply(peerNode, payload, frame.flags());
                case FAIL -> ipc.onFail(payload, frame.flags());
                case MOVED -> ipc.onMoved(payload);
                case SEGMENT_MOVE -> segments.onMove(ch, payload);
                case SEGMENT_ANSWER -> segments.onAnswer(ch, payload);
                case GROUP_SEND -> groups.onGroupSend(ch, peerNode, payload, frame.flags());
                case GROUP_UPDATE -> groups.onGroupUpdate(ch, payload);
                case GROUP_ACK -> groups.onGroupAck(ch, payload);
                case PAGE_REQUEST, PAGE, INVALIDATE, INVALIDATE_ACK, PAGE_FAIL, SYNC, DIFF, DIFF_ACK, REPLICA,
                        REPLICA_ACK, CENSUS, CENSUS_REPLY, HEAP, HEAP_REPLY, LOGGED, PLACE, PLACED -> {
                    Peer peer = membership.of(ch);
                    if (peer == null) {
                        throw new FrameFormatException(frame.kind() + " frame before the peer is known");
                    }
                    memory.onFrame(peer.id.number(), frame.kind(), payload);
                }
                default -> throw new FrameFormatException("unexpected " + frame.kind() + " frame after the handshake");
            }
        } finally {
            frame.release();
        }
    }

    /** The frames of a read tell that the peer lives: noted once per read, not per frame. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (framed) {
            framed = false;
            Peer peer = membership.of(ctx.channel());
            if (peer != null) {
                membership.heard(peer);
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.WARNING, "Node ''{0}'': closing the connection with {1}: {2}", id,
                ctx.channel().remoteAddress(), cause.getMessage());
        ctx.close();
    }
}
