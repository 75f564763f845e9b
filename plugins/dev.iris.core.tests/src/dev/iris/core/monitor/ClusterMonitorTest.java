package dev.iris.core.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.NameScope;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeConfig;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.RegisteredName;
import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.HeapType;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.dsm.MemoryEvent.Kind;
import dev.iris.runtime.dsm.PageInfo;
import dev.iris.runtime.dsm.PageInfo.State;
import dev.iris.runtime.monitor.MonitorMessage;
import dev.iris.runtime.monitor.MonitorServer;
import dev.iris.runtime.security.ClusterAuthority;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The IDE's cluster monitor fed as the nodes' monitors feed it: page tables that replace one
 * node's part, events in causal order, and what a refresh costs at 100,000 pages.
 */
class ClusterMonitorTest {
    private static PageInfo info(long page, State state, boolean owner, List<String> copyset) {
        return new PageInfo(page, "data", state, owner, null, copyset, 1, 0, 0, 0);
    }

    private static String ownerOf(PageOwnership.Picture p, long page) {
        int i = (int) page;
        return p.owner()[i] < 0 ? null : p.nodes().get(p.owner()[i]);
    }

    @Test
    void aNodesTableReplacesOnlyItsPartAndEventsMovePagesBetweenTables() {
        try (ClusterMonitor monitor = ClusterMonitor.offline("lab", List.of("n1", "n2"))) {
            monitor.feed(new MonitorMessage.Pages("n1", List.of(info(0, State.WRITE, true, List.of()),
                    info(1, State.READ, false, List.of()))));
            monitor.feed(new MonitorMessage.Pages("n2", List.of(info(0, State.INVALID, false, List.of()),
                    info(1, State.READ, true, List.of("n1")))));
            assertTrue(monitor.refresh());
            PageOwnership.Picture p = monitor.picture();
            assertEquals("n1", ownerOf(p, 0));
            assertEquals("n2", ownerOf(p, 1));
            assertEquals(PageOwnership.Picture.EXCLUSIVE, p.kind()[0]);
            assertEquals(PageOwnership.Picture.SHARED, p.kind()[1]);
            assertEquals(State.READ, p.access(1, 0));

            // n2 takes page 0: events of both nodes, delivered out of order
            monitor.feed(new MonitorMessage.Memory(new MemoryEvent(Kind.OWNERSHIP_GAINED, "n2", 0, "n1", "data", 0, 9)));
            monitor.feed(new MonitorMessage.Memory(new MemoryEvent(Kind.OWNERSHIP_LOST, "n1", 0, "n2", "data", 0, 8)));
            monitor.refresh();
            assertEquals("n2", ownerOf(monitor.picture(), 0));
            assertEquals(State.INVALID, monitor.picture().access(0, 0));

            // n1 sends its table again (it dropped events): n2's part stays
            monitor.feed(new MonitorMessage.Pages("n1", List.of(info(0, State.INVALID, false, List.of()),
                    info(1, State.READ, false, List.of()))));
            monitor.refresh();
            assertEquals("n2", ownerOf(monitor.picture(), 0));
            assertEquals("n2", ownerOf(monitor.picture(), 1));
            // n2's new table says it no longer owns page 1, and nobody's says who does
            monitor.feed(new MonitorMessage.Pages("n2", List.of(info(0, State.WRITE, true, List.of()))));
            monitor.refresh();
            assertEquals(null, ownerOf(monitor.picture(), 1));
            assertEquals(PageOwnership.Picture.NO_OWNER, monitor.picture().kind()[1]);
            assertEquals(List.of(0, 1), Arrays.stream(monitor.picture().owned()).boxed().toList(), "pages owned");
            assertEquals(2, monitor.eventsApplied());
        }
    }

