package dev.iris.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Clusters.TestCluster;
import dev.iris.runtime.Clusters.Transport;
import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.HeapCensus;
import dev.iris.runtime.dsm.HeapCensus.Block;
import dev.iris.runtime.dsm.HeapObject;
import dev.iris.runtime.dsm.HeapType;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryConfig.Region;
import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.dsm.PageManagement;
import dev.iris.runtime.dsm.SharedHeap;
import dev.iris.runtime.dsm.SharedHeap.Collection;
import dev.iris.runtime.dsm.SharedMemory;
import dev.iris.runtime.dsm.SharedRegion;
import dev.iris.runtime.transport.Frame;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.HeapWire;
import dev.iris.runtime.transport.PlaceWire;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The collection of the shared heaps: what it frees, what it must never free, and failures during it. */
@Timeout(120)
class HeapCollectionTest {
    private static final int PAGE = 256;
    private static final int ROOTS = 16;
    /** {@code long value; Cell next}. */
    private static final HeapType CELL = HeapType.of("Cell", "heap", 16, 8);

    /** A handle on a cell, as the generated classes make them. */
    static final class Cell extends HeapObject {
        Cell(SharedMemory memory, long address) {
            super(memory, CELL, address);
        }

        static Cell allocate(SharedMemory memory, long value) {
            Cell cell = memory.heap().allocate(CELL, 0, a -> new Cell(memory, a));
            memory.setLong(cell.field(0), value);
            return cell;
        }

        long value() {
            return memory().getLong(field(0));
        }

        Cell next() {
            return memory().heap().getReference(field(8), a -> new Cell(memory(), a));
        }

        void next(Cell next) {
            memory().heap().setReference(field(8), next == null ? 0 : next.address());
        }
    }

    private static MemoryConfig memory(int arenas) {
        List<Long> roots = LongStream.range(0, ROOTS).map(i -> 8 * i).boxed().toList();
        return MemoryConfig.of(List.of(new Region("roots", 8 * ROOTS, Consistency.SEQUENTIAL, null).withReferences(roots),
                Region.heap("heap", PAGE + (long) arenas * PAGE * MemoryConfig.HEAP_ARENA_PAGES, Consistency.SEQUENTIAL)))
                .withPageSize(PAGE).withHeapTypes(List.of(CELL));
    }

    private static long root(SharedMemory m, int i) {
        return m.region("roots").base() + 8L * i;
    }

    private static Cell head(SharedMemory m, int i) {
        return m.heap().getReference(root(m, i), a -> new Cell(m, a));
    }

    private static void head(SharedMemory m, int i, Cell cell) {
        m.heap().setReference(root(m, i), cell == null ? 0 : cell.address());
    }

