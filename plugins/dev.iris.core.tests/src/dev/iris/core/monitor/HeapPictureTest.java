package dev.iris.core.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.core.monitor.HeapPicture.Item;
import dev.iris.core.monitor.HeapPicture.TypeRow;
import dev.iris.runtime.dsm.HeapCensus;
import dev.iris.runtime.dsm.HeapCensus.Block;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.dsm.PageInfo;
import dev.iris.runtime.dsm.PageInfo.State;
import dev.iris.runtime.monitor.MonitorMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A census of the heaps as the Heap view shows it: by type, on a page, at an address; and the
 * census the cluster monitor shows, live and in a recording.
 */
class HeapPictureTest {
    private static final int PAGE = 1024;
    /** Heap "cells": pages 5 (bookkeeping) to 21; its first arena from page 6. */
    private static final long CELLS = 6 * PAGE;
    /** Heap "other": pages 30 to 46. */
    private static final long OTHER = 31 * PAGE;

    private static final Block CELL1 = new Block("cells", CELLS, "Cell", 0, 40, List.of(CELLS + 40, 0L));
    private static final Block CELL2 = new Block("cells", CELLS + 40, "Cell", 0, 40, List.of(CELLS + 80, CELLS));
    private static final Block FREED = new Block("cells", CELLS + 80, null, 0, 24, List.of());
    /** 300 longs: from page 6 to page 8. */
    private static final Block BYTES = new Block("cells", CELLS + 104, "Longs", 300, 8 + 2400, List.of());
    private static final Block CELL3 = new Block("cells", CELLS + 104 + 2408, "Cell", 0, 40, List.of(CELLS));
    private static final Block NODE = new Block("other", OTHER, "Node", 0, 16, List.of(CELLS + 40));

    private static HeapCensus census(long clock) {
        return new HeapCensus(clock, PAGE, List.of(CELL1, CELL2, FREED, BYTES, CELL3, NODE), true);
    }

    /** Pages 5-21 of "cells" and 30-46 of "other"; n1 owns 6 and 31, n2 owns 7 and 8, nobody else is known. */
    private static List<MonitorMessage.Pages> tables() {
        List<PageInfo> n1 = new ArrayList<>();
        List<PageInfo> n2 = new ArrayList<>();
        for (long p = 5; p <= 46; p++) {
            if (p > 21 && p < 30) {
                continue;
            }
            String region = p <= 21 ? "cells" : "other";
            boolean one = p == 6 || p == 31;
            boolean two = p == 7 || p == 8;
            n1.add(new PageInfo(p, region, one ? State.WRITE : State.INVALID, one, null, List.of(), 1, 0, 0, 0));
            n2.add(new PageInfo(p, region, two ? State.WRITE : State.INVALID, two, null, List.of(), 1, 0, 0, 0));
        }
        return List.of(new MonitorMessage.Pages("n1", n1), new MonitorMessage.Pages("n2", n2));
    }

    private static PageOwnership.Picture pages() {
        PageOwnership model = PageOwnership.empty();
        tables().forEach(t -> model.replaceNode(t.node(), t.pages()));
        return model.picture(List.of("n1", "n2"), Set.of(), Set.of());
    }

    @Test
    void typesCountTheirObjectsBytesPagesAndOwnersAndEachHeapHasAFreedRow() {
        PageOwnership.Picture pages = pages();
        HeapPicture heap = HeapPicture.of("n1", census(7), pages);

        assertEquals(List.of(
                new TypeRow("cells", "Longs", 1, 2408, 3, List.of("n1", "n2")),
                new TypeRow("cells", "Cell", 3, 120, 2, List.of("n1", "n2")),
                new TypeRow("other", "Node", 1, 16, 1, List.of("n1")),
                new TypeRow("cells", null, 1, 24, 1, List.of("n1"))), heap.types());
        assertEquals(List.of(CELL1, CELL2, CELL3), heap.objects("cells", "Cell").stream().map(Item::block).toList());
        assertEquals(List.of(FREED), heap.objects("cells", null).stream().map(Item::block).toList());
        Item last = heap.objects("cells", "Cell").get(2);
        assertEquals(8, last.firstPage());
        assertEquals("n2", last.owner());
        Item longs = heap.objects("cells", "Longs").get(0);
        assertEquals(List.of(6L, 8L, "n1"), List.of(longs.firstPage(), longs.lastPage(), longs.owner()));
    }

    @Test
    void listsTheBlocksOnAPageAndFindsTheObjectAReferenceHolds() {
        HeapPicture heap = HeapPicture.of("n1", census(7), pages());

        assertEquals(List.of(CELL1, CELL2, FREED, BYTES), heap.onPage(6).stream().map(Item::block).toList());
        assertEquals(List.of(BYTES), heap.onPage(7).stream().map(Item::block).toList(), "a block that spans it");
        assertEquals(List.of(BYTES, CELL3), heap.onPage(8).stream().map(Item::block).toList());
        assertEquals(List.of(), heap.onPage(9));
        assertEquals(List.of(NODE), heap.onPage(31).stream().map(Item::block).toList());

        assertEquals(CELL2, heap.at(CELL1.references().get(0)).orElseThrow().block(), "following a reference");
        assertEquals(CELL1, heap.at(CELL3.references().get(0)).orElseThrow().block());
        assertEquals(CELL2, heap.at(NODE.references().get(0)).orElseThrow().block(), "across heaps");
        assertEquals(BYTES, heap.at(CELLS + 2000).orElseThrow().block(), "an address inside a block");
        assertTrue(heap.at(0).isEmpty(), "null");
        assertTrue(heap.at(CELLS - 8).isEmpty(), "before every block");
        assertTrue(heap.at(OTHER + 16).isEmpty(), "after every block");
    }