    /**
     * Attach by address: two TCP nodes on mutual TLS serve their monitors; the IDE attaches with a
     * certificate of their authority, learns their names and follows a write; with another
     * authority's certificate it is refused, saying which monitor.
     */
    @Test
    void attachesToARunningClusterByItsMonitorsAddresses() throws Exception {
        var authority = dev.iris.runtime.security.ClusterAuthority.create("lab");
        var memory = dev.iris.runtime.dsm.MemoryConfig.of(List.of(dev.iris.runtime.dsm.MemoryConfig.Region.of("data",
                4096))).withPageSize(1024).withManagers(List.of("a"));
        List<AutoCloseable> open = new ArrayList<>();
        try {
            dev.iris.runtime.Node a = dev.iris.runtime.Node.start(dev.iris.runtime.NodeConfig.of("a", "lab",
                    new java.net.InetSocketAddress("127.0.0.1", 0), List.of()).withMemory(memory)
                    .withCredentials(authority.issue("a")), dev.iris.runtime.Codecs.of());
            open.add(0, a);
            int port = Integer.parseInt(a.address().substring(a.address().lastIndexOf(':') + 1));
            dev.iris.runtime.Node b = dev.iris.runtime.Node.start(dev.iris.runtime.NodeConfig.of("b", "lab",
                    new java.net.InetSocketAddress("127.0.0.1", 0), List.of(new java.net.InetSocketAddress(
                            "127.0.0.1", port))).withMemory(memory).withCredentials(authority.issue("b")),
                    dev.iris.runtime.Codecs.of());
            open.add(0, b);
            assertTrue(b.awaitMembers(2, java.time.Duration.ofSeconds(20)));
            List<java.net.InetSocketAddress> monitors = new ArrayList<>();
            for (dev.iris.runtime.Node n : List.of(a, b)) {
                var server = dev.iris.runtime.monitor.MonitorServer.start(n, new java.net.InetSocketAddress(
                        "127.0.0.1", 0));
                open.add(0, server);
                monitors.add(new java.net.InetSocketAddress("127.0.0.1", server.port()));
            }
            dev.iris.runtime.IpcException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.iris.runtime.IpcException.class, () -> ClusterMonitor.attach("lab", monitors,
                            dev.iris.runtime.security.ClusterAuthority.create("lab").issue("ide")));
            assertTrue(refused.getMessage().contains("monitor at"), refused.getMessage());

            ClusterMonitor monitor = ClusterMonitor.attach("lab", monitors, authority.issue("ide"));
            open.add(0, monitor);
            assertEquals(List.of("a", "b"), monitor.watched());
            long page = a.memory().region("data").base() / 1024;
            java.util.function.Supplier<String> owner = () -> {
                PageOwnership.Picture p = monitor.picture();
                for (int i = 0; i < p.size(); i++) {
                    if (p.pages()[i] == page) {
                        return p.owner()[i] < 0 ? null : p.nodes().get(p.owner()[i]);
                    }
                }
                return null;
            };
            java.util.concurrent.CountDownLatch moved = new java.util.concurrent.CountDownLatch(1);
            monitor.addListener(() -> {
                if ("b".equals(owner.get())) {
                    moved.countDown();
                }
            });
            b.memory().setLong(a.memory().region("data").base(), 7); // a manages and owns the page: b takes it
            assertTrue(moved.await(20, java.util.concurrent.TimeUnit.SECONDS), "the write moved the page to b: "
                    + owner.get());
            assertEquals(java.util.Set.of("a", "b"), monitor.connected());
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }

