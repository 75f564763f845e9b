package dev.iris.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FragmentTest {
    private static final int FRAME = 1024;

    @Test
    void largeFramesAreSplitIntoSlicesAndReassembled() {
        byte[] data = new byte[10 * FRAME + 17];
        new Random(1).nextBytes(data);
        ByteBuf payload = Unpooled.wrappedBuffer(data);
        EmbeddedChannel out = new EmbeddedChannel(new FrameEncoder(FRAME), new FragmentEncoder(FRAME, 1 << 20));
        out.writeOutbound(new Frame(FrameKind.SEND, 0x0003, payload));
        EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(FRAME), new FragmentAssembler(1 << 20));
        int pieces = 0;
        for (ByteBuf b; (b = out.readOutbound()) != null; ) {
            in.writeInbound(b);
            pieces++;
        }
        // eleven pieces, each under FrameEncoder.COPY_BELOW: written as one buffer each
        assertEquals(11, pieces, "buffers written for the pieces: " + pieces);
        Frame whole = in.readInbound();
        assertEquals(FrameKind.SEND, whole.kind());
        assertEquals(0x0003, whole.flags());
        assertArrayEquals(data, ByteBufUtil.getBytes(whole.payload()));
        whole.release();
        assertNull(in.readInbound());
        assertEquals(0, payload.refCnt());
    }

    @Test
    void smallFramesPassThroughUntouched() {
        EmbeddedChannel in = new EmbeddedChannel(new FragmentAssembler(1 << 20));
        in.writeInbound(new Frame(FrameKind.HEARTBEAT, 0, Unpooled.buffer(0)));
        Frame f = in.readInbound();
        assertEquals(FrameKind.HEARTBEAT, f.kind());
        f.release();
    }

    @Test
    void continuationWithoutAStartIsRefused() {
        EmbeddedChannel in = new EmbeddedChannel(new FragmentAssembler(1 << 20));
        FrameFormatException e = assertThrows(FrameFormatException.class,
                () -> in.writeInbound(new Frame(FrameKind.CONTINUATION, 0, Unpooled.buffer(1).writeByte(1))));
        assertTrue(e.getMessage().contains("without a fragmented frame"), e.getMessage());
    }

    @Test
    void anotherFrameInsideAFragmentedOneIsRefused() {
        EmbeddedChannel in = new EmbeddedChannel(new FragmentAssembler(1 << 20));
        in.writeInbound(new Frame(FrameKind.SEND, FragmentEncoder.MORE, Unpooled.buffer(4).writeInt(1)));
        FrameFormatException e = assertThrows(FrameFormatException.class,
                () -> in.writeInbound(new Frame(FrameKind.REPLY, 0, Unpooled.buffer(4).writeInt(2))));
        assertTrue(e.getMessage().contains("interrupts a fragmented SEND"), e.getMessage());
        in.close();
    }

    @Test
    void piecesBeyondTheMessageLimitAreRefusedAsTheyArrive() {
        EmbeddedChannel in = new EmbeddedChannel(new FragmentAssembler(100));
        in.writeInbound(new Frame(FrameKind.SEND, FragmentEncoder.MORE, Unpooled.buffer(60).writeZero(60)));
        FrameFormatException e = assertThrows(FrameFormatException.class, () -> in.writeInbound(
                new Frame(FrameKind.CONTINUATION, FragmentEncoder.MORE, Unpooled.buffer(60).writeZero(60))));
        assertTrue(e.getMessage().contains("exceeds the message limit of 100 bytes"), e.getMessage());
        in.close();
    }

    @Test
    void emptyPiecesBeforeTheLastAreRefused() {
        EmbeddedChannel in = new EmbeddedChannel(new FragmentAssembler(1 << 20));
        in.writeInbound(new Frame(FrameKind.SEND, FragmentEncoder.MORE, Unpooled.buffer(4).writeInt(1)));
        FrameFormatException e = assertThrows(FrameFormatException.class,
                () -> in.writeInbound(new Frame(FrameKind.CONTINUATION, FragmentEncoder.MORE, Unpooled.buffer(0))));
        assertTrue(e.getMessage().contains("an empty piece"), e.getMessage());
        in.close();
    }

    @Test
    void thePieceCountIsBounded() {
        EmbeddedChannel in = new EmbeddedChannel(new FragmentAssembler(4096)); // at most 6 pieces
        in.writeInbound(new Frame(FrameKind.SEND, FragmentEncoder.MORE, Unpooled.buffer(1).writeByte(1)));
        FrameFormatException e = assertThrows(FrameFormatException.class, () -> {
            for (int i = 0; i < 10; i++) {
                in.writeInbound(new Frame(FrameKind.CONTINUATION, FragmentEncoder.MORE, Unpooled.buffer(1).writeByte(1)));
            }
        });
        assertTrue(e.getMessage().contains("more than 6 pieces"), e.getMessage());
        in.close();
    }

    @Test
    void theSenderRefusesPayloadsAboveTheMessageLimit() {
        EmbeddedChannel out = new EmbeddedChannel(new FrameEncoder(FRAME), new FragmentEncoder(FRAME, 4 * FRAME));
        ByteBuf big = Unpooled.buffer(5 * FRAME).writeZero(5 * FRAME);
        assertThrows(io.netty.handler.codec.EncoderException.class,
                () -> out.writeOutbound(new Frame(FrameKind.SEND, 0, big)));
        assertNull(out.readOutbound());
    }
}
