package dev.iris.core.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.EmbeddedCluster;
import dev.iris.runtime.dsm.ClusterPageTable;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.dsm.MemoryEvent.Kind;
import dev.iris.runtime.dsm.PageInfo.State;
import dev.iris.runtime.dsm.SharedMemory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The Page Ownership view's model against real events: a cluster of three in-JVM nodes moves
 * pages around, and the model that follows their events ends where the nodes' own page tables
 * are; replay shows any moment between; events that arrive out of order are applied in causal
 * order; many events coalesce into one update per page.
 */
class PageOwnershipTest {
    private static final int PAGE = 512;

    @Test
    void followingTheNodesEventsEndsWhereTheirPageTablesAre() throws Exception {
        MemoryConfig memory = MemoryConfig.of(List.of(MemoryConfig.Region.of("r", 4 * PAGE))).withPageSize(PAGE);
        try (EmbeddedCluster cluster = EmbeddedCluster.start("pages", List.of("n1", "n2", "n3"), Codecs.of(), memory)) {
            ClusterPageTable start = cluster.pageTable();
            List<MemoryEvent> recorded = new CopyOnWriteArrayList<>();
            EventCoalescer live = new EventCoalescer();
            for (var node : cluster.nodes()) {
                node.memory().addListener(recorded::add);
                node.memory().addListener(live);
            }
            PageOwnership model = PageOwnership.of(start);
            long base = memory.layout().get(0).base();
            SharedMemory n1 = cluster.node("n1").memory();
            SharedMemory n2 = cluster.node("n2").memory();
            SharedMemory n3 = cluster.node("n3").memory();

            n1.setLong(base, 1);
            long firstWriteClock = waitFor(recorded, Kind.OWNERSHIP_GAINED, "n1", base / PAGE);
            assertEquals(1, n2.getLong(base));
            assertEquals(1, n3.getLong(base));
            n2.setLong(base, 2);
            n3.setLong(base + PAGE, 3);
            assertEquals(3, n1.getLong(base + PAGE));
            assertEquals(0, n1.getLong(base + 2 * PAGE));

            ClusterPageTable end = cluster.pageTable();
            // the last events (a copy sent, ownership handed over) may be told just after the access returned
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!matches(model, end) && System.nanoTime() < deadline) {
                live.drainInto(model);
                Thread.onSpinWait();
            }
            assertEquals(describe(end), describe(model), "the model followed the events to the nodes' page tables");

            Recording recording = new Recording(start, List.copyOf(recorded));
            assertEquals(describe(end), describe(recording.end()), "replaying the recording gives the same");
            PageOwnership then = recording.at(firstWriteClock);
            assertEquals("n1", then.page(base / PAGE).orElseThrow().owner(), "after n1's write, n1 owned page 0");
            assertEquals(State.WRITE, then.page(base / PAGE).orElseThrow().states().get("n1"));
            assertEquals("n2", recording.end().page(base / PAGE).orElseThrow().owner(), "n2 wrote it last");
            assertEquals(Set.of("n1"), recording.end().page(base / PAGE + 1).orElseThrow().copyset(),
                    "n3 owns page 1 and n1 has a copy");
        }
    }

    private static long waitFor(List<MemoryEvent> events, Kind kind, String node, long page) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (MemoryEvent e : events) {
                if (e.kind() == kind && e.node().equals(node) && e.page() == page) {
                    return e.clock();
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no " + kind + " of page " + page + " on " + node + " in " + events);
    }

    private static boolean matches(PageOwnership model, ClusterPageTable table) {
        return describe(table).equals(describe(model));
    }

    /** Owner, states and copyset of every page, as text. */
    private static String describe(ClusterPageTable table) {
        return table.pages().stream().map(p -> p.page() + " " + p.owner() + " " + p.states() + " "
                + new java.util.TreeSet<>(p.copyset())).collect(Collectors.joining("\n"));
    }

    private static String describe(PageOwnership model) {
        return model.pages().stream().map(p -> p.page() + " " + p.owner() + " " + new java.util.TreeMap<>(p.states())
                + " " + new java.util.TreeSet<>(p.copyset())).collect(Collectors.joining("\n"));
    }

    private static MemoryEvent event(Kind kind, String node, long page, String peer, long clock) {
        return new MemoryEvent(kind, node, page, peer, "r", clock, clock);
    }

    @Test
    void aPictureNeverShowsAnOwnerWithoutThePageNorADeadNodeOwningOne() {
        PageOwnership model = PageOwnership.of(ClusterPageTable.of(Map.of()));
        model.applyAll(List.of(
                event(Kind.OWNERSHIP_GAINED, "n1", 1, null, 1),
                event(Kind.OWNERSHIP_GAINED, "n3", 2, null, 2),
                event(Kind.OWNERSHIP_GAINED, "n2", 3, null, 3),
                // n3 had a copy of page 3, invalidated; then n2 gave the page to n3, whose side has not arrived
                event(Kind.PAGE_SENT, "n2", 3, "n3", 4),
                event(Kind.PAGE_RECEIVED, "n3", 3, "n2", 5),
                event(Kind.INVALIDATED, "n3", 3, "n2", 6),
                event(Kind.OWNERSHIP_LOST, "n2", 3, "n3", 7)));
        List<String> nodes = List.of("n1", "n2", "n3");
        PageOwnership.Picture live = model.picture(nodes, Set.of(), Set.of());
        assertEquals(List.of(0, 2, 2), ownersOf(live));
        assertEquals(PageOwnership.Picture.EXCLUSIVE, live.kind()[0]);
        assertEquals(PageOwnership.Picture.MOVING, live.kind()[2], "n3 owns page 3 without holding it yet");
        assertEquals(State.INVALID, live.access(2, 2));

        PageOwnership.Picture n3Dead = model.picture(nodes, Set.of(), Set.of("n3"));
        assertEquals(List.of(0, -1, -1), ownersOf(n3Dead), "a dead node owns nothing");
        assertEquals(PageOwnership.Picture.NO_OWNER, n3Dead.kind()[1]);
        assertEquals(State.INVALID, n3Dead.access(1, 2), "and holds no copy");
        assertEquals(List.of(1, 0, 0), Arrays.stream(n3Dead.owned()).boxed().toList());

        // recovery gives n3's page to n1, and n3's gain of page 3 arrives late: the picture is whole again
        model.applyAll(List.of(event(Kind.OWNERSHIP_GAINED, "n1", 2, "n3", 8),
                event(Kind.OWNERSHIP_GAINED, "n3", 3, "n2", 8)));
        PageOwnership.Picture after = model.picture(nodes, Set.of(), Set.of());
        assertEquals(List.of(0, 0, 2), ownersOf(after));
        assertEquals(PageOwnership.Picture.EXCLUSIVE, after.kind()[2]);
    }

    private static List<Integer> ownersOf(PageOwnership.Picture p) {
        return IntStream.range(0, p.size()).mapToObj(i -> (int) p.owner()[i]).toList();
    }

    @Test
    void eventsThatArriveOutOfOrderAreAppliedInCausalOrder() {
        ClusterPageTable start = ClusterPageTable.of(Map.of());
        List<MemoryEvent> events = new ArrayList<>(List.of(
                event(Kind.OWNERSHIP_LOST, "n1", 7, "n2", 4),
                event(Kind.OWNERSHIP_GAINED, "n2", 7, "n1", 5),
                event(Kind.OWNERSHIP_LOST, "n2", 7, "n3", 8),
                event(Kind.OWNERSHIP_GAINED, "n3", 7, "n2", 9)));
        Collections.reverse(events); // the monitor connections delivered them newest first
        EventCoalescer coalescer = new EventCoalescer();
        events.forEach(coalescer);
        PageOwnership model = PageOwnership.of(start);
        assertEquals(Set.of(7L), coalescer.drainInto(model));
        PageOwnership.Page page = model.page(7).orElseThrow();
        assertEquals("n3", page.owner());
        assertEquals(Map.of("n1", State.INVALID, "n2", State.INVALID, "n3", State.WRITE), page.states());
        assertEquals(2, page.transfers());
        assertEquals(9, model.clock());
    }

    @Test
    void manyEventsCoalesceIntoOneUpdatePerPage() {
        EventCoalescer coalescer = new EventCoalescer();
        for (int i = 0; i < 10_000; i++) {
            coalescer.accept(event(i % 2 == 0 ? Kind.READ_FAULT : Kind.PAGE_RECEIVED, "n" + (i % 3), i % 100, "n0", i));
        }
        coalescer.accept(event(Kind.LOCK_GRANTED, "n1", -1, null, 10_001));
        PageOwnership model = PageOwnership.of(ClusterPageTable.of(Map.of()));
        Set<Long> changed = coalescer.drainInto(model);
        assertEquals(100, changed.size(), "one repaint per page, not per event");
        assertEquals(100, model.pages().size());
        assertEquals(5_000, model.pages().stream().mapToLong(PageOwnership.Page::readFaults).sum());
        assertEquals(10_001, model.clock(), "synchronization events advance the clock");
        assertTrue(coalescer.drainInto(model).isEmpty(), "nothing twice");
    }
}
