package dev.iris.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageWireTest {
    private static final int PAGE = 4096;

    private static ByteBufAllocator allocator(String kind) {
        return switch (kind) {
            case "heap" -> new UnpooledByteBufAllocator(false);
            case "direct" -> new UnpooledByteBufAllocator(true);
            default -> PooledByteBufAllocator.DEFAULT;
        };
    }

    /** The page's words are copied in bulk: every word, in order, little-endian on the wire, wherever the bytes sit. */
    @ParameterizedTest
    @ValueSource(strings = {"heap", "direct", "pooled"})
    void aPageTravelsWordForWord(String kind) {
        long[] data = new SplittableRandom(17).longs(PAGE / 8).toArray();
        ByteBuf encoded = PageWire.page(allocator(kind), PageWire.WRITE, 5, 6, 7, 8, new int[] {2, 3}, data, null);
        assertEquals(data[1], encoded.getLongLE(35 + 8 + 8));

        // behind other bytes, as a frame's payload is in the buffer it was read from
        ByteBuf read = allocator(kind).buffer().writeBytes(new byte[13]).writeBytes(encoded).writeByte(99);
        encoded.release();
        read.skipBytes(13);
        PageWire.Page page = PageWire.readPage(read.readSlice(read.readableBytes() - 1), PAGE, null);

        assertArrayEquals(data, page.data());
        assertArrayEquals(new int[] {2, 3}, page.copyset());
        assertEquals(8, page.version());
        assertEquals(99, read.readByte());
        read.release();
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "direct"})
    void aPageReadFromAWrappedArrayLeavesItsReaderAtTheEnd(String kind) {
        long[] data = new SplittableRandom(3).longs(PAGE / 8).toArray();
        ByteBuf encoded = PageWire.page(allocator(kind), PageWire.READ, 1, 2, 3, 4, new int[0], data, null);
        byte[] bytes = new byte[encoded.readableBytes()];
        encoded.readBytes(bytes);
        encoded.release();
        ByteBuf in = Unpooled.wrappedBuffer(bytes);

        assertArrayEquals(data, PageWire.readPage(in, PAGE, null).data());
        assertEquals(0, in.readableBytes());
    }

    /**
     * A page nobody wrote travels without its words, and arrives as the receiver's page of zeros;
     * a page of all zeros that was written (another array) travels whole; any other length is refused.
     */
    @Test
    void aPageOfZerosTravelsWithoutItsWords() {
        long[] senders = new long[PAGE / 8];
        long[] receivers = new long[PAGE / 8];
        ByteBuf unwritten = PageWire.page(UnpooledByteBufAllocator.DEFAULT, PageWire.WRITE, 5, 6, 7, 8, new int[] {2}, senders, senders);
        assertEquals(35 + 4, unwritten.readableBytes());
        PageWire.Page page = PageWire.readPage(unwritten, PAGE, receivers);
        assertSame(receivers, page.data());
        assertArrayEquals(new int[] {2}, page.copyset());

        ByteBuf written = PageWire.page(UnpooledByteBufAllocator.DEFAULT, PageWire.WRITE, 5, 6, 7, 8, new int[0], new long[PAGE / 8],
                senders);
        assertEquals(35 + PAGE, written.readableBytes());
        assertNotSame(receivers, PageWire.readPage(written, PAGE, receivers).data());

        ByteBuf half = PageWire.page(UnpooledByteBufAllocator.DEFAULT, PageWire.READ, 5, 6, 7, 8, new int[0], new long[PAGE / 16], null);
        FrameFormatException refused = assertThrows(FrameFormatException.class, () -> PageWire.readPage(half, PAGE,
                receivers));
        assertTrue(refused.getMessage().contains("or 0 (a page of zeros)"), refused.getMessage());
    }

    /** A locate is a request with the flag in its mode byte; its answer carries code, round, node and version. */
    @Test
    void aLocateAndItsAnswerRoundTrip() {
        ByteBuf request = PageWire.request(UnpooledByteBufAllocator.DEFAULT,
                new PageWire.Request(PageWire.WRITE, 5, 2, 9, 10, 3, true));
        assertEquals(PageWire.WRITE | PageWire.LOCATE, request.getUnsignedByte(0));
        assertEquals(new PageWire.Request(PageWire.WRITE, 5, 2, 9, 10, 3, true), PageWire.readRequest(request));
        request.release();
        PageWire.Fail answer = new PageWire.Fail(5, 9, 11, PageWire.NOT_OWNER, 3, 4, 77, "");
        ByteBuf encoded = PageWire.fail(UnpooledByteBufAllocator.DEFAULT, answer);
        assertEquals(answer, PageWire.readFail(encoded));
        encoded.release();
    }

    @Test
    void aLocateOfAMasterCopyAndAnUnknownFailCodeAreRefused() {
        ByteBuf request = PageWire.request(UnpooledByteBufAllocator.DEFAULT,
                new PageWire.Request(PageWire.FETCH, 5, 2, 9, 10, 1, true));
        FrameFormatException e = assertThrows(FrameFormatException.class, () -> PageWire.readRequest(request));
        assertTrue(e.getMessage().contains("locate"), e.getMessage());
        request.release();
        ByteBuf fail = PageWire.fail(UnpooledByteBufAllocator.DEFAULT, new PageWire.Fail(5, 9, 11, 7, 0, 0, 0, "?"));
        e = assertThrows(FrameFormatException.class, () -> PageWire.readFail(fail));
        assertTrue(e.getMessage().contains("unknown code 7"), e.getMessage());
        fail.release();
    }
}