    @Test
    void withoutTheHeapsPageTablesTheObjectsHaveNoOwners() {
        PageOwnership.Picture none = PageOwnership.empty().picture(List.of("n1"), Set.of(), Set.of());
        HeapPicture heap = HeapPicture.of("n1", census(7), none);
        assertEquals(new TypeRow("cells", "Cell", 3, 120, 2, List.of()), heap.types().get(1));
        assertEquals(6, heap.items().get(0).firstPage());
        assertNull(heap.items().get(0).owner());
        assertEquals(List.of(CELL1, CELL2, FREED, BYTES), heap.onPage(6).stream().map(Item::block).toList());
        assertEquals(CELL2, heap.at(CELLS + 40).orElseThrow().block(), "references still lead somewhere");
    }

    @Test
    void theMonitorShowsTheCensusThatArrivedLastWithTheOwnersOfItsPages() {
        try (ClusterMonitor monitor = ClusterMonitor.offline("lab", List.of("n1", "n2"))) {
            AtomicInteger told = new AtomicInteger();
            monitor.addListener(told::incrementAndGet);
            tables().forEach(monitor::feed);
            monitor.refresh();
            assertNull(monitor.heap(), "no census yet");
            assertTrue(monitor.requestCensus().isEmpty(), "no node is connected to ask");

            int before = told.get();
            monitor.feed(new MonitorMessage.Heap("n2", census(12)));
            assertTrue(monitor.refresh());
            assertTrue(told.get() > before, "the listeners hear of a census");
            HeapPicture heap = monitor.heap();
            assertNotNull(heap);
            assertEquals("n2", heap.node());
            assertEquals(List.of("n1", "n2"), heap.types().get(1).owners());

            // page 8 moves to n1: the census stays, its owners follow
            monitor.feed(new MonitorMessage.Memory(new MemoryEvent(MemoryEvent.Kind.OWNERSHIP_LOST, "n2", 8, "n1",
                    "cells", 0, 20)));
            monitor.feed(new MonitorMessage.Memory(new MemoryEvent(MemoryEvent.Kind.OWNERSHIP_GAINED, "n1", 8, "n2",
                    "cells", 0, 21)));
            monitor.refresh();
            assertEquals(12, monitor.heap().census().clock());
            assertEquals("n1", monitor.heap().objects("cells", "Cell").get(2).owner());

            monitor.feed(new MonitorMessage.Heap("n1", new HeapCensus(30, PAGE, List.of(CELL1), false)));
            monitor.refresh();
            assertEquals("n1", monitor.heap().node());
            assertEquals(List.of(new TypeRow("cells", "Cell", 1, 40, 1, List.of("n1"))), monitor.heap().types());
            assertEquals(Map.of("n1", 30L, "n2", 12L), clocks(monitor));
        }
    }

    @Test
    void aRecordingShowsTheNewestCensusAtOrBeforeItsPosition() {
        List<MonitorMessage> messages = new ArrayList<>(tables());
        messages.add(new MonitorMessage.Memory(new MemoryEvent(MemoryEvent.Kind.READ_FAULT, "n1", 6, null, "cells", 0,
                5)));
        messages.add(new MonitorMessage.Heap("n1", census(10)));
        messages.add(new MonitorMessage.Memory(new MemoryEvent(MemoryEvent.Kind.READ_FAULT, "n2", 7, null, "cells", 0,
                20)));
        messages.add(new MonitorMessage.Heap("n2", new HeapCensus(30, PAGE, List.of(CELL1, NODE), true)));
        messages.add(new MonitorMessage.Memory(new MemoryEvent(MemoryEvent.Kind.READ_FAULT, "n1", 6, null, "cells", 0,
                40)));
        ClusterMonitor recording = ClusterMonitor.recording("run", messages);

        assertEquals(30, recording.heap().census().clock(), "at the end: the last census");
        assertEquals("n2", recording.heap().node());
        recording.seek(29);
        assertEquals(10, recording.heap().census().clock());
        assertEquals(4, recording.heap().types().size(), "the older census's types: " + recording.heap().types());
        assertEquals(Map.of("n1", 10L), clocks(recording));
        recording.seek(9);
        assertNull(recording.heap(), "no census yet at clock 9");
        recording.seek(10);
        assertEquals(10, recording.heap().census().clock(), "a census taken at the position counts");
    }

    private static Map<String, Long> clocks(ClusterMonitor monitor) {
        Map<String, Long> clocks = new java.util.TreeMap<>();
        monitor.censuses().forEach((node, census) -> clocks.put(node, census.census().clock()));
        return clocks;
    }
}
