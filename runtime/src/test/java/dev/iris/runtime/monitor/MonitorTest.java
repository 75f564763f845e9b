package dev.iris.runtime.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.IpcException;
import dev.iris.runtime.NameScope;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeConfig;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.Refusals;
import dev.iris.runtime.RegisteredName;
import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.Durability;
import dev.iris.runtime.dsm.HeapCensus;
import dev.iris.runtime.dsm.HeapType;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.dsm.PageInfo;
import dev.iris.runtime.security.ClusterAuthority;
import dev.iris.runtime.security.NodeCredentials;
import java.lang.ref.Reference;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/**
 * Monitor endpoints of real TCP nodes on mutual TLS: what a client of the cluster sees (state,
 * page table, events in order), who is refused, and what a client that stops reading costs.
 */
@Timeout(90)
class MonitorTest {
    private static final ClusterAuthority AUTHORITY = ClusterAuthority.create("lab");
    private static final int PAGE = 4096;
    private static final HeapType CELL = HeapType.of("Cell", "heap", 16, 8);
    private final List<AutoCloseable> open = new ArrayList<>();
    private Refusals refusals;
    private Node n1;
    private Node n2;
    private MonitorServer monitor1;

    @BeforeEach
    void start() throws Exception {
        refusals = new Refusals();
        MemoryConfig memory = MemoryConfig.of(List.of(MemoryConfig.Region.of("data", 2 * PAGE),
                MemoryConfig.Region.heap("heap", PAGE + 2L * PAGE * MemoryConfig.HEAP_ARENA_PAGES, Consistency.SEQUENTIAL)))
                .withPageSize(PAGE).withManagers(List.of("n1", "n2")).withHeapTypes(List.of(CELL));
        n1 = node("n1", memory, List.of());
        n2 = node("n2", memory, List.of(new InetSocketAddress("127.0.0.1", Integer.parseInt(n1.address().substring(n1.address().lastIndexOf(':') + 1)))));
        assertTrue(n1.awaitMembers(2, Duration.ofSeconds(20)));
        assertTrue(n2.awaitMembers(2, Duration.ofSeconds(20)));
        monitor1 = MonitorServer.start(n1, new InetSocketAddress("127.0.0.1", 0));
        open.add(0, monitor1);
    }

    private Node node(String name, MemoryConfig memory, List<InetSocketAddress> seeds) {
        Node node = Node.start(NodeConfig.of(name, "lab", new InetSocketAddress("127.0.0.1", 0), seeds)
                .withMemory(memory).withCredentials(AUTHORITY.issue(name)), Codecs.of());
        open.add(node);
        return node;
    }

    @AfterEach
    void stop() throws Exception {
        refusals.close();
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private MonitorClient connect(NodeCredentials credentials, LinkedBlockingQueue<MonitorMessage> into) {
        return connect(credentials, (java.util.function.Consumer<MonitorMessage>) into::add);
    }

    /** The next message that matches, skipping others; fails after 20 s. */
    private static <T extends MonitorMessage> T next(LinkedBlockingQueue<MonitorMessage> queue, Class<T> type,
            Predicate<T> match) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            MonitorMessage m = queue.poll(100, TimeUnit.MILLISECONDS);
            if (type.isInstance(m) && match.test(type.cast(m))) {
                return type.cast(m);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " as expected within 20 s");
    }

    @Test
    void aClientOfTheClusterGetsStateAndPageTableThenEventsAsTheyHappen() throws Exception {
        long base = n1.memory().region("data").base();
        n1.memory().setLong(base, 1); // n1 owns page 0 now
        LinkedBlockingQueue<MonitorMessage> messages = new LinkedBlockingQueue<>();
        MonitorClient client = connect(AUTHORITY.issue("ide"), messages);
        assertEquals("n1", client.node());

        MonitorMessage.State state = assertInstanceOf(MonitorMessage.State.class, messages.poll(20, TimeUnit.SECONDS));
        assertEquals(List.of("n1", "n2"), state.members());
        assertEquals(n1.address(), state.address());
        MonitorMessage.Pages pages = assertInstanceOf(MonitorMessage.Pages.class, messages.poll(20, TimeUnit.SECONDS));
        assertEquals(n1.memory().snapshot(), pages.pages());
        PageInfo first = pages.pages().stream().filter(p -> p.page() == base / PAGE).findFirst().orElseThrow();
        assertTrue(first.owner() && first.state() == PageInfo.State.WRITE, first.toString());

        // a write on n2 takes the page from n1: n1's monitor reports it, with the new owner
        n2.memory().setLong(base, 2);
        MonitorMessage.Memory lost = next(messages, MonitorMessage.Memory.class,
                m -> m.event().kind() == MemoryEvent.Kind.OWNERSHIP_LOST);
        assertEquals("n2", lost.event().peer());
        assertEquals(base / PAGE, lost.event().page());
        assertEquals("n1", lost.node());

        // a process that joins a group on n1 shows in the next state
        CountDownLatch joined = new CountDownLatch(1);
        ProcessId[] group = new ProcessId[1];
        ProcessId member = n1.spawn("worker", k -> {
            group[0] = k.createGroup(false);
            k.join(group[0]);
            k.register("spooler", NameScope.NODE);
            joined.countDown();
            k.receive();
        });
        assertTrue(joined.await(10, TimeUnit.SECONDS));
        MonitorMessage.State after = next(messages, MonitorMessage.State.class,
                s -> s.groups().containsKey(group[0]) && !s.names().isEmpty());
        assertEquals(java.util.Set.of(member), after.groups().get(group[0]));
        assertEquals("worker", after.processes().get(member));
        // and so does the name it registered
        assertEquals(List.of(new RegisteredName("spooler", member, NameScope.NODE)), after.names());
        assertEquals(1, monitor1.clients());
    }

