package dev.iris.runtime.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
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

    private final int maxFrameBytes;

    /** @param maxFrameBytes the largest {@code length} this encoder writes */
    public FrameEncoder(int maxFrameBytes) {
        super(Frame.class);
        if (maxFrameBytes < Frame.HEADER_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be at least " + Frame.HEADER_BYTES);
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
        ByteBuf payload = frame.payload();
        long length = (long) Frame.HEADER_BYTES + payload.readableBytes();
        if (length > maxFrameBytes) {
            throw new EncoderException(frame.kind() + " frame of " + length + " bytes exceeds the maximum frame size of "
                    + maxFrameBytes + " bytes");
        }
        if (frame.headroom()) {
            int start = payload.readerIndex() - Frame.PREFIX_BYTES;
            payload.setInt(start, (int) length)
                    .setByte(start + Frame.LENGTH_FIELD_BYTES, Frame.VERSION)
                    .setByte(start + Frame.LENGTH_FIELD_BYTES + 1, frame.kind().code())
                    .setShort(start + Frame.LENGTH_FIELD_BYTES + 2, frame.flags());
            out.add(payload.retain().readerIndex(start));
            return;
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
}
