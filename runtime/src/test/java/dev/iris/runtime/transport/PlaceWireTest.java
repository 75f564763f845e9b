package dev.iris.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlaceWireTest {
    private static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    @Test
    void placementsAndTheirAnswersRoundTrip() {
        for (PlaceWire.Place place : List.of(new PlaceWire.Place(PlaceWire.ALLOCATE, 7, -3, 12),
                new PlaceWire.Place(PlaceWire.TAKEN, 7, 0, 0))) {
            ByteBuf encoded = PlaceWire.place(ALLOC, place);
            assertEquals(place, PlaceWire.readPlace(encoded));
            encoded.release();
        }
        for (PlaceWire.Placed placed : List.of(new PlaceWire.Placed(7, PlaceWire.PLACED, 0x4018, ""),
                new PlaceWire.Placed(8, PlaceWire.REFUSED, 0, "heap 'heap' is full"))) {
            ByteBuf encoded = PlaceWire.placed(ALLOC, placed);
            assertEquals(placed, PlaceWire.readPlaced(encoded));
            encoded.release();
        }
    }

    /** What no node sends is refused: a negative length, a taken with a type, an address with a refusal, none with a placement. */
    @Test
    void inconsistentPlacementsAreRefused() {
        for (PlaceWire.Place place : List.of(new PlaceWire.Place(PlaceWire.ALLOCATE, 7, 3, -1),
                new PlaceWire.Place(PlaceWire.TAKEN, 7, 3, 0), new PlaceWire.Place(3, 7, 0, 0))) {
            ByteBuf encoded = PlaceWire.place(ALLOC, place);
            assertThrows(FrameFormatException.class, () -> PlaceWire.readPlace(encoded), place.toString());
            encoded.release();
        }
        for (PlaceWire.Placed placed : List.of(new PlaceWire.Placed(7, PlaceWire.PLACED, 0, ""),
                new PlaceWire.Placed(7, PlaceWire.REFUSED, 0x4018, "no"),
                new PlaceWire.Placed(7, PlaceWire.PLACED, 0x4018, "why"), new PlaceWire.Placed(7, 2, 0, ""))) {
            ByteBuf encoded = PlaceWire.placed(ALLOC, placed);
            assertThrows(FrameFormatException.class, () -> PlaceWire.readPlaced(encoded), placed.toString());
            encoded.release();
        }
    }
}
