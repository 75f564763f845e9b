package dev.iris.runtime.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.util.AttributeKey;
import java.util.List;

/**
 * Writes {@link Frame}s in the wire grammar documented on {@link Frame}. A frame with headroom gets
 * its prefix written in front of its payload, in the same buffer. Otherwise a payload of up to
 * {@value #COPY_BELOW} bytes is copied behind the header into one buffer (one write, one buffer to
 * release: cheaper than two for what a request usually is); a larger one is not copied: the header
 * buffer and the retained payload are written one after the other.
 * A frame larger than the configured maximum fails the write with an {@link EncoderException}
 * and is never sent, so a peer never has to discard it.
 */
@Sharable
public final class FrameEncoder extends MessageToMessageEncoder<Frame> {
    /** Payloads smaller than this are copied into the header's buffer. */
    public static final int COPY_BELOW = 1024;

    /** A direct encoder's context, on its channel: {@link #write} looks it up per frame. */
    private static final AttributeKey<ChannelHandlerContext> DIRECT = AttributeKey.valueOf(FrameEncoder.class, "direct");

    private final int maxFrameBytes;
    /** Whether {@link #write} may pass frames straight to the handlers before it: no handler after it looks at them. */
    private final boolean direct;

    /** @param maxFrameBytes the largest {@code length} this encoder writes */
    public FrameEncoder(int maxFrameBytes) {
        this(maxFrameBytes, false);
    }

    /**
     * @param maxFrameBytes the largest {@code length} this encoder writes
     * @param direct        whether no outbound handler after this encoder (nearer the tail) but
     *                      {@link FragmentEncoder} looks at frames, so {@link #write} may skip them
     */
    public FrameEncoder(int maxFrameBytes, boolean direct) {
        super(Frame.class);
        this.direct = direct;
        if (maxFrameBytes < Frame.HEADER_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be at least " + Frame.HEADER_BYTES);
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * Writes {@code frame} on {@code ch}, and flushes if {@code flush}: a frame with headroom that
     * fits one frame goes, its prefix written in place, straight to the handlers before this
     * encoder (it needs neither this encoder's nor {@link FragmentEncoder}'s work, nor their hops:
     * the request and reply paths), if the encoder is {@code direct}; any other frame through the
     * whole pipeline. Order is kept:
     * both ways run on the connection's event loop, in call order.
     */
    public static ChannelFuture write(Channel ch, Frame frame, boolean flush) {
        if (frame.headroom()) {
            ChannelHandlerContext ctx = ch.attr(DIRECT).get();
            if (ctx != null && Frame.HEADER_BYTES + frame.payload().readableBytes()
                    <= ((FrameEncoder) ctx.handler()).maxFrameBytes) {
                ByteBuf wire = inPlace(frame);
                return flush ? ctx.writeAndFlush(wire) : ctx.write(wire);
            }
        }
        return flush ? ch.writeAndFlush(frame) : ch.write(frame);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (direct) {
            ctx.channel().attr(DIRECT).set(ctx);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (direct) {
            ctx.channel().attr(DIRECT).compareAndSet(ctx, null); // not a replacement's, added before
        }
    }

    /** A frame with headroom that fits is written as its payload's buffer, with no output list or copy. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof Frame frame && frame.headroom()
                && Frame.HEADER_BYTES + frame.payload().readableBytes() <= maxFrameBytes) {
            ctx.write(inPlace(frame), promise);
        } else {
            super.write(ctx, msg, promise);
        }
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
        ByteBuf payload = frame.payload();
        long length = (long) Frame.HEADER_BYTES + payload.readableBytes();
        if (length > maxFrameBytes) {
            throw new EncoderException(frame.kind() + " frame of " + length + " bytes exceeds the maximum frame size of "
                    + maxFrameBytes + " bytes");
        }
        boolean copy = payload.readableBytes() < COPY_BELOW;
        ByteBuf header = ctx.alloc().buffer(Frame.LENGTH_FIELD_BYTES + Frame.HEADER_BYTES
                + (copy ? payload.readableBytes() : 0));
        header.writeInt((int) length)
                .writeByte(Frame.VERSION)
                .writeByte(frame.kind().code())
                .writeShort(frame.flags());
        if (copy) {
            out.add(header.writeBytes(payload, payload.readerIndex(), payload.readableBytes()));
        } else {
            out.add(header);
            out.add(payload.retain());
        }
    }

    /** The payload's buffer with the prefix written in front of the payload; takes over the frame's reference. */
    private static ByteBuf inPlace(Frame frame) {
        ByteBuf payload = frame.payload();
        int start = payload.readerIndex() - Frame.PREFIX_BYTES;
        return payload.setInt(start, Frame.HEADER_BYTES + payload.readableBytes())
                .setByte(start + Frame.LENGTH_FIELD_BYTES, Frame.VERSION)
                .setByte(start + Frame.LENGTH_FIELD_BYTES + 1, frame.kind().code())
                .setShort(start + Frame.LENGTH_FIELD_BYTES + 2, frame.flags())
                .readerIndex(start);
    }
}