    /**
     * A client that asks gets a census of the node's heaps, read on that node; a collection the
     * node runs sends every client another, with the garbage it freed as a freed block. With two
     * clients connected each gets each census once (the node's listeners were registered once per
     * client, and every client got every census and event twice).
     */
    @Test
    void aClientGetsACensusOfTheHeapsWhenItAsksAndAfterEachCollection() throws Exception {
        long data = n1.memory().region("data").base();
        n1.memory().setLong(data, 1); // n1 owns the page
        Object holder = new Object();
        long kept = n2.memory().heap().allocate(CELL);
        n2.memory().heap().keepAlive(holder, kept, CELL);
        long garbage = n2.memory().heap().allocate(CELL);
        LinkedBlockingQueue<MonitorMessage> messages = new LinkedBlockingQueue<>();
        MonitorClient client = connect(AUTHORITY.issue("ide"), messages);
        LinkedBlockingQueue<MonitorMessage> other = new LinkedBlockingQueue<>();
        connect(AUTHORITY.issue("other-ide"), other);
        client.census();
        MonitorMessage.Heap asked = next(messages, MonitorMessage.Heap.class, h -> true);
        assertEquals("n1", asked.node());
        assertTrue(asked.census().complete());
        assertEquals(List.of(new HeapCensus.Block("heap", kept, "Cell", 0, 24, List.of(0L)),
                new HeapCensus.Block("heap", garbage, "Cell", 0, 24, List.of(0L))), asked.census().blocks());
        assertEquals(asked, next(other, MonitorMessage.Heap.class, h -> true), "every client gets it");

        assertEquals(1, n1.memory().heap().collect().freed());
        HeapCensus.Block freed = new HeapCensus.Block("heap", garbage, null, 0, 24, List.of());
        for (LinkedBlockingQueue<MonitorMessage> queue : List.of(messages, other)) {
            MonitorMessage.Heap collected = next(queue, MonitorMessage.Heap.class, h -> true);
            assertEquals(List.of(asked.census().blocks().get(0), freed), collected.census().blocks());
        }
        // a page moving between the nodes moves n1's clock on; the next census each client gets is the new one
        long before = n1.memory().heap().census(10).clock();
        n2.memory().setLong(data, 2);
        client.census();
        for (LinkedBlockingQueue<MonitorMessage> queue : List.of(messages, other)) {
            MonitorMessage.Heap next = next(queue, MonitorMessage.Heap.class, h -> true);
            assertTrue(next.census().clock() > before, "a census twice: " + next.census().clock() + " after " + before);
        }
        Reference.reachabilityFence(holder);
    }

    /**
     * A node of a persistent memory reports where it stands: waiting for the other manager (heard 1
     * of 2), open once it joined, and how far its log is on the disk after a write.
     */
    @Test
    void aNodeOfAPersistentMemoryReportsWhetherItOpenedAndWhatItsLogSynced(@TempDir Path data) throws Exception {
        MemoryConfig memory = MemoryConfig.of(List.of(MemoryConfig.Region.of("data", PAGE))).withPageSize(PAGE)
                .withManagers(List.of("p1", "p2")).withPersistent(true);
        Node p1 = Node.start(NodeConfig.of("p1", "lab", new InetSocketAddress("127.0.0.1", 0), List.of())
                .withMemory(memory).withCredentials(AUTHORITY.issue("p1")).withDataDirectory(data.resolve("p1")),
                Codecs.of());
        open.add(p1);
        MonitorServer monitor = MonitorServer.start(p1, new InetSocketAddress("127.0.0.1", 0));
        open.add(0, monitor);
        LinkedBlockingQueue<MonitorMessage> messages = new LinkedBlockingQueue<>();
        open.add(0, MonitorClient.connect(new InetSocketAddress("127.0.0.1", monitor.port()), "lab",
                AUTHORITY.issue("ide"), messages::add));
        Durability waiting = next(messages, MonitorMessage.Durable.class, d -> true).durability();
        assertEquals(new Durability(Durability.Phase.WAITING, 0, 1, 2, null), waiting);

        Node p2 = Node.start(NodeConfig.of("p2", "lab", new InetSocketAddress("127.0.0.1", 0),
                List.of(new InetSocketAddress("127.0.0.1", Integer.parseInt(p1.address().substring(
                        p1.address().lastIndexOf(':') + 1))))).withMemory(memory).withCredentials(AUTHORITY.issue("p2"))
                .withDataDirectory(data.resolve("p2")), Codecs.of());
        open.add(p2);
        next(messages, MonitorMessage.Durable.class, d -> d.durability().phase() == Durability.Phase.OPEN);
        // its pages got owners as it opened, without a memory event: the page table comes again
        long page = p1.memory().region("data").base() / PAGE;
        boolean ownsIt = p1.memory().snapshot().stream().anyMatch(p -> p.page() == page && p.owner());
        MonitorMessage.Pages table = next(messages, MonitorMessage.Pages.class, t -> true);
        assertEquals(ownsIt, table.pages().stream().anyMatch(p -> p.page() == page && p.owner()), table.toString());
        p1.memory().setLong(p1.memory().region("data").base(), 5);
        MonitorMessage.Durable synced = next(messages, MonitorMessage.Durable.class,
                d -> d.durability().synced() > 0);
        assertEquals(new Durability(Durability.Phase.OPEN, 1, 2, 2, null), synced.durability());
        assertEquals(java.util.Optional.empty(), n1.memory().durability(), "a memory that is not persistent");
    }

