package dev.iris.runtime.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Splits a frame whose payload exceeds the frame bound into a sequence of frames, so that bulk
 * data (a large message, a 16 MiB segment) travels without a huge frame and without copying:
 * the pieces are slices of the original payload.
 *
 * <pre>
 * fragmented := first continuation* last
 * first        := frame(kind = K, flags = F | MORE, payload piece)
 * continuation := frame(kind = CONTINUATION, flags = MORE, payload piece)
 * last         := frame(kind = CONTINUATION, flags = 0, payload piece)
 * </pre>
 * {@link #MORE} (bit 15 of the flags) is reserved for fragmentation in every kind. All pieces of
 * one frame are written by one pipeline pass, so pieces of different frames never interleave on
 * a connection. {@link FragmentAssembler} puts them back together. Sits before
 * {@link FrameEncoder} in the outbound direction.
 */
@Sharable
public final class FragmentEncoder extends MessageToMessageEncoder<Frame> {
    /** Flag bit on every piece of a fragmented frame except the last. */
    public static final int MORE = 0x8000;

    private final int maxPayloadBytes;
    private final long maxMessageBytes;

    /**
     * @param maxFrameBytes   the frame bound of the connection
     * @param maxMessageBytes the largest payload that may be sent in pieces
     */
    public FragmentEncoder(int maxFrameBytes, long maxMessageBytes) {
        super(Frame.class);
        this.maxPayloadBytes = maxFrameBytes - Frame.HEADER_BYTES;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Only a frame too large for one frame is taken apart; any other message passes untouched. */
    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof Frame frame && frame.payload().readableBytes() > maxPayloadBytes;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
        ByteBuf payload = frame.payload();
        int size = payload.readableBytes();
        if ((frame.flags() & MORE) != 0 || frame.kind() == FrameKind.CONTINUATION) {
            throw new EncoderException("a " + frame.kind() + " frame may not use the reserved MORE flag");
        }
        if (size > maxMessageBytes) {
            throw new EncoderException(frame.kind() + " payload of " + size + " bytes exceeds the message limit of "
                    + maxMessageBytes + " bytes");
        }
        int index = payload.readerIndex();
        int end = index + size;
        boolean first = true;
        while (index < end) {
            int piece = Math.min(maxPayloadBytes, end - index);
            boolean last = index + piece == end;
            FrameKind kind = first ? frame.kind() : FrameKind.CONTINUATION;
            int flags = (first ? frame.flags() : 0) | (last ? 0 : MORE);
            out.add(new Frame(kind, flags, payload.retainedSlice(index, piece)));
            index += piece;
            first = false;
        }
    }
}
