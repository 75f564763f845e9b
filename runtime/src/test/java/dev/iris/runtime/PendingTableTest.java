package dev.iris.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.internal.NodeTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table of waiting requests: ids that share a slot, removal only of what is there, and iteration. */
class PendingTableTest {
    private static final long SLOTS = 1 << 14;
    private final NodeTime time = new NodeTime();

    private Call call(long id) {
        return new Call(id, ProcessId.process(1, 1), 1_000_000_000L, time, null);
    }

    @Test
    void requestsSharingASlotAreKeptApart() {
        PendingTable table = new PendingTable();
        Call first = call(5);
        Call sameSlot = call(5 + SLOTS);
        Call other = call(6);
        table.put(first);
        table.put(sameSlot);
        table.put(other);
        assertSame(first, table.get(5));
        assertSame(sameSlot, table.get(5 + SLOTS));
        assertSame(other, table.get(6));
        assertNull(table.get(5 + 2 * SLOTS), "an id never put");

        assertFalse(table.remove(5, sameSlot), "not what waits under 5");
        assertTrue(table.remove(5, first));
        assertFalse(table.remove(5, first), "only once");
        assertNull(table.get(5));
        assertSame(sameSlot, table.get(5 + SLOTS), "the overflowed request stays");

        Call again = call(5 + 2 * SLOTS);
        table.put(again); // the freed slot takes it
        assertSame(again, table.get(5 + 2 * SLOTS));
        List<Pending> all = new ArrayList<>();
        table.forEach(all::add);
        assertEquals(3, all.size());
        assertTrue(all.containsAll(List.of(sameSlot, other, again)));

        table.remove(5 + SLOTS);
        table.remove(6);
        table.remove(5 + 2 * SLOTS);
        table.remove(7); // nothing there
        List<Pending> none = new ArrayList<>();
        table.forEach(none::add);
        assertEquals(List.of(), none);
    }
}
