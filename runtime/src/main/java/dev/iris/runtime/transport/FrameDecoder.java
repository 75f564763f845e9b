package dev.iris.runtime.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Reads {@link Frame}s in the wire grammar documented on {@link Frame}, from a byte stream that
 * may split or coalesce them arbitrarily.
 *
 * <p>Failures: a length above the maximum raises {@link TooLongFrameException} as soon as the
 * length prefix is read (nothing of the frame is buffered); a length shorter than the header,
 * an unknown version or an unknown kind raises {@link FrameFormatException}. Each names the
 * offending value and the remote address; the connection should then be closed.
 *
 * <p>Not sharable: one instance per channel.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    /**
     * The frame length (prefix included) from which the reads that bring a frame are composed
     * rather than copied together: a large frame (a segment's piece) arrives in many reads, and
     * merging copies the bytes so far again at each one that grows the buffer.
     */
    static final int COMPOSE_FROM = 64 * 1024;

    /**
     * Merges the reads that bring the rest of a small frame (the common case, as Netty does by
     * default) and composes those of a large one. What follows a large frame in the same
     * cumulation stays composed until the cumulation is read whole: small frames among a stream of
     * large ones (requests beside a segment's moves) are slices of a composite buffer then.
     */
    private static final Cumulator CUMULATOR = (alloc, cumulation, in) ->
            cumulation instanceof CompositeByteBuf || waitsForLargeFrame(cumulation)
                    ? COMPOSITE_CUMULATOR.cumulate(alloc, cumulation, in)
                    : MERGE_CUMULATOR.cumulate(alloc, cumulation, in);

    /** Whether the frame that {@code cumulation} starts with is at least {@link #COMPOSE_FROM} bytes. */
    private static boolean waitsForLargeFrame(ByteBuf cumulation) {
        return cumulation.readableBytes() >= Frame.LENGTH_FIELD_BYTES
                && cumulation.getUnsignedInt(cumulation.readerIndex()) + Frame.LENGTH_FIELD_BYTES >= COMPOSE_FROM;
    }

    private final int maxFrameBytes;

    /** @param maxFrameBytes the largest {@code length} accepted */
    public FrameDecoder(int maxFrameBytes) {
        // the super class bounds the whole frame, length prefix included
        super(maxFrameBytes + Frame.LENGTH_FIELD_BYTES, 0, Frame.LENGTH_FIELD_BYTES, 0, Frame.LENGTH_FIELD_BYTES, true);
        this.maxFrameBytes = maxFrameBytes;
        setCumulator(CUMULATOR);
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (in.readableBytes() >= Frame.LENGTH_FIELD_BYTES) {
            long length = in.getUnsignedInt(in.readerIndex());
            if (length < Frame.HEADER_BYTES) {
                throw new FrameFormatException("frame length " + length + " from " + ctx.channel().remoteAddress()
                        + " is shorter than the " + Frame.HEADER_BYTES + "-byte header");
            }
            if (length > maxFrameBytes) {
                // the super class would report it too, but only after discarding; fail with the facts first
                throw new TooLongFrameException("frame length " + length + " from " + ctx.channel().remoteAddress()
                        + " exceeds the maximum frame size of " + maxFrameBytes + " bytes");
            }
        }
        ByteBuf body = (ByteBuf) super.decode(ctx, in);
        if (body == null) {
            return null;
        }
        try {
            int version = body.readUnsignedByte();
            if (version != Frame.VERSION) {
                throw new FrameFormatException("frame version " + version + " from " + ctx.channel().remoteAddress()
                        + " is not supported (this node speaks version " + Frame.VERSION + ")");
            }
            int code = body.readUnsignedByte();
            FrameKind kind = FrameKind.ofCode(code);
            if (kind == null) {
                throw new FrameFormatException("unknown frame kind " + code + " from " + ctx.channel().remoteAddress());
            }
            int flags = body.readUnsignedShort();
            // the payload is what follows the header: the frame keeps this buffer, no second slice
            return new Frame(kind, flags, body);
        } catch (RuntimeException e) {
            body.release();
            throw e;
        }
    }
}