    /**
     * A launched node's monitor binds a free port and its JVM says where: until then the monitor
     * waits for the address (and says so), then connects there.
     */
    @Test
    void aNodeWhoseMonitorAddressIsLearntLaterIsConnectedThen() throws Exception {
        ClusterAuthority authority = ClusterAuthority.create("late");
        try (Node a = Node.start(NodeConfig.of("a", "late", new InetSocketAddress("127.0.0.1", 0), List.of())
                .withCredentials(authority.issue("a")), Codecs.of());
                MonitorServer server = MonitorServer.start(a, new InetSocketAddress("127.0.0.1", 0));
                ClusterMonitor monitor = ClusterMonitor.start("late", List.of(new ClusterMonitor.Target("a", null)),
                        authority.issue("ide"))) {
            CountDownLatch told = new CountDownLatch(1);
            monitor.addListener(() -> {
                if (!monitor.failures().containsKey("a") && monitor.states().containsKey("a")) {
                    told.countDown();
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!monitor.failures().containsKey("a")) { // the first round runs at once
                assertTrue(System.nanoTime() < deadline, "a round of the monitor's thread");
                TimeUnit.MILLISECONDS.sleep(1); // polls: the monitor tells no listener of a failure
            }
            assertEquals("its monitor has not said where it listens yet", monitor.failures().get("a"));
            assertEquals(Set.of(), monitor.connected());

            monitor.located("a", new InetSocketAddress("127.0.0.1", server.port()));
            assertTrue(told.await(20, TimeUnit.SECONDS), "connected once located: " + monitor.failures());
            assertEquals(Set.of("a"), monitor.connected());
            assertEquals(a.address(), monitor.states().get("a").address());
        }
    }

    /**
     * After the run the groups are those of its last live moment: a node that died before the end
     * does not bring its members back with its last report when the other nodes go too.
     */
    @Test
    void aNodeThatDiedBeforeTheEndDoesNotComeBackInTheGroupsAfterTheRun() throws Exception {
        ClusterAuthority authority = ClusterAuthority.create("end");
        ProcessId group = ProcessId.wellKnownGroup(5);
        Node a = node("a", "end", authority, List.of());
        Node b = node("b", "end", authority, List.of(new InetSocketAddress("127.0.0.1", port(a))));
        MonitorServer ma = MonitorServer.start(a, new InetSocketAddress("127.0.0.1", 0));
        MonitorServer mb = MonitorServer.start(b, new InetSocketAddress("127.0.0.1", 0));
        try (ClusterMonitor monitor = watch("end", authority, ma, mb)) {
            assertTrue(a.awaitMembers(2, Duration.ofSeconds(20)));
            CountDownLatch joined = new CountDownLatch(1);
            ProcessId member = b.spawn("member", k -> {
                k.join(group);
                joined.countDown();
                k.receive();
            });
            assertTrue(joined.await(20, TimeUnit.SECONDS));
            await(() -> members(monitor, group).contains(member), () -> "b's member shown: " + monitor.groups());

            mb.close();
            b.close(); // dies while a runs on
            await(() -> !monitor.connected().contains("b") && !members(monitor, group).contains(member),
                    () -> "a's report without b's member: " + monitor.groups());
            ma.close();
            a.close(); // the run ends
            await(() -> monitor.connected().isEmpty(), () -> "the monitor disconnected");
            assertTrue(!members(monitor, group).contains(member), "after the run: " + monitor.groups());
        } finally {
            a.close();
            b.close();
        }
    }

    /**
     * A node closed on purpose says so last: the IDE shows it as left (a program's client node after
     * its main class ended, a node JVM the launch terminated), not as dead; one whose monitor just
     * went away is dead.
     */
    @Test
    void aNodeClosedOnPurposeHasLeftAndOneThatVanishedIsDead() throws Exception {
        ClusterAuthority authority = ClusterAuthority.create("bye");
        Node a = node("a", "bye", authority, List.of());
        Node b = node("b", "bye", authority, List.of(new InetSocketAddress("127.0.0.1", port(a))));
        MonitorServer ma = MonitorServer.start(a, new InetSocketAddress("127.0.0.1", 0));
        MonitorServer mb = MonitorServer.start(b, new InetSocketAddress("127.0.0.1", 0));
        try (ClusterMonitor monitor = watch("bye", authority, ma, mb)) {
            await(() -> monitor.connected().equals(Set.of("a", "b")), () -> "connected: " + monitor.connected());
            mb.leaving();
            mb.close();
            b.close();
            await(() -> monitor.nodeState("b") == ClusterMonitor.NodeState.LEFT, () -> "b: " + monitor.nodeState("b"));
            assertEquals(ClusterMonitor.NodeState.ALIVE, monitor.nodeState("a"));

            ma.close(); // its monitor goes away without a word
            await(() -> !monitor.connected().contains("a"), () -> "a still connected");
            assertEquals(ClusterMonitor.NodeState.DEAD, monitor.nodeState("a"));
            assertEquals(ClusterMonitor.NodeState.LEFT, monitor.nodeState("b"));
        } finally {
            a.close();
            b.close();
        }
    }

    /**
     * Refresh in the Heap view, live: the monitor asks a node for a census without waiting, the
     * census arrives like any message, and its pages are found at the memory's page size.
     */
    @Test
    void asksALiveNodeForACensusOfItsHeapsAndPlacesItsObjectsOnTheirPages() throws Exception {
        int pageSize = 1024;
        HeapType cell = HeapType.of("Cell", "heap", 16, 8);
        MemoryConfig memory = MemoryConfig.of(List.of(MemoryConfig.Region.of("data", 4096),
                MemoryConfig.Region.heap("heap", pageSize * (1L + MemoryConfig.HEAP_ARENA_PAGES),
                        Consistency.SEQUENTIAL))).withPageSize(pageSize).withManagers(List.of("a"))
                .withHeapTypes(List.of(cell));
        ClusterAuthority authority = ClusterAuthority.create("heaps");
        Object holder = new Object();
        try (Node a = Node.start(NodeConfig.of("a", "heaps", new InetSocketAddress("127.0.0.1", 0), List.of())
                .withMemory(memory).withCredentials(authority.issue("a")), Codecs.of());
                MonitorServer server = MonitorServer.start(a, new InetSocketAddress("127.0.0.1", 0));
                ClusterMonitor monitor = ClusterMonitor.start("heaps", List.of(new ClusterMonitor.Target("a",
                        new InetSocketAddress("127.0.0.1", server.port()))), authority.issue("ide"))) {
            long first = a.memory().heap().allocate(cell);
            a.memory().heap().keepAlive(holder, first, cell);
            long second = a.memory().heap().allocate(cell);
            a.memory().heap().setReference(a.memory().heap().field(first, cell, 8), second);
            await(() -> monitor.connected().contains("a") && monitor.picture().size() > 0,
                    () -> "a's page table: " + monitor.failures());
            assertEquals(null, monitor.heap());

            assertEquals(java.util.Optional.of("a"), monitor.requestCensus());
            await(() -> monitor.heap() != null, () -> "a census from a");
            HeapPicture heap = monitor.heap();
            assertEquals("a", heap.node());
            long firstPage = a.memory().region("heap").base() / pageSize + 1; // after the bookkeeping page
            assertEquals(List.of(new HeapPicture.TypeRow("heap", "Cell", 2, 48, 1, List.of("a"))), heap.types());
            assertEquals(List.of(firstPage, firstPage), heap.items().stream().map(HeapPicture.Item::firstPage)
                    .toList());
            HeapPicture.Item kept = heap.at(first).orElseThrow();
            assertEquals(second, heap.at(kept.block().references().get(0)).orElseThrow().address(),
                    "the reference leads to the second cell");
        } finally {
            java.lang.ref.Reference.reachabilityFence(holder);
        }
    }

    /** A node of {@code cluster} with a certificate of {@code authority} on a free port, seeded with {@code seeds}. */
    private static Node node(String name, String cluster, ClusterAuthority authority, List<InetSocketAddress> seeds) {
        return Node.start(NodeConfig.of(name, cluster, new InetSocketAddress("127.0.0.1", 0),
                List.copyOf(seeds)).withCredentials(authority.issue(name)), Codecs.of());
    }

    /** The IDE's monitor of nodes a and b, by their monitors' addresses. */
    private static ClusterMonitor watch(String cluster, ClusterAuthority authority, MonitorServer a, MonitorServer b) {
        return ClusterMonitor.start(cluster, List.of(
                new ClusterMonitor.Target("a", new InetSocketAddress("127.0.0.1", a.port())),
                new ClusterMonitor.Target("b", new InetSocketAddress("127.0.0.1", b.port()))), authority.issue("ide"));
    }

    private static int port(Node node) {
        return Integer.parseInt(node.address().substring(node.address().lastIndexOf(':') + 1));
    }

    private static Set<ProcessId> members(ClusterMonitor monitor, ProcessId group) {
        Set<ProcessId> members = new HashSet<>();
        monitor.groups().getOrDefault(group, Map.of()).values().forEach(members::addAll);
        return members;
    }

    /** Polls {@code condition} (the monitor's state changes on its own thread) for up to 20 s. */
    private static void await(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    /** A program without shared memory is replayed by its messages: they span the time slider. */
    @Test
    void aRecordingOfMessagesAloneReplaysThem() {
        dev.iris.runtime.ProcessId client = dev.iris.runtime.ProcessId.process(
                dev.iris.runtime.NodeId.of("n2").number(), 3);
        dev.iris.runtime.ProcessId server = dev.iris.runtime.ProcessId.process(
                dev.iris.runtime.NodeId.of("n1").number(), 4);
        List<MonitorMessage> run = List.of(
                new MonitorMessage.Message(new dev.iris.runtime.MessageEvent(dev.iris.runtime.MessageEvent.Kind.SEND,
                        "n2", "n1", 1, client, server, "Fetch", 0, 3, "")),
                new MonitorMessage.Message(new dev.iris.runtime.MessageEvent(
                        dev.iris.runtime.MessageEvent.Kind.MOVE_TO, "n1", "n2", 1, client, server, "segment", 0, 7,
                        "bytes [0, 10)")));
        ClusterMonitor recording = ClusterMonitor.recording("lab", run);
        assertEquals(List.of(3L, 7L), Arrays.stream(recording.clockRange()).boxed().toList());
        assertEquals(2, recording.traceEvents().size(), "a recording opens at its end, with every message");
        recording.seek(3);
        assertEquals(1, recording.traceEvents().size());
    }

    @Test
    void aRecordingReplaysToAnyMoment() {
        dev.iris.runtime.ProcessId tellers = dev.iris.runtime.ProcessId.wellKnownGroup(2);
        dev.iris.runtime.ProcessId teller = dev.iris.runtime.ProcessId.process(
                dev.iris.runtime.NodeId.of("n2").number(), 4);
        List<MonitorMessage> run = List.of(
                new MonitorMessage.State("n2", "h:2", List.of("n1", "n2"), java.util.Map.of(), java.util.Map.of()),
                new MonitorMessage.Pages("n1", List.of(info(0, State.WRITE, true, List.of()))),
                new MonitorMessage.Pages("n2", List.of(info(0, State.INVALID, false, List.of()))),
                new MonitorMessage.Memory(new MemoryEvent(Kind.OWNERSHIP_LOST, "n1", 0, "n2", "data", 0, 4)),
                new MonitorMessage.Memory(new MemoryEvent(Kind.OWNERSHIP_GAINED, "n2", 0, "n1", "data", 0, 5)),
                new MonitorMessage.State("n2", "h:2", List.of("n1", "n2"), java.util.Map.of(teller, "Teller"),
                        java.util.Map.of(tellers, java.util.Set.of(teller)), List.of(),
                        List.of(new RegisteredName("cashier", teller, NameScope.CLUSTER))),
                new MonitorMessage.Memory(new MemoryEvent(Kind.OWNERSHIP_LOST, "n2", 0, "n3", "data", 0, 9)),
                new MonitorMessage.Memory(new MemoryEvent(Kind.OWNERSHIP_GAINED, "n3", 0, "n2", "data", 0, 10)));
        ClusterMonitor recording = ClusterMonitor.recording("lab", run);
        assertTrue(recording.isRecording());
        assertEquals(List.of(4L, 10L), Arrays.stream(recording.clockRange()).boxed().toList());
        assertEquals("n3", ownerOf(recording.picture(), 0), "a recording opens at its end");
        recording.seek(3);
        assertEquals("n1", ownerOf(recording.picture(), 0));
        assertEquals(java.util.Map.of(), recording.groups(), "the teller joined after clock 5");
        assertEquals(List.of(), recording.names(), "and registered its name then");
        recording.seek(5);
        assertEquals("n2", ownerOf(recording.picture(), 0));
        assertEquals(2, recording.eventsApplied());
        assertEquals(5, recording.position());
        recording.seek(10);
        assertEquals("n3", ownerOf(recording.picture(), 0));
        assertEquals(java.util.Map.of(tellers, java.util.Map.of("n2", List.of(teller))), recording.groups());
        assertEquals(List.of(new RegisteredName("cashier", teller, NameScope.CLUSTER)), recording.names());
        assertEquals(List.of("n1 ownership_lost (n2) @4", "n2 ownership_gained (n1) @5", "n2 ownership_lost (n3) @9",
                "n3 ownership_gained (n2) @10"), recording.page(0).orElseThrow().lastTransitions());
        assertEquals(List.of("n1", "n2"), recording.watched());
    }

    /**
     * 100,000 pages on three nodes, 10,000 events a second: every refresh ({@value
     * ClusterMonitor#REFRESH_MILLIS} ms apart) applies 2,000 events and redraws the picture. Reports
     * the median refresh to target/monitor-timings.txt; asserts the model followed the events.
     */
    @Test
    void refreshCostAtOneHundredThousandPagesAndTenThousandEventsASecond() throws Exception {
        int pages = 100_000;
        List<String> nodes = List.of("n1", "n2", "n3");
        try (ClusterMonitor monitor = ClusterMonitor.offline("big", nodes)) {
            for (int k = 0; k < nodes.size(); k++) {
                List<PageInfo> table = new ArrayList<>(pages);
                for (int page = 0; page < pages; page++) {
                    boolean owner = page % nodes.size() == k;
                    table.add(info(page, owner ? State.WRITE : State.INVALID, owner, List.of()));
                }
                monitor.feed(new MonitorMessage.Pages(nodes.get(k), table));
            }
            long start = System.nanoTime();
            monitor.refresh();
            long first = System.nanoTime() - start;
            assertEquals(pages, monitor.picture().size());

            int perRefresh = (int) (10_000 * ClusterMonitor.REFRESH_MILLIS / 1000);
            long clock = 1;
            String[] owner = new String[pages];
            for (int page = 0; page < pages; page++) {
                owner[page] = nodes.get(page % nodes.size());
            }
            java.util.Random random = new java.util.Random(7);
            long[] costs = new long[41];
            for (int round = 0; round < costs.length; round++) {
                for (int e = 0; e < perRefresh; e += 2) {
                    int page = random.nextInt(pages);
                    String from = owner[page];
                    String to = nodes.get((nodes.indexOf(from) + 1 + random.nextInt(2)) % nodes.size());
                    monitor.feed(new MonitorMessage.Memory(new MemoryEvent(Kind.OWNERSHIP_LOST, from, page, to, "data",
                            0, clock++)));
                    monitor.feed(new MonitorMessage.Memory(new MemoryEvent(Kind.OWNERSHIP_GAINED, to, page, from,
                            "data", 0, clock++)));
                    owner[page] = to;
                }
                long t = System.nanoTime();
                monitor.refresh();
                costs[round] = System.nanoTime() - t;
            }
            PageOwnership.Picture picture = monitor.picture();
            for (int page = 0; page < pages; page++) {
                assertEquals(owner[page], ownerOf(picture, page), "page " + page);
            }
            Arrays.sort(costs);
            String report = String.format("ClusterMonitor.refresh, %,d pages, 3 nodes, %,d events per refresh "
                    + "(10,000/s at %d ms): first (tables) %.1f ms; then median %.1f ms, min %.1f, max %.1f over %d "
                    + "refreshes%n", pages, perRefresh, ClusterMonitor.REFRESH_MILLIS, first / 1e6,
                    costs[costs.length / 2] / 1e6, costs[0] / 1e6, costs[costs.length - 1] / 1e6, costs.length);
            Path target = Files.createDirectories(Path.of(System.getProperty("user.dir"), "target"));
            Files.writeString(target.resolve("monitor-timings.txt"), report);
            System.out.print(report);
            assertEquals(Set.of("n1", "n2", "n3"), Set.copyOf(picture.nodes()));
        }
    }
}
