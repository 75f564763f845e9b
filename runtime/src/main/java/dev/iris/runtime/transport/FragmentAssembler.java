package dev.iris.runtime.transport;

import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Reassembles frames split by {@link FragmentEncoder}: the pieces are joined in a composite
 * buffer (no copy) and passed on as one frame of the first piece's kind, without the
 * {@link FragmentEncoder#MORE} flag. Other frames pass through.
 *
 * <p>Failures ({@link FrameFormatException}, the connection should be closed): a
 * {@link FrameKind#CONTINUATION} without a first piece, a new frame before the last piece, or
 * pieces adding up to more than the message limit (checked as each piece arrives, so a peer
 * cannot make this node buffer more than the limit). One instance per channel, after the
 * handshake.
 */
public final class FragmentAssembler extends ChannelInboundHandlerAdapter {
    private final long maxMessageBytes;
    private final long maxPieces;
    private long pieceCount;
    private FrameKind kind;
    private int flags;
    private CompositeByteBuf pieces;

    /** @param maxMessageBytes the largest reassembled payload accepted */
    public FragmentAssembler(long maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
        // pieces before the last are never empty; the smallest sensible frame bound is 1 KiB
        this.maxPieces = maxMessageBytes / 1020 + 2;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Frame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        boolean more = (frame.flags() & FragmentEncoder.MORE) != 0;
        if (!more && pieces == null && frame.kind() != FrameKind.CONTINUATION) {
            ctx.fireChannelRead(frame); // a whole frame, the usual case
            return;
        }
        try {
            if (frame.kind() != FrameKind.CONTINUATION) {
                if (pieces != null) {
                    throw new FrameFormatException("a " + frame.kind() + " frame from " + ctx.channel().remoteAddress()
                            + " interrupts a fragmented " + kind + " frame");
                }
                kind = frame.kind();
                flags = frame.flags() & ~FragmentEncoder.MORE;
                pieces = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
                pieceCount = 0;
            } else if (pieces == null) {
                throw new FrameFormatException("a continuation from " + ctx.channel().remoteAddress()
                        + " without a fragmented frame before it");
            }
            if (more && !frame.payload().isReadable()) {
                throw new FrameFormatException("an empty piece of a fragmented " + kind + " frame from "
                        + ctx.channel().remoteAddress());
            }
            if (++pieceCount > maxPieces) {
                throw new FrameFormatException("a fragmented " + kind + " frame from " + ctx.channel().remoteAddress()
                        + " has more than " + maxPieces + " pieces");
            }
            if ((long) pieces.readableBytes() + frame.payload().readableBytes() > maxMessageBytes) {
                throw new FrameFormatException("a fragmented " + kind + " frame from " + ctx.channel().remoteAddress()
                        + " exceeds the message limit of " + maxMessageBytes + " bytes");
            }
            pieces.addComponent(true, frame.payload().retain());
            if (!more) {
                Frame whole = new Frame(kind, flags, pieces);
                pieces = null;
                ctx.fireChannelRead(whole);
            }
        } finally {
            ReferenceCountUtil.release(frame);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    private void release() {
        if (pieces != null) {
            pieces.release();
            pieces = null;
        }
    }
}