    @Test
    void aCollectionFreesWhatNoRootOrHandleReachesAndKeepsTheRest() throws Exception {
        try (TestCluster c = Transport.TCP.start(3, Codecs.of(), memory(16))) {
            SharedMemory m1 = c.node(0).memory();
            Cell list = null;
            for (int i = 0; i < 10; i++) {
                Cell cell = Cell.allocate(m1, i);
                cell.next(list);
                list = cell;
            }
            head(m1, 3, list);
            list = null;
            List<Long> garbage = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                garbage.add(m1.heap().allocate(CELL)); // a bare address keeps nothing alive
            }
            SharedMemory m2 = c.node(1).memory();
            Cell held = Cell.allocate(m2, 77); // a handle on another node keeps its object
            Collection done = c.node(2).memory().heap().collect();
            assertEquals(5, done.freed(), done.toString());
            assertEquals(11, done.live(), done.toString());
            assertEquals(5 * 24, done.bytes());
            for (long g : garbage) {
                assertFalse(m1.heap().isA(g, CELL));
            }
            assertEquals(77, held.value());
            int n = 0;
            for (Cell cell = head(m2, 3); cell != null; cell = cell.next()) {
                assertEquals(9 - n++, cell.value());
            }
            assertEquals(10, n);
            assertEquals(List.of(new SharedHeap.Usage(CELL, 11, 11 * 24)), m2.heap().usage());
            // the freed blocks are allocated again by the collecting node, once the collection is over
            long again = c.node(2).memory().heap().allocate(CELL);
            assertTrue(garbage.contains(again), "a freed block is reused");
            assertEquals(1, c.node(2).memory().heap().collect().freed(), "the bare address is garbage again");
        }
    }

    /**
     * A named root is the same word on every node, and keeps what it reaches through collections
     * until it is cleared. Nodes that name roots at once agree on each name's word; the heap's first
     * page (256 bytes here) has room for 15 names, then naming one more fails and says why.
     */
    @Test
    void aNamedRootIsOneWordOnEveryNodeAndKeepsWhatItReaches() throws Exception {
        try (TestCluster c = Transport.TCP.start(3, Codecs.of(), memory(16));
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            SharedMemory m1 = c.node(0).memory();
            SharedHeap h1 = m1.heap();
            long index = h1.root("heap", "index");
            for (int i = 0; i < 4; i++) { // bare addresses: no handle keeps a cell alive
                long cell = h1.allocate(CELL);
                m1.setLong(h1.field(cell, CELL, 0), i);
                h1.setReference(h1.field(cell, CELL, 8), m1.getLong(index));
                h1.setReference(index, cell);
            }
            for (int i = 0; i < 3; i++) {
                m1.heap().allocate(CELL);
            }
            SharedMemory m2 = c.node(1).memory();
            assertEquals(index, m2.heap().root("heap", "index"));
            Collection done = c.node(2).memory().heap().collect();
            assertEquals(3, done.freed(), done.toString());
            assertEquals(4, done.live(), done.toString());
            int n = 0;
            for (long cell = m2.getLong(index); cell != 0; cell = m2.getLong(m2.heap().field(cell, CELL, 8))) {
                assertEquals(3 - n++, m2.getLong(m2.heap().field(cell, CELL, 0)));
            }
            assertEquals(4, n);
            m2.heap().setReference(index, 0);
            assertEquals(4, c.node(2).memory().heap().collect().freed(), "cleared, the root holds nothing");

            List<String> names = LongStream.range(0, 14).mapToObj(i -> "root " + i).toList();
            List<Future<List<Long>>> named = new ArrayList<>();
            for (int node = 0; node < 3; node++) {
                SharedHeap heap = c.node(node).memory().heap();
                List<String> order = new ArrayList<>(names);
                Collections.shuffle(order, new Random(node));
                named.add(pool.submit(() -> {
                    order.forEach(name -> heap.root("heap", name));
                    return names.stream().map(name -> heap.root("heap", name)).toList();
                }));
            }
            List<Long> words = named.get(0).get();
            assertEquals(words, named.get(1).get());
            assertEquals(words, named.get(2).get());
            Set<Long> distinct = new HashSet<>(words);
            distinct.add(index);
            assertEquals(15, distinct.size(), "one word per name");
            IllegalStateException full = assertThrows(IllegalStateException.class, () -> m2.heap().root("heap", "one more"));
            assertEquals("heap 'heap' has no room for the root 'one more': its first page holds 15 named roots, all taken",
                    full.getMessage());
            assertEquals(index, c.node(2).memory().heap().root("heap", "index"), "a full directory still finds its names");

            IllegalArgumentException notAHeap = assertThrows(IllegalArgumentException.class,
                    () -> m1.heap().root("roots", "index"));
            assertEquals("'roots' is not a heap of this shared memory; the heaps are [heap]", notAHeap.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m1.heap().root("heap", ""));
        }
    }

    /**
     * A census, read from a node that allocated nothing, lists every block in address order with
     * its type and references, the freed ones too, and stops at its limit; a collection sends one
     * to those who listen on the collecting node, with the garbage it freed as freed blocks.
     */
    @Test
    void aCensusListsEveryBlockAndACollectionSendsOneToItsListeners() throws Exception {
        try (TestCluster c = Transport.TCP.start(2, Codecs.of(), memory(4))) {
            SharedMemory m1 = c.node(0).memory();
            Cell second = Cell.allocate(m1, 2);
            Cell first = Cell.allocate(m1, 1);
            first.next(second);
            head(m1, 0, first);
            long garbage = m1.heap().allocate(CELL);
            long freed = m1.heap().allocate(CELL);
            m1.heap().free(freed, CELL);
            SharedMemory m2 = c.node(1).memory();
            HeapCensus census = m2.heap().census(100);
            assertTrue(census.complete());
            assertEquals(List.of(new Block("heap", second.address(), "Cell", 0, 24, List.of(0L)),
                    new Block("heap", first.address(), "Cell", 0, 24, List.of(second.address())),
                    new Block("heap", garbage, "Cell", 0, 24, List.of(0L)),
                    new Block("heap", freed, null, 0, 24, List.of())), census.blocks());
            HeapCensus cut = m2.heap().census(3);
            assertFalse(cut.complete());
            assertEquals(census.blocks().subList(0, 3), cut.blocks());

            LinkedBlockingQueue<HeapCensus> heard = new LinkedBlockingQueue<>();
            Consumer<HeapCensus> listener = heard::add;
            m2.heap().addCensusListener(listener);
            assertEquals(1, m2.heap().collect().freed());
            HeapCensus after = heard.poll(20, TimeUnit.SECONDS);
            assertNotNull(after, "no census after the collection");
            assertEquals(new Block("heap", garbage, null, 0, 24, List.of()), after.blocks().get(2));
            assertEquals(census.blocks().subList(0, 2), after.blocks().subList(0, 2));
            assertTrue(after.clock() > census.clock(), after.clock() + " after " + census.clock());
            m2.heap().removeCensusListener(listener);
            assertEquals(2, first.next().value()); // the handles kept both cells
        }
    }

    /**
     * A block freed on one node and met by another node's collection is listed on both: it is
     * allocated once, by whichever claims it first, and the other allocates elsewhere.
     */
    @Test
    void aBlockListedOnTwoNodesIsAllocatedOnce() throws Exception {
        try (TestCluster c = Transport.TCP.start(3, Codecs.of(), memory(16))) {
            SharedMemory m1 = c.node(0).memory();
            SharedMemory m2 = c.node(1).memory();
            Cell kept = Cell.allocate(m1, 5);
            head(m1, 0, kept);
            long block = m1.heap().allocate(CELL);
            m1.heap().free(block, CELL); // listed on node 1
            Collection done = m2.heap().collect(); // which meets the freed block, and lists it on node 2
            assertEquals(0, done.freed(), done.toString());
            Cell second = Cell.allocate(m2, 2);
            assertEquals(block, second.address(), "node 2 reuses the block its collection listed");
            Cell first = Cell.allocate(m1, 1);
            assertTrue(first.address() != block, "node 1 finds its block taken and allocates elsewhere");
            assertEquals(1, first.value());
            assertEquals(2, second.value());
            assertEquals(5, head(m2, 0).value());
            second.free(); // freed again, listed on node 2 only: node 1 dropped it
            assertEquals(block, Cell.allocate(m2, 3).address());
        }
    }

    @Test
    void processesOnThreeNodesChangingTheGraphDuringCollectionsNeverSeeAFreedObject() throws Exception {
        try (TestCluster c = Transport.TCP.start(3, Codecs.of(), memory(1024));
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            AtomicBoolean running = new AtomicBoolean(true);
            Semaphore paced = new Semaphore(0);
            ConcurrentLinkedQueue<Throwable> broken = new ConcurrentLinkedQueue<>();
            List<Future<?>> mutators = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                SharedMemory m = c.node(t % 3).memory();
                Random random = new Random(t);
                mutators.add(pool.submit(() -> {
                    try {
                        for (int op = 0; op < 1_500 || running.get() && op < 20_000; op++) {
                            if (op % 200 == 0) {
                                paced.release();
                            }
                            int i = random.nextInt(ROOTS);
                            int r = random.nextInt(100);
                            if (r < 25) { // push a new cell
                                Cell cell = Cell.allocate(m, op);
                                cell.next(head(m, i));
                                head(m, i, cell);
                            } else if (r < 50) { // pop: the cell becomes garbage, unless shared
                                Cell first = head(m, i);
                                if (first != null) {
                                    head(m, i, first.next());
                                }
                            } else if (r < 80) { // move a cell from one list into another, held only by a handle between
                                Cell before = walk(head(m, i), random.nextInt(8));
                                Cell moved = before == null ? null : before.next();
                                if (moved != null) {
                                    before.next(moved.next()); // out of the middle of one list
                                    Cell after = walk(head(m, random.nextInt(ROOTS)), random.nextInt(8));
                                    if (after == null || after.equals(moved)) {
                                        moved.next(head(m, i));
                                        head(m, i, moved);
                                    } else { // into the middle of another: after a cell the collector may have read
                                        moved.next(after.next());
                                        after.next(moved);
                                    }
                                }
                            } else { // walk
                                Cell cell = head(m, i);
                                for (int k = 0; k < 20 && cell != null; k++) {
                                    cell.value();
                                    cell = cell.next();
                                }
                            }
                        }
                    } catch (Throwable e) {
                        broken.add(e);
                    }
                    return null;
                }));
            }
            AtomicLong collections = new AtomicLong();
            AtomicLong freed = new AtomicLong();
            Future<?> collector = pool.submit(() -> {
                try {
                    for (int node = 0; node < 6; node++) { // the mutators go on until these are done
                        Collection done = c.node(node % 3).memory().heap().collect();
                        collections.incrementAndGet();
                        freed.addAndGet(done.freed());
                    }
                } catch (Throwable e) {
                    broken.add(e);
                } finally {
                    running.set(false);
                    paced.release();
                }
                return null;
            });
            // the JVM's own collections clear the handles the mutators drop, during marking too
            Future<?> jvm = pool.submit(() -> {
                while (running.get()) {
                    paced.acquire(); // a permit per 200 operations
                    System.gc();
                }
                return null;
            });
            collector.get();
            jvm.get();
            for (Future<?> f : mutators) {
                f.get();
            }
            assertTrue(broken.isEmpty(), () -> "first failure: " + broken.peek());
            assertEquals(6, collections.get(), "collections ran");

            // after the mutators: every reachable cell is live and points at live cells, and once
            // their handles are gone, a collection leaves nothing but what the roots reach
            SharedMemory m = c.node(1).memory();
            long reachable = 0;
            long live = -1;
            for (int round = 0; round < 10 && live != reachable; round++) {
                System.gc(); // clears the handles the finished mutators dropped
                freed.addAndGet(m.heap().collect().freed());
                reachable = reachable(m);
                live = m.heap().usage().get(0).objects();
            }
            assertEquals(reachable, live, "no leak");
            assertTrue(freed.get() > 0, "garbage was freed");
        }
    }

    /**
     * An object allocated on a named node stays alive until the asking node's handle exists: here a
     * collection runs while the answer with its address is held on its way, and frees nothing. Once
     * the asking node took it (here as a bare address, which keeps nothing), a collection frees it:
     * the named node keeps nothing for good.
     */
    @Test
    void anObjectPlacedOnANamedNodeIsKeptUntilTheAskingNodeHoldsIt() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        CountDownLatch held = new CountDownLatch(1);
        AtomicBoolean holding = new AtomicBoolean(true);
        // a fault time-out longer than the collection that runs while node1 waits for the answer
        try (TestCluster c = Transport.TCP.start(3, Codecs.of(), memory(16).withFaultTimeout(Duration.ofMinutes(1)), config -> !config.node().equals("node1")
                ? config : config.withConnectionHandler(() -> new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (holding.get() && msg instanceof Frame frame && frame.kind() == FrameKind.PLACED) {
                            held.countDown();
                            release.thenRunAsync(() -> ctx.fireChannelRead(msg), ctx.executor());
                        } else {
                            ctx.fireChannelRead(msg);
                        }
                    }
                }));
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            SharedMemory m1 = c.node(0).memory();
            Future<Cell> placing = pool.submit(() -> m1.heap().allocate(CELL, 0, "node3", a -> new Cell(m1, a)));
            assertTrue(held.await(30, TimeUnit.SECONDS), "node3 answered");
            assertEquals(0, c.node(1).memory().heap().collect().freed(), "node3 keeps the object while its answer travels");
            holding.set(false);
            release.complete(null);
            Cell cell = placing.get(30, TimeUnit.SECONDS);
            assertTrue(m1.heap().isA(cell.address(), CELL));
            assertEquals(0, c.node(2).memory().heap().collect().freed(), "node1's handle keeps it now");

            long bare = m1.heap().allocate(CELL, 0, "node3");
            for (int round = 0; round < 10 && m1.heap().isA(bare, CELL); round++) {
                System.gc(); // clears node3's holder once node3 heard it was taken
                m1.heap().collect();
            }
            assertFalse(m1.heap().isA(bare, CELL), "nothing keeps an object placed for an address only");
            assertTrue(m1.heap().isA(cell.address(), CELL));
        }
    }

    /**
     * The asking thread gives up (here it is interrupted) before the answer arrives: when the
     * answer comes, the asking node says it took the object, so the named node keeps it no longer.
     */
    @Test
    void anAnswerThatComesAfterTheAskerGaveUpEndsTheHold() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Long> answered = new CompletableFuture<>();
        try (TestCluster c = Transport.TCP.start(3, Codecs.of(), memory(16), config -> !config.node().equals("node1")
                ? config : config.withConnectionHandler(() -> new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (!release.isDone() && msg instanceof Frame frame && frame.kind() == FrameKind.PLACED) {
                            answered.complete(PlaceWire.readPlaced(frame.payload().duplicate()).address());
                            release.thenRunAsync(() -> ctx.fireChannelRead(msg), ctx.executor());
                        } else {
                            ctx.fireChannelRead(msg);
                        }
                    }
                }))) {
            SharedMemory m1 = c.node(0).memory();
            CompletableFuture<Throwable> gaveUp = new CompletableFuture<>();
            Thread asker = Thread.ofVirtual().start(() -> {
                try {
                    m1.heap().allocate(CELL, 0, "node3");
                    gaveUp.complete(null);
                } catch (Throwable t) {
                    gaveUp.complete(t);
                }
            });
            long address = answered.get(30, TimeUnit.SECONDS);
            assertEquals(0, m1.heap().collect().freed(), "kept for node1 while it waits");
            asker.interrupt(); // it gives up
            Throwable t = gaveUp.get(30, TimeUnit.SECONDS);
            assertTrue(t instanceof MemoryException && t.getMessage().contains("was interrupted"), String.valueOf(t));
            release.complete(null); // the answer arrives now, for nobody
            for (int round = 0; round < 10 && m1.heap().isA(address, CELL); round++) {
                System.gc(); // clears node3's holder once it heard the answer was taken
                m1.heap().collect();
            }
            assertFalse(m1.heap().isA(address, CELL), "nothing keeps an object whose asker gave up");
        }
    }

    /** An object placed for a node that dies before its answer arrives is kept no longer: a collection frees it. */
    @Test
    void anObjectPlacedForANodeThatDiesIsCollected() throws Exception {
        CompletableFuture<Long> answered = new CompletableFuture<>();
        try (TestCluster c = Transport.TCP.start(3, Codecs.of(), memory(16), config -> !config.node().equals("node2")
                ? config : config.withConnectionHandler(() -> new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof Frame frame && frame.kind() == FrameKind.PLACED) {
                            answered.complete(PlaceWire.readPlaced(frame.payload().duplicate()).address());
                            frame.release(); // never arrives: node2 closes first
                        } else {
                            ctx.fireChannelRead(msg);
                        }
                    }
                }));
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            SharedMemory m2 = c.node(0).memory(); // node1, which manages the collector's lock
            head(m2, 0, null); // and owns the roots' page from now on: node2 takes no page with it
            SharedMemory asking = c.node(1).memory();
            Future<Long> placing = pool.submit(() -> asking.heap().allocate(CELL, 0, "node3"));
            long address = answered.get(30, TimeUnit.SECONDS);
            assertEquals(0, m2.heap().collect().freed(), "kept for node2");
            c.node(1).close();
            assertThrows(ExecutionException.class, () -> placing.get(30, TimeUnit.SECONDS));
            assertTrue(c.node(0).awaitMembers(2, Duration.ofSeconds(30)), "node1 saw node2 leave");
            assertTrue(c.node(2).awaitMembers(2, Duration.ofSeconds(30)), "node3 saw node2 leave");
            for (int round = 0; round < 10 && m2.heap().isA(address, CELL); round++) {
                System.gc(); // clears the holder node3 dropped when node2 left
                m2.heap().collect();
            }
            assertFalse(m2.heap().isA(address, CELL), "nothing keeps an object placed for a dead node");
        }
    }

    /**
     * Collections go on when the manager of the collectors' lock is dead, without the lock; two that
     * overlap then cannot both run: a node refuses to start one while another is under way there
     * (else the later one's end would let blocks be reused while the earlier one still sweeps).
     */
    @Test
    void withTheLocksManagerDeadACollectionRunsWithoutItAndOneThatOverlapsIsAbandoned() throws Exception {
        AtomicBoolean holding = new AtomicBoolean();
        CompletableFuture<Runnable> held = new CompletableFuture<>(); // lets the held answer go on
        UnaryOperator<NodeConfig> hold = config -> !config.node().equals("node2") ? config
                : config.withConnectionHandler(() -> new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof Frame frame && frame.kind() == FrameKind.HEAP_REPLY
                                && HeapWire.readAnswer(frame.payload().duplicate()).op() == HeapWire.START
                                && holding.compareAndSet(true, false)) {
                            held.complete(() -> ctx.executor().execute(() -> ctx.fireChannelRead(msg)));
                        } else {
                            ctx.fireChannelRead(msg);
                        }
                    }
                });
        // no backup copies (with them the lock moves to another manager): the dynamic manager, and
        // node2 owns every page before node1 goes, so nothing is lost with it
        try (TestCluster c = Transport.TCP.start(3, Codecs.of(), memory(16).withManagement(PageManagement.DYNAMIC),
                hold); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            assertEquals(0, Math.floorMod(NodeId.of("iris:heap-collector").number(), 3), "node1 manages the lock");
            SharedMemory m2 = c.node(1).memory();
            SharedMemory m3 = c.node(2).memory();
            long garbage = m2.heap().allocate(CELL);
            for (SharedRegion r : m2.regions()) {
                for (long page = r.base(); page < r.base() + r.bytes(); page += PAGE) {
                    m2.setLong(page, m2.getLong(page));
                }
            }
            c.node(0).close();
            assertTrue(c.node(1).awaitMembers(2, Duration.ofSeconds(30)), "node2 saw node1 leave");
            assertTrue(c.node(2).awaitMembers(2, Duration.ofSeconds(30)), "node3 saw node1 leave");
            holding.set(true);
            CompletableFuture<Collection> first = CompletableFuture.supplyAsync(() -> m2.heap().collect(), pool);
            CompletableFuture.anyOf(held, first).get(60, TimeUnit.SECONDS);
            assertFalse(first.isDone(), () -> "the first collection ended early: " + first.join());
            Runnable goOn = held.join(); // node3 started the first one, node2 waits for its answer
            MemoryException overlapping = assertThrows(MemoryException.class, () -> m3.heap().collect());
            assertTrue(overlapping.getMessage().contains("was abandoned and freed nothing"), overlapping.getMessage());
            goOn.run();
            assertEquals(1, first.get(60, TimeUnit.SECONDS).freed(), "the first one goes on and frees the garbage");
            assertFalse(m3.heap().isA(garbage, CELL));
            long more = m3.heap().allocate(CELL);
            assertEquals(1, m3.heap().collect().freed(), "and the next one runs");
            assertFalse(m2.heap().isA(more, CELL));
        }
    }

    /** The cell {@code steps} after {@code cell}, or the last one before the end. */
    private static Cell walk(Cell cell, int steps) {
        for (int k = 0; k < steps && cell != null; k++) {
            Cell next = cell.next();
            if (next == null) {
                break;
            }
            cell = next;
        }
        return cell;
    }

    /** Walks every list from the roots; fails on a reference to anything but a live cell. */
    private static long reachable(SharedMemory m) {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < ROOTS; i++) {
            for (long at = m.getLong(root(m, i)); at != 0 && seen.add(at); at = m.getLong(m.heap().field(at, CELL, 8))) {
                assertTrue(m.heap().isA(at, CELL), "a reachable reference to a freed cell at 0x" + Long.toHexString(at));
            }
        }
        return seen.size();
    }

    @Test
    void aNodeThatLeavesDuringACollectionAbandonsItWithoutFreeingAnything() throws Exception {
        CountDownLatch stepReached = new CountDownLatch(1); // node 3 read a step of the collection
        // node 2's answer to the END of the abandoned collection reaches node 1 just before node 2's
        // answer to the next collection's START: it must not be taken for that answer
        AtomicReference<Object> lateEnd = new AtomicReference<>();
        AtomicBoolean held = new AtomicBoolean();
        UnaryOperator<NodeConfig> watch = config -> switch (config.node()) {
            case "node3" -> config.withConnectionHandler(() -> new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof Frame frame && frame.kind() == FrameKind.HEAP) {
                        stepReached.countDown();
                    }
                    ctx.fireChannelRead(msg);
                }
            });
            case "node1" -> config.withConnectionHandler(() -> new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof Frame frame && frame.kind() == FrameKind.HEAP_REPLY) {
                        int op = HeapWire.readAnswer(frame.payload().duplicate()).op();
                        if (op == HeapWire.END && held.compareAndSet(false, true)) {
                            lateEnd.set(msg); // the only END reply before the next START's: node 3 is gone
                            return;
                        }
                        Object end = op == HeapWire.START ? lateEnd.getAndSet(null) : null;
                        if (end != null) {
                            ctx.fireChannelRead(end); // from node 2 too, whichever of its connections
                        }
                    }
                    ctx.fireChannelRead(msg);
                }
            });
            default -> config;
        };
        // backup copies: node 3's pages outlive it. The abandoned collection waits for node 2's END
        // answer, held back above, until the fault time-out: 3 s rather than the default 10 s
        try (TestCluster c = Transport.TCP.start(3, Codecs.of(), memory(16).withBackup(true)
                .withFaultTimeout(Duration.ofSeconds(3)), watch);
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            SharedMemory m1 = c.node(0).memory();
            long garbage = m1.heap().allocate(CELL);
            SharedMemory m3 = c.node(2).memory();
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            // a process of node 3 in the middle of an allocation: the collection's start waits for it
            Future<?> busy = pool.submit(() -> m3.heap().allocate(CELL, 0, a -> {
                inside.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return a;
            }));
            inside.await();
            try {
                Future<Collection> collecting = pool.submit(() -> m1.heap().collect());
                assertTrue(stepReached.await(30, TimeUnit.SECONDS), "the collection's start reached node 3");
                pool.submit(() -> {
                    c.node(2).close();
                    return null;
                }).get();
                MemoryException abandoned = assertThrows(MemoryException.class, () -> {
                    try {
                        collecting.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        throw e.getCause();
                    }
                });
                assertTrue(abandoned.getMessage().contains("was abandoned and freed nothing"), abandoned.getMessage());
                assertTrue(abandoned.getMessage().contains("node 'node3'"), abandoned.getMessage());
                assertTrue(m1.heap().isA(garbage, CELL), "nothing was freed");
            } finally {
                release.countDown();
            }
            busy.get();
            assertEquals(2, m1.heap().collect().freed(), "the next collection, without node 3, frees it and the "
                    + "object node 3 allocated (its address was returned bare)");
            assertFalse(m1.heap().isA(garbage, CELL));
        }
    }
}