    /** Waits up to 20 s until {@code holders} clients hold n1's time (stopped if any). */
    private void awaitHolders(int holders) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (monitor1.holdingTime() != holders) {
            assertTrue(System.nanoTime() < deadline, monitor1.holdingTime() + " clients hold n1's time, not " + holders);
            Thread.sleep(1); // polls a state that has no event to wait on
        }
        assertEquals(holders > 0, n1.timePaused());
    }

    @Test
    void clientsStopTheNodesTimeUntilTheLastOfThemRestartsItOrGoesAway() throws Exception {
        MonitorClient ide = connect(AUTHORITY.issue("ide"), new LinkedBlockingQueue<>());
        MonitorClient other = connect(AUTHORITY.issue("other-ide"), new LinkedBlockingQueue<>());
        ide.pauseTime(true);
        awaitHolders(1);
        other.pauseTime(true);
        other.pauseTime(true); // a command that changes nothing
        awaitHolders(2);
        ide.pauseTime(false);
        awaitHolders(1);
        ide.pauseTime(true);
        awaitHolders(2);
        ide.close();
        awaitHolders(1);
        assertFalse(n2.timePaused(), "only the watched node's time stops");
        other.close(); // going away restarts what it stopped
        awaitHolders(0);
    }

    @Test
    void aClientWithACertificateOfAnotherAuthorityIsRefusedAndLogged() throws Exception {
        IpcException refused = assertThrows(IpcException.class,
                () -> connect(ClusterAuthority.create("lab").issue("ide"), new LinkedBlockingQueue<>()));
        assertTrue(refused.getMessage().contains("monitor at"), refused.getMessage());
        String refusal = refusals.next();
        assertTrue(refusal != null && refusal.contains("failed during the handshake"), String.valueOf(refusal));
        assertEquals(0, monitor1.clients());
    }

    @Test
    void aClientWithoutTlsIsRefused() {
        assertThrows(IpcException.class, () -> connect(null, new LinkedBlockingQueue<>()));
        assertEquals(0, monitor1.clients());
    }

    @Test
    void aClientThatStopsReadingLosesEventsNotTheNodesMemoryAndThenGetsThePageTableAgain() throws Exception {
        LinkedBlockingQueue<MonitorMessage> messages = new LinkedBlockingQueue<>();
        CountDownLatch resume = new CountDownLatch(1);
        connect(AUTHORITY.issue("ide"), m -> {
            messages.add(m);
            if (m instanceof MonitorMessage.Memory) {
                try {
                    resume.await(); // the client's thread stops reading: TCP pushes back to the node
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        next(messages, MonitorMessage.Pages.class, p -> true);
        // lock events are local to n1 (it manages the lock): cheap to make many of
        var lock = n1.memory().lock("busy");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (monitor1.droppedEvents() == 0 && System.nanoTime() < deadline) {
            for (int i = 0; i < 1000; i++) {
                lock.lock();
                lock.unlock();
            }
        }
        assertTrue(monitor1.droppedEvents() > 0, "the node never dropped an event for the client");
        resume.countDown();
        // caught up: the node sends its page table again, which replaces what the client knew
        next(messages, MonitorMessage.Pages.class, p -> true);
    }

    private MonitorClient connect(NodeCredentials credentials, java.util.function.Consumer<MonitorMessage> listener) {
        MonitorClient client = MonitorClient.connect(new InetSocketAddress("127.0.0.1", monitor1.port()), "lab",
                credentials, listener);
        open.add(0, client);
        return client;
    }
}
