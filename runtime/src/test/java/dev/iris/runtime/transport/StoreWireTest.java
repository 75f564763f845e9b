package dev.iris.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class StoreWireTest {
    private static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    @Test
    void aListRoundTrips() {
        ByteBuf out = StoreWire.logged(ALLOC, new StoreWire.Logged(StoreWire.LAST | StoreWire.OPEN,
                new long[] {1, 5, 1L << 40}, new long[] {2, 3, 99}));
        StoreWire.Logged in = StoreWire.readLogged(out);
        assertTrue(in.last() && in.open());
        assertArrayEquals(new long[] {1, 5, 1L << 40}, in.pages());
        assertArrayEquals(new long[] {2, 3, 99}, in.versions());
        assertEquals(0, out.readableBytes());
        StoreWire.Logged empty = StoreWire.readLogged(StoreWire.logged(ALLOC, new StoreWire.Logged(0, new long[0],
                new long[0])));
        assertTrue(!empty.last() && !empty.open() && empty.pages().length == 0);
    }

    @Test
    void malformedListsAreRefusedByWhatIsWrong() {
        assertRefused("unknown flags 8", Unpooled.buffer().writeByte(8).writeInt(0));
        assertRefused("of 2 pages in 16 bytes", Unpooled.buffer().writeByte(1).writeInt(2).writeLong(1).writeLong(1));
        assertRefused("of 70000 pages", Unpooled.buffer().writeByte(1).writeInt(70_000));
        assertRefused("page 0 at version 1", Unpooled.buffer().writeByte(1).writeInt(1).writeLong(0).writeLong(1));
        assertRefused("page 3 at version 0", Unpooled.buffer().writeByte(1).writeInt(1).writeLong(3).writeLong(0));
        assertRefused("of 3 bytes", Unpooled.buffer().writeByte(1).writeShort(0));
    }

    private static void assertRefused(String why, ByteBuf in) {
        FrameFormatException e = assertThrows(FrameFormatException.class, () -> StoreWire.readLogged(in));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }
}
