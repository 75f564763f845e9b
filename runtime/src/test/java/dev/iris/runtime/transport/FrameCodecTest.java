package dev.iris.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private static final int MAX = 64;

    private static ByteBuf encode(Frame frame) {
        EmbeddedChannel out = new EmbeddedChannel(new FrameEncoder(MAX));
        assertTrue(out.writeOutbound(frame));
        ByteBuf wire = Unpooled.buffer();
        for (ByteBuf part; (part = out.readOutbound()) != null; ) {
            wire.writeBytes(part);
            part.release();
        }
        return wire;
    }

    @Test
    void roundTripKeepsKindFlagsAndPayload() {
        byte[] payload = "hello, group".getBytes(StandardCharsets.UTF_8);
        ByteBuf wire = encode(new Frame(FrameKind.REJECT, 0xBEEF, Unpooled.wrappedBuffer(payload)));

        assertEquals(Frame.LENGTH_FIELD_BYTES + Frame.HEADER_BYTES + payload.length, wire.readableBytes());
        assertEquals(Frame.HEADER_BYTES + payload.length, wire.getInt(0));
        assertEquals(Frame.VERSION, wire.getUnsignedByte(4));
        assertEquals(FrameKind.REJECT.code(), wire.getUnsignedByte(5));

        EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(MAX));
        assertTrue(in.writeInbound(wire));
        Frame frame = in.readInbound();
        assertEquals(FrameKind.REJECT, frame.kind());
        assertEquals(0xBEEF, frame.flags());
        assertArrayEquals(payload, ByteBufUtil.getBytes(frame.payload()));
        assertTrue(frame.release());
        assertFalse(in.finish());
    }

    @Test
    void framesSplitIntoSingleBytesAndCoalescedArriveIntact() {
        ByteBuf wire = Unpooled.buffer();
        for (int i = 0; i < 3; i++) {
            ByteBuf one = encode(new Frame(FrameKind.HANDSHAKE, i, Unpooled.wrappedBuffer(new byte[] {(byte) i, 42})));
            wire.writeBytes(one);
            one.release();
        }
        EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(MAX));
        while (wire.isReadable()) {
            in.writeInbound(wire.readRetainedSlice(1));
        }
        wire.release();
        for (int i = 0; i < 3; i++) {
            Frame frame = in.readInbound();
            assertEquals(i, frame.flags());
            assertEquals(i, frame.payload().getByte(frame.payload().readerIndex()));
            assertEquals(2, frame.payload().readableBytes());
            frame.release();
        }
        assertNull(in.readInbound());
    }

    /**
     * Large frames in many reads (composed, not copied together: {@link FrameDecoder#COMPOSE_FROM}),
     * with small ones before, between and split across the same reads, all arrive intact.
     */
    @Test
    void largeFramesInManyReadsAndSmallOnesAmongThemArriveIntact() {
        int max = 1 << 20;
        byte[] large = new byte[3 * FrameDecoder.COMPOSE_FROM + 123];
        new java.util.Random(11).nextBytes(large);
        ByteBuf wire = Unpooled.buffer();
        int[] sizes = {5, large.length, 7, large.length, 3};
        for (int i = 0; i < sizes.length; i++) {
            byte[] payload = sizes[i] == large.length ? large : new byte[] {(byte) i, 1, 2, 3, 4, 5, 6}.clone();
            wire.writeInt(Frame.HEADER_BYTES + sizes[i]).writeByte(Frame.VERSION).writeByte(FrameKind.REJECT.code())
                    .writeShort(i).writeBytes(payload, 0, sizes[i]);
        }
        EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(max));
        while (wire.isReadable()) {
            in.writeInbound(wire.readRetainedSlice(Math.min(wire.readableBytes(), 1_000)));
        }
        wire.release();
        for (int i = 0; i < sizes.length; i++) {
            Frame frame = in.readInbound();
            assertEquals(i, frame.flags());
            assertEquals(sizes[i], frame.payload().readableBytes());
            if (sizes[i] == large.length) {
                assertArrayEquals(large, ByteBufUtil.getBytes(frame.payload()));
            } else {
                assertEquals(i, frame.payload().getByte(frame.payload().readerIndex()));
            }
            frame.release();
        }
        assertNull(in.readInbound());
        assertFalse(in.finish());
    }

    @Test
    void smallPayloadsAreCopiedBehindTheHeaderAndLargeOnesAreNot() {
        for (int size : new int[] {FrameEncoder.COPY_BELOW - 1, FrameEncoder.COPY_BELOW}) {
            EmbeddedChannel out = new EmbeddedChannel(new FrameEncoder(Frame.DEFAULT_MAX_FRAME_BYTES));
            ByteBuf payload = Unpooled.buffer(size).writeZero(size - 1).writeByte(7);
            assertTrue(out.writeOutbound(new Frame(FrameKind.SEND, 3, payload)));
            ByteBuf wire = Unpooled.buffer();
            int parts = 0;
            for (ByteBuf part; (part = out.readOutbound()) != null; parts++) {
                wire.writeBytes(part);
                part.release();
            }
            assertEquals(size < FrameEncoder.COPY_BELOW ? 1 : 2, parts, "buffers written for " + size + " bytes");
            assertEquals(0, payload.refCnt(), "the frame's payload is released once written");
            EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(Frame.DEFAULT_MAX_FRAME_BYTES));
            assertTrue(in.writeInbound(wire));
            Frame frame = in.readInbound();
            assertEquals(size, frame.payload().readableBytes());
            assertEquals(7, frame.payload().getByte(frame.payload().readerIndex() + size - 1));
            frame.release();
        }
    }

    @Test
    void aFrameWithHeadroomIsWrittenInItsOwnBufferAndReadsBackTheSame() {
        for (int size : new int[] {0, 5, FrameEncoder.COPY_BELOW + 1}) {
            EmbeddedChannel out = new EmbeddedChannel(new FrameEncoder(Frame.DEFAULT_MAX_FRAME_BYTES));
            ByteBuf payload = Frame.buffer(out.alloc(), size);
            payload.writeZero(Math.max(0, size - 1));
            if (size > 0) {
                payload.writeByte(7);
            }
            assertTrue(out.writeOutbound(new Frame(FrameKind.REPLY, 0x0102, payload, true)));
            ByteBuf wire = out.readOutbound();
            assertSame(payload, wire, "the payload's own buffer is written, prefix and all");
            assertNull(out.readOutbound());
            assertEquals(Frame.PREFIX_BYTES + size, wire.readableBytes());
            EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(Frame.DEFAULT_MAX_FRAME_BYTES));
            assertTrue(in.writeInbound(wire));
            Frame frame = in.readInbound();
            assertEquals(FrameKind.REPLY, frame.kind());
            assertEquals(0x0102, frame.flags());
            assertEquals(size, frame.payload().readableBytes());
            if (size > 0) {
                assertEquals(7, frame.payload().getByte(frame.payload().readerIndex() + size - 1));
            }
            frame.release();
        }
    }

    @Test
    void aFrameWithoutRoomInFrontIsRefusedHeadroom() {
        ByteBuf payload = Unpooled.buffer(8).writeLong(1);
        assertThrows(IllegalArgumentException.class, () -> new Frame(FrameKind.SEND, 0, payload, true));
        payload.release();
    }

    @Test
    void emptyPayloadIsAllowed() {
        EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(MAX));
        in.writeInbound(encode(new Frame(FrameKind.HANDSHAKE, 0, Unpooled.EMPTY_BUFFER)));
        Frame frame = in.readInbound();
        assertEquals(0, frame.payload().readableBytes());
        frame.release();
    }

    @Test
    void oversizedLengthIsRefusedBeforeAnyPayloadIsBuffered() {
        EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(MAX));
        ByteBuf prefix = Unpooled.buffer().writeInt(MAX + 1);
        TooLongFrameException e = assertThrows(TooLongFrameException.class, () -> in.writeInbound(prefix));
        assertTrue(e.getMessage().contains("frame length " + (MAX + 1)), e.getMessage());
        assertTrue(e.getMessage().contains("maximum frame size of " + MAX), e.getMessage());
    }

    @Test
    void aFrameOfExactlyTheMaximumIsAccepted() {
        ByteBuf wire = encode(new Frame(FrameKind.HANDSHAKE, 0, Unpooled.buffer().writeZero(MAX - Frame.HEADER_BYTES)));
        assertEquals(MAX, wire.getInt(0));
        EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(MAX));
        in.writeInbound(wire);
        Frame frame = in.readInbound();
        assertEquals(MAX - Frame.HEADER_BYTES, frame.payload().readableBytes());
        frame.release();
    }

    @Test
    void hugeUnsignedLengthIsRefused() {
        EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(MAX));
        ByteBuf prefix = Unpooled.buffer().writeInt(0xFFFF_FFF0);
        TooLongFrameException e = assertThrows(TooLongFrameException.class, () -> in.writeInbound(prefix));
        assertTrue(e.getMessage().contains("frame length 4294967280"), e.getMessage());
    }

    @Test
    void lengthShorterThanHeaderIsRefused() {
        EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(MAX));
        FrameFormatException e = assertThrows(FrameFormatException.class,
                () -> in.writeInbound(Unpooled.buffer().writeInt(3).writeMedium(0)));
        assertTrue(e.getMessage().contains("frame length 3"), e.getMessage());
    }

    @Test
    void unknownVersionIsRefused() {
        EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(MAX));
        ByteBuf wire = Unpooled.buffer().writeInt(4).writeByte(Frame.VERSION + 1).writeByte(1).writeShort(0);
        FrameFormatException e = assertThrows(FrameFormatException.class, () -> in.writeInbound(wire));
        assertTrue(e.getMessage().contains("frame version " + (Frame.VERSION + 1)), e.getMessage());
    }

    @Test
    void unknownKindIsRefused() {
        EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(MAX));
        ByteBuf wire = Unpooled.buffer().writeInt(4).writeByte(Frame.VERSION).writeByte(250).writeShort(0);
        FrameFormatException e = assertThrows(FrameFormatException.class, () -> in.writeInbound(wire));
        assertTrue(e.getMessage().contains("unknown frame kind 250"), e.getMessage());
    }

    @Test
    void encoderRefusesFramesAboveTheMaximumAndSendsNothing() {
        EmbeddedChannel out = new EmbeddedChannel(new FrameEncoder(MAX));
        ByteBuf big = Unpooled.buffer(MAX).writeZero(MAX);
        EncoderException e = assertThrows(EncoderException.class,
                () -> out.writeOutbound(new Frame(FrameKind.HANDSHAKE, 0, big)));
        assertTrue(e.getMessage().contains("exceeds the maximum frame size of " + MAX), e.getMessage());
        assertNull(out.readOutbound());
        assertEquals(0, big.refCnt(), "the refused frame's payload is released");
    }

    @Test
    void kindCodesAreUniqueAndLookedUpBothWays() {
        for (FrameKind kind : FrameKind.values()) {
            assertEquals(kind, FrameKind.ofCode(kind.code()));
        }
        assertNull(FrameKind.ofCode(0));
        assertNull(FrameKind.ofCode(-1));
        assertNull(FrameKind.ofCode(256));
    }

    @Test
    void flagsMustFitSixteenBits() {
        assertThrows(IllegalArgumentException.class, () -> new Frame(FrameKind.HANDSHAKE, 0x1_0000, Unpooled.EMPTY_BUFFER));
    }
}
