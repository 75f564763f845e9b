package dev.iris.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Clusters.TestCluster;
import dev.iris.runtime.Clusters.Transport;
import dev.iris.runtime.dsm.DistributedLock;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryConfig.Region;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.dsm.PageInfo;
import dev.iris.runtime.dsm.PageManagement;
import dev.iris.runtime.dsm.SharedMemory;
import dev.iris.runtime.dsm.SharedRegion;
import dev.iris.runtime.transport.Frame;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.PageWire;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The shared memory's sequential consistency, synchronization, failures and observation. */
@Timeout(60)
class SharedMemoryTest {
    private static final int PAGE = 256;

    private static MemoryConfig memory(PageManagement management, Region... regions) {
        return MemoryConfig.of(List.of(regions)).withPageSize(PAGE).withManagement(management);
    }

    @ParameterizedTest
    @MethodSource("dev.iris.runtime.Clusters#transportsAndManagers")
    void everyNodeSeesTheLatestWriteOfEveryType(Transport transport, PageManagement management) throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of(), memory(management, Region.of("cell", 64),
                Region.of("grid", 3 * PAGE + 40)))) {
            SharedMemory m1 = c.node(0).memory();
            SharedMemory m2 = c.node(1).memory();
            SharedMemory m3 = c.node(2).memory();
            long cell = m1.region("cell").base();
            m1.setLong(cell, 42);
            assertEquals(42, m2.getLong(cell));
            assertEquals(42, m3.getLong(cell));
            m3.setLong(cell, -7);
            assertEquals(-7, m1.getLong(cell));
            assertEquals(-7, m2.getLong(cell));
            m2.setInt(cell + 12, 1234);
            m1.setDouble(cell + 16, Math.PI);
            assertEquals(1234, m3.getInt(cell + 12));
            assertEquals(Math.PI, m2.getDouble(cell + 16));
            assertEquals(-7, m3.getLong(cell), "the other field of the page is intact");

            SharedRegion grid = m2.region("grid");
            byte[] bytes = new byte[(int) grid.bytes() - 10];
            ThreadLocalRandom.current().nextBytes(bytes);
            m2.write(grid.base() + 5, bytes, 0, bytes.length); // spans four pages
            byte[] back = new byte[bytes.length];
            m3.read(grid.base() + 5, back, 0, back.length);
            assertArrayEquals(bytes, back);
            assertEquals(0, m1.getInt(grid.base()), "bytes before the range are untouched");
        }
    }

    @Test
    void badAddressesAreRefusedWithTheirReason() throws Exception {
        try (TestCluster c = Transport.IN_JVM.start(1, Codecs.of(), memory(PageManagement.FIXED,
                Region.of("a", 20)))) {
            SharedMemory m = c.node(0).memory();
            long a = m.region("a").base();
            assertTrue(assertThrows(IllegalArgumentException.class, () -> m.getLong(a + 4)).getMessage()
                    .contains("not aligned"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> m.getLong(a + 16)).getMessage()
                    .contains("outside every shared region"), "the long would end past the region");
            assertThrows(IllegalArgumentException.class, () -> m.getInt(0));
            assertThrows(IllegalArgumentException.class, () -> m.getLong(8), "below the first page");
            assertThrows(IllegalArgumentException.class, () -> m.getLong(-8));
            assertThrows(IllegalArgumentException.class, () -> m.setLong(a + 10 * PAGE, 1));
            assertThrows(IllegalArgumentException.class, () -> m.write(a + 16, new byte[8], 0, 8));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> m.region("b")).getMessage().contains("[a]"));
        }
        assertThrows(IllegalArgumentException.class, () -> MemoryConfig.of(List.of()).withPageSize(1000));
        assertThrows(IllegalArgumentException.class, () -> MemoryConfig.of(List.of(Region.of("x", 8),
                Region.of("x", 8))));
    }

    /**
     * IVY: a read fault with the fixed manager takes at most three messages when the owner is
     * known. Four nodes, so that reader, writer, manager and owner are all different.
     */
    @ParameterizedTest
    @EnumSource(PageManagement.class)
    void messagesPerFault(PageManagement management) throws Exception {
        try (TestCluster c = Transport.IN_JVM.start(4, Codecs.of(), memory(management,
                new Region("data", 8 * PAGE, dev.iris.runtime.dsm.Consistency.SEQUENTIAL, "node2")))) {
            SharedMemory owner = c.node(1).memory();
            long page = -1;
            List<Integer> others = new ArrayList<>();
            for (PageInfo info : owner.snapshot()) {
                int manager = (int) (info.page() % 4); // managers node1..node4 in order
                if (manager != 1) {
                    page = info.page();
                    for (int n = 0; n < 4; n++) {
                        if (n != 1 && n != manager) {
                            others.add(n);
                        }
                    }
                    break;
                }
            }
            long address = page * PAGE;
            SharedMemory reader = c.node(others.get(0)).memory();
            long before = sent(c);
            reader.getLong(address);
            // fixed: reader -> manager -> owner -> reader; dynamic: reader -> probable owner (the owner) -> reader
            assertEquals(management == PageManagement.FIXED ? 3 : 2, sent(c) - before, "read fault messages");

            SharedMemory writer = c.node(others.get(1)).memory();
            before = sent(c);
            writer.setLong(address, 5);
            // request (through the manager if fixed), page with ownership, invalidation of the
            // reader's copy and its acknowledgement
            assertEquals(management == PageManagement.FIXED ? 5 : 4, sent(c) - before, "write fault messages");
            assertEquals(5, reader.getLong(address));
        }
    }

    /**
     * A copy is fetched again with its invalidation's acknowledgement once it was read twice between
     * two writes (the fault that brought it and a read that found it), and then as long as it is read
     * at all: a page written over and over between a reader's reads costs each write only the
     * invalidation, and the writer keeps it writable.
     */
    @ParameterizedTest
    @EnumSource(PageManagement.class)
    void aCopyThatIsReadAgainIsFetchedWithTheAcknowledgement(PageManagement management) throws Exception {
        try (TestCluster c = Transport.IN_JVM.start(3, Codecs.of(), memory(management,
                new Region("data", PAGE, dev.iris.runtime.dsm.Consistency.SEQUENTIAL, "node1")))) {
            SharedMemory writer = c.node(1).memory();
            SharedMemory reader = c.node(2).memory();
            long a = writer.region("data").base();
            long page = a / PAGE;
            Semaphore copies = new Semaphore(0);
            reader.addListener(e -> {
                if (e.kind() == MemoryEvent.Kind.PAGE_RECEIVED) {
                    copies.release();
                }
            });
            writer.setLong(a, 1);
            assertEquals(1, reader.getLong(a)); // a fault: the access that brought the copy is no use of it
            long before = sent(c, 3);
            writer.setLong(a, 2);
            assertEquals(2, sent(c, 3) - before, "invalidation and acknowledgement, no copy");
            assertEquals(PageInfo.State.WRITE, info(writer, page).state());

            assertEquals(2, reader.getLong(a)); // a fault
            assertEquals(2, reader.getLong(a)); // and a use
            copies.drainPermits();
            before = sent(c, 3);
            writer.setLong(a, 3);
            assertEquals(3, sent(c, 3) - before, "invalidation, acknowledgement asking for the copy, the copy");
            assertEquals(PageInfo.State.READ, info(writer, page).state(), "the writer served the reader");
            assertTrue(copies.tryAcquire(30, TimeUnit.SECONDS), "the copy came");
            assertEquals(3, reader.getLong(a)); // found there: a use
            assertEquals(2, info(reader, page).readFaults(), "no fault for the copy that came ahead");

            writer.setLong(a, 4); // fetched again
            assertTrue(copies.tryAcquire(30, TimeUnit.SECONDS), "the copy came");
            before = sent(c, 3);
            writer.setLong(a, 5); // the copy of 4 was not read: only invalidated
            assertEquals(2, sent(c, 3) - before, "invalidation and acknowledgement, no copy");
            assertEquals(PageInfo.State.WRITE, info(writer, page).state(), "no reader to serve");
            assertEquals(PageInfo.State.INVALID, info(reader, page).state());
            assertEquals(5, reader.getLong(a));
            assertEquals(3, info(reader, page).readFaults(), "the reader faults again");
        }
    }

    /**
     * A reader that writes the page while the copy it asked for with its acknowledgement is still on
     * its way does not wait for that copy: its write fault takes the refetch's place, and the copy,
     * when it comes, changes nothing. Here the copy is held at the reader until the write is done;
     * a write that waited for it would wait until the copy came or the fault timed out.
     */
    @ParameterizedTest
    @EnumSource(PageManagement.class)
    void aLocalWriteDoesNotWaitForACopyFetchedAhead(PageManagement management) throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        AtomicBoolean holding = new AtomicBoolean();
        CountDownLatch held = new CountDownLatch(1);
        try (TestCluster c = Transport.IN_JVM.start(3, Codecs.of(), memory(management,
                new Region("data", PAGE, dev.iris.runtime.dsm.Consistency.SEQUENTIAL, "node1"))
                        .withFaultTimeout(Duration.ofMinutes(1)),
                config -> !config.node().equals("node3") ? config
                        : config.withConnectionHandler(() -> new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (holding.get() && msg instanceof Frame frame && frame.kind() == FrameKind.PAGE
                                        && frame.payload().getUnsignedByte(frame.payload().readerIndex())
                                                == PageWire.READ) {
                                    held.countDown();
                                    release.thenRunAsync(() -> ctx.fireChannelRead(msg), ctx.executor());
                                } else {
                                    ctx.fireChannelRead(msg);
                                }
                            }
                        }));
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            SharedMemory writer = c.node(1).memory();
            SharedMemory reader = c.node(2).memory();
            long a = writer.region("data").base();
            writer.setLong(a, 1);
            assertEquals(1, reader.getLong(a)); // a fault
            assertEquals(1, reader.getLong(a)); // and a use: the next invalidation asks for a copy
            holding.set(true);
            writer.setLong(a, 2);
            assertTrue(held.await(30, TimeUnit.SECONDS), "the copy fetched ahead is on its way");

            Future<?> write = pool.submit(() -> reader.setLong(a + 8, 7));
            try {
                write.get(20, TimeUnit.SECONDS); // the fault timeout is a minute: a write waiting for the copy fails here
                assertEquals(PageInfo.State.WRITE, info(reader, a / PAGE).state());
            } finally {
                release.complete(null);
            }
            assertEquals(2, reader.getLong(a));
            assertEquals(7, reader.getLong(a + 8));
            assertEquals(PageInfo.State.WRITE, info(reader, a / PAGE).state(), "the late copy changed nothing");
            assertEquals(7, writer.getLong(a + 8));
            assertEquals(2, writer.getLong(a));
        }
    }

    /**
     * The copy a reader asks for with its acknowledgement is forwarded by the writer, which gave the
     * page to a third node meanwhile, and that node dies before it serves it: the reader asks again
     * the usual way and learns that the page was lost with that node, at once, not after its fault
     * timed out. Here the writer holds the acknowledgement until the third node's write request is
     * queued behind the write, and the third node holds the forwarded request until it closes.
     */
    @ParameterizedTest
    @EnumSource(PageManagement.class)
    void aCopyFetchedAheadFromANodeThatDiesIsAskedForAgain(PageManagement management) throws Exception {
        CompletableFuture<Void> releaseAck = new CompletableFuture<>();
        CompletableFuture<Void> writeQueued = new CompletableFuture<>();
        AtomicBoolean holding = new AtomicBoolean();
        CountDownLatch ackHeld = new CountDownLatch(1);
        CountDownLatch refetchHeld = new CountDownLatch(1);
        try (TestCluster c = Transport.IN_JVM.start(4, Codecs.of(), memory(management,
                new Region("data", PAGE, dev.iris.runtime.dsm.Consistency.SEQUENTIAL, "node1"))
                        .withFaultTimeout(Duration.ofMinutes(1)),
                config -> switch (config.node()) {
                    case "node2" -> config.withConnectionHandler(() -> new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            if (holding.get() && msg instanceof Frame frame && frame.kind() == FrameKind.INVALIDATE_ACK) {
                                ackHeld.countDown();
                                releaseAck.thenRunAsync(() -> ctx.fireChannelRead(msg), ctx.executor());
                                return;
                            }
                            boolean write = holding.get() && msg instanceof Frame frame
                                    && frame.kind() == FrameKind.PAGE_REQUEST
                                    && PageWire.readRequest(frame.payload().duplicate()).mode() == PageWire.WRITE;
                            ctx.fireChannelRead(msg);
                            if (write) {
                                writeQueued.complete(null);
                            }
                        }
                    });
                    case "node4" -> config.withConnectionHandler(() -> new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            if (holding.get() && msg instanceof Frame frame && frame.kind() == FrameKind.PAGE_REQUEST
                                    && PageWire.readRequest(frame.payload().duplicate()).mode() == PageWire.READ) {
                                frame.release(); // never served: this node closes first
                                refetchHeld.countDown();
                            } else {
                                ctx.fireChannelRead(msg);
                            }
                        }
                    });
                    default -> config;
                });
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            SharedMemory writer = c.node(1).memory();
            SharedMemory reader = c.node(2).memory();
            SharedMemory third = c.node(3).memory();
            long a = writer.region("data").base();
            writer.setLong(a, 1);
            assertEquals(1, reader.getLong(a)); // a fault
            assertEquals(1, reader.getLong(a)); // and a use: the next invalidation asks for a copy
            holding.set(true);
            Future<?> write = pool.submit(() -> writer.setLong(a, 2));
            assertTrue(ackHeld.await(30, TimeUnit.SECONDS), "the reader acknowledged, asking for a copy");
            Future<?> thirdWrite = pool.submit(() -> third.setLong(a + 8, 9));
            writeQueued.get(30, TimeUnit.SECONDS);
            releaseAck.complete(null);
            write.get(30, TimeUnit.SECONDS);
            thirdWrite.get(30, TimeUnit.SECONDS);
            assertTrue(refetchHeld.await(30, TimeUnit.SECONDS), "the writer forwarded the copy's request to node4");

            c.node(3).close();
            Future<Long> read = pool.submit(() -> reader.getLong(a));
            // the fault timeout is a minute: a read waiting for the forwarded copy fails here
            ExecutionException e = assertThrows(ExecutionException.class, () -> read.get(20, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof MemoryException && e.getCause().getMessage().contains("node4"),
                    () -> "the page was lost with node4: " + e.getCause());
        }
    }

    private static PageInfo info(SharedMemory memory, long page) {
        return memory.snapshot().stream().filter(i -> i.page() == page).findFirst().orElseThrow();
    }

    private static long sent(TestCluster c) {
        return sent(c, 4);
    }

    private static long sent(TestCluster c, int nodes) {
        long sum = 0;
        for (int i = 0; i < nodes; i++) {
            sum += c.node(i).memory().messagesSent();
        }
        return sum;
    }

    @ParameterizedTest
    @EnumSource(PageManagement.class)
    void concurrentFaultsOnOnePageAreNotDuplicated(PageManagement management) throws Exception {
        try (TestCluster c = Transport.IN_JVM.start(2, Codecs.of(), memory(management,
                new Region("data", PAGE, dev.iris.runtime.dsm.Consistency.SEQUENTIAL, "node1")))) {
            SharedMemory owner = c.node(0).memory();
            long a = owner.region("data").base();
            owner.setLong(a, 99);
            SharedMemory reader = c.node(1).memory();
            CountDownLatch go = new CountDownLatch(1);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Long>> reads = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    reads.add(pool.submit(() -> {
                        go.await();
                        return reader.getLong(a);
                    }));
                }
                go.countDown();
                for (Future<Long> f : reads) {
                    assertEquals(99, f.get());
                }
            }
            assertEquals(1, reader.snapshot().get(0).readFaults(), "32 concurrent readers, one fault");
        }
    }

    /**
     * A byte range is written page by page, each page's part in one step: while two nodes
     * overwrite a page with their own byte over and over, a third never reads a mix. (Written
     * byte by byte, the page would move between the writers mid-range.)
     */
    @ParameterizedTest
    @EnumSource(PageManagement.class)
    void aPagesPartOfAByteRangeIsWrittenWhole(PageManagement management) throws Exception {
        try (TestCluster c = Transport.IN_JVM.start(3, Codecs.of(), memory(management, Region.of("slot", PAGE)))) {
            long slot = c.node(0).memory().region("slot").base();
            AtomicBoolean done = new AtomicBoolean();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> writers = new ArrayList<>();
                for (int n = 0; n < 2; n++) {
                    SharedMemory m = c.node(n).memory();
                    byte[] mine = new byte[PAGE];
                    java.util.Arrays.fill(mine, (byte) (n + 1));
                    writers.add(pool.submit(() -> {
                        while (!done.get()) {
                            m.write(slot, mine, 0, PAGE);
                        }
                        return null;
                    }));
                }
                SharedMemory reader = c.node(2).memory();
                byte[] seen = new byte[PAGE];
                int mixed = 0;
                for (int i = 0; i < 300; i++) {
                    reader.read(slot, seen, 0, PAGE);
                    for (byte b : seen) {
                        if (b != seen[0]) {
                            mixed++;
                            break;
                        }
                    }
                }
                done.set(true);
                for (Future<?> w : writers) {
                    w.get();
                }
                assertEquals(0, mixed, "reads that saw two writers' bytes in one page");
            }
        }
    }

    /** Two nodes writing one page in turn: the page ping-pongs, and both finish (no livelock). */
    @ParameterizedTest
    @MethodSource("dev.iris.runtime.Clusters#transportsAndManagers")
    void atomicsFromEveryNodeLoseNoUpdate(Transport transport, PageManagement management) throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of(), memory(management, Region.of("counters", 16)))) {
            long counter = c.node(0).memory().region("counters").base();
            int perThread = 300;
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> work = new ArrayList<>();
                for (int n = 0; n < 3; n++) {
                    SharedMemory m = c.node(n).memory();
                    for (int t = 0; t < 2; t++) {
                        work.add(pool.submit(() -> {
                            for (int i = 0; i < perThread; i++) {
                                m.getAndAdd(counter, 1);
                                long seen;
                                do {
                                    seen = m.getLong(counter + 8);
                                } while (!m.compareAndSet(counter + 8, seen, seen + 2));
                            }
                            return null;
                        }));
                    }
                }
                for (Future<?> f : work) {
                    f.get();
                }
            }
            assertEquals(6 * perThread, c.node(1).memory().getLong(counter));
            assertEquals(12 * perThread, c.node(2).memory().getLong(counter + 8));
        }
    }

    /** Transfers under a lock keep the total, and every holder sees the total while it holds the lock. */
    @ParameterizedTest
    @MethodSource("dev.iris.runtime.Clusters#transportsAndManagers")
    void moneyIsConservedUnderALock(Transport transport, PageManagement management) throws Exception {
        int accounts = 40; // 320 bytes: two pages
        try (TestCluster c = transport.start(3, Codecs.of(), memory(management, Region.of("accounts", 8 * accounts)))) {
            SharedMemory first = c.node(0).memory();
            long base = first.region("accounts").base();
            for (int i = 0; i < accounts; i++) {
                first.setLong(base + 8L * i, 100);
            }
            ConcurrentLinkedQueue<String> broken = new ConcurrentLinkedQueue<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> work = new ArrayList<>();
                for (int n = 0; n < 3; n++) {
                    SharedMemory m = c.node(n).memory();
                    for (int t = 0; t < 2; t++) {
                        work.add(pool.submit(() -> {
                            DistributedLock lock = m.lock("bank");
                            ThreadLocalRandom random = ThreadLocalRandom.current();
                            for (int i = 0; i < 40; i++) {
                                int from = random.nextInt(accounts);
                                int to = random.nextInt(accounts);
                                lock.lock();
                                try {
                                    lock.lock(); // re-entrant
                                    long amount = random.nextLong(0, 1 + m.getLong(base + 8L * from));
                                    m.setLong(base + 8L * from, m.getLong(base + 8L * from) - amount);
                                    m.setLong(base + 8L * to, m.getLong(base + 8L * to) + amount);
                                    lock.unlock();
                                    assertTrue(lock.isHeldByCurrentThread());
                                    if (i % 10 == 0 && total(m, base, accounts) != 100L * accounts) {
                                        broken.add("total " + total(m, base, accounts) + " inside the lock");
                                    }
                                } finally {
                                    lock.unlock();
                                }
                                assertFalse(lock.isHeldByCurrentThread());
                            }
                            return null;
                        }));
                    }
                }
                for (Future<?> f : work) {
                    f.get();
                }
            }
            assertEquals(List.of(), List.copyOf(broken));
            assertEquals(100L * accounts, total(c.node(2).memory(), base, accounts));
            assertThrows(IllegalMonitorStateException.class, () -> first.lock("bank").unlock());
        }
    }

    private static long total(SharedMemory m, long base, int accounts) {
        long sum = 0;
        for (int i = 0; i < accounts; i++) {
            sum += m.getLong(base + 8L * i);
        }
        return sum;
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aBarrierReleasesAllPartiesTogetherRoundAfterRound(Transport transport) throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of(), memory(PageManagement.DYNAMIC, Region.of("slots", 24)))) {
            long slots = c.node(0).memory().region("slots").base();
            ConcurrentLinkedQueue<String> early = new ConcurrentLinkedQueue<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> work = new ArrayList<>();
                for (int n = 0; n < 3; n++) {
                    SharedMemory m = c.node(n).memory();
                    int me = n;
                    work.add(pool.submit(() -> {
                        for (int round = 1; round <= 5; round++) {
                            m.setLong(slots + 8L * me, round);
                            m.barrier("round", 3).await();
                            for (int other = 0; other < 3; other++) {
                                long seen = m.getLong(slots + 8L * other);
                                if (seen < round) {
                                    early.add("node" + (me + 1) + " passed round " + round + " seeing " + seen
                                            + " from node" + (other + 1));
                                }
                            }
                            m.barrier("round", 3).await(); // nobody writes round+1 before all read round
                        }
                        return null;
                    }));
                }
                for (Future<?> f : work) {
                    f.get();
                }
            }
            assertEquals(List.of(), List.copyOf(early));

            // an interrupted party withdraws its arrival: the two that come next pass together
            Thread interrupted = Thread.ofVirtual().start(() -> {
                Thread.currentThread().interrupt();
                assertThrows(MemoryException.class, () -> c.node(0).memory().barrier("pair", 2).await());
            });
            interrupted.join();
            ExecutorService pairs = Executors.newVirtualThreadPerTaskExecutor();
            try {
                Future<?> one = pairs.submit(() -> c.node(1).memory().barrier("pair", 2).await());
                Future<?> two = pairs.submit(() -> c.node(2).memory().barrier("pair", 2).await());
                one.get(20, java.util.concurrent.TimeUnit.SECONDS);
                two.get(20, java.util.concurrent.TimeUnit.SECONDS);
            } finally {
                pairs.shutdownNow();
            }
            // parties that disagree on the number: the first arrival sets it, the other one fails
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                CompletableFuture<Void> two = CompletableFuture.runAsync(
                        () -> c.node(0).memory().barrier("odd", 2).await(), pool);
                CompletableFuture<Void> three = CompletableFuture.runAsync(
                        () -> c.node(1).memory().barrier("odd", 3).await(), pool);
                ExecutionException failed = assertThrows(ExecutionException.class,
                        () -> CompletableFuture.anyOf(two, three).get());
                String message = failed.getCause().getMessage();
                assertTrue(message.contains("barrier 'odd' is for 2 parties, not 3")
                        || message.contains("barrier 'odd' is for 3 parties, not 2"), message);
                int parties = two.isCompletedExceptionally() ? 3 : 2;
                for (int i = 1; i < parties; i++) {
                    pool.submit(() -> c.node(2).memory().barrier("odd", parties).await());
                }
                (parties == 2 ? two : three).get();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.iris.runtime.Clusters#transportsAndManagers")
    void aPageWhoseOwnerDiedFailsNamingPageAndNode(Transport transport, PageManagement management) throws Exception {
        MemoryConfig config = memory(management, new Region("lost", 8, dev.iris.runtime.dsm.Consistency.SEQUENTIAL,
                "node3"), new Region("kept", 8, dev.iris.runtime.dsm.Consistency.SEQUENTIAL, "node1"))
                .withManagers(List.of("node1", "node2"));
        try (TestCluster c = transport.start(3, Codecs.of(), config)) {
            SharedMemory m1 = c.node(0).memory();
            SharedMemory m2 = c.node(1).memory();
            long lost = m1.region("lost").base();
            m1.setLong(lost, 7); // node1 owns it now
            c.node(2).memory().setLong(lost, 8); // back to node3
            assertEquals(8, m2.getLong(lost));
            long kept = m1.region("kept").base();
            assertEquals(0, m2.getLong(kept)); // node2 holds a copy of node1's page
            c.node(2).close();
            assertTrue(c.node(0).awaitMembers(2, Duration.ofSeconds(10)));
            assertTrue(c.node(1).awaitMembers(2, Duration.ofSeconds(10)));
            MemoryException e = assertThrows(MemoryException.class, () -> m1.getLong(lost));
            assertTrue(e.getMessage().contains("page " + lost / PAGE) && e.getMessage().contains("'lost'")
                    && e.getMessage().contains("node3"), e.getMessage());
            MemoryException w = assertThrows(MemoryException.class, () -> m2.setLong(lost, 1));
            assertTrue(w.getMessage().contains("node3"), w.getMessage());
            // a dead node may have dropped others from copysets: copies it could have invalidated go
            assertEquals(PageInfo.State.INVALID, m2.snapshot().get((int) (kept / PAGE - 1)).state());
            m2.setLong(kept, 3);
            assertEquals(3, m1.getLong(kept), "pages of live owners still work");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.iris.runtime.Clusters#transportsAndManagers")
    void aNodeJoiningLaterUsesEveryRegion(Transport transport, PageManagement management) throws Exception {
        try (TestCluster c = transport.start(2, Codecs.of(), memory(management, Region.of("a", 8),
                Region.of("b", 2 * PAGE)))) {
            SharedMemory m1 = c.node(0).memory();
            long a = m1.region("a").base();
            long b = m1.region("b").base() + PAGE;
            m1.setLong(a, 11);
            c.node(1).memory().setLong(b, 22);
            Node late = c.join("late");
            assertTrue(late.awaitMembers(3, Duration.ofSeconds(10)));
            assertEquals(11, late.memory().getLong(a));
            assertEquals(22, late.memory().getLong(b));
            late.memory().setLong(a, 33);
            assertEquals(33, c.node(1).memory().getLong(a));
        }
    }

    /**
     * An access on a node that closed fails at once, saying so: its request finds no connection to
     * leave on, and with backup copies it waited out the fault timeout (the default 10 s), holding
     * up whoever closed the node, for a time-out that named the wrong cause.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void anAccessOnAClosedNodeFailsAtOnceSayingItIsShuttingDown(Transport transport) throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of(), memory(PageManagement.FIXED,
                new Region("x", 8, dev.iris.runtime.dsm.Consistency.SEQUENTIAL, null)).withBackup(true))) {
            SharedMemory m1 = c.node(0).memory();
            SharedMemory m2 = c.node(1).memory();
            long x = m1.region("x").base();
            m1.setLong(x, 7);
            c.node(1).close();

            MemoryException read = assertThrows(MemoryException.class, () -> m2.getLong(x));
            assertTrue(read.getMessage().contains("node 'node2' is shutting down"), read.getMessage());
            assertTrue(read.getMessage().contains("read fault on page"), read.getMessage());
            MemoryException write = assertThrows(MemoryException.class, () -> m2.setLong(x, 8));
            assertTrue(write.getMessage().contains("node 'node2' is shutting down"), write.getMessage());
            assertEquals(7, m1.getLong(x), "nothing changed");
        }
    }

    @Test
    void snapshotAndEventsShowWhoHoldsWhat() throws Exception {
        try (TestCluster c = Transport.IN_JVM.start(2, Codecs.of(), memory(PageManagement.FIXED,
                new Region("x", 8, dev.iris.runtime.dsm.Consistency.SEQUENTIAL, "node1")))) {
            SharedMemory m1 = c.node(0).memory();
            SharedMemory m2 = c.node(1).memory();
            ConcurrentLinkedQueue<MemoryEvent> events = new ConcurrentLinkedQueue<>();
            m1.addListener(e -> {
                throw new IllegalStateException("a broken listener must not break the protocol");
            });
            m1.addListener(events::add);
            m2.addListener(events::add);
            long x = m1.region("x").base();
            m2.getLong(x);
            PageInfo atOwner = m1.snapshot().get(0);
            assertTrue(atOwner.owner());
            assertEquals(PageInfo.State.READ, atOwner.state(), "the owner keeps a read copy after serving a reader");
            assertEquals(List.of("node2"), atOwner.copyset());
            PageInfo atReader = m2.snapshot().get(0);
            assertEquals(PageInfo.State.READ, atReader.state());
            assertEquals("node1", atReader.probableOwner());
            assertEquals(1, atReader.readFaults());
            m2.setLong(x, 1);
            assertTrue(m2.snapshot().get(0).owner());
            assertEquals(PageInfo.State.INVALID, m1.snapshot().get(0).state());

            var table = dev.iris.runtime.dsm.ClusterPageTable.of(java.util.Map.of("node1", m1.snapshot(), "node2",
                    m2.snapshot())).pages().get(0);
            assertEquals("node2", table.owner());
            assertEquals(java.util.Map.of("node1", PageInfo.State.INVALID, "node2", PageInfo.State.WRITE),
                    table.states());
            assertEquals(1, table.readFaults());
            assertEquals(1, table.writeFaults());

            // the nodes' listeners run on their own threads: their events are in causal order by the Lamport clock
            List<MemoryEvent> list = events.stream().sorted(java.util.Comparator.comparingLong(MemoryEvent::clock))
                    .toList();
            List<String> seen = list.stream().map(e -> e.node() + " " + e.kind() + " " + e.peer()).toList();
            assertEquals(List.of("node2 READ_FAULT null", "node1 PAGE_SENT node2", "node2 PAGE_RECEIVED node1",
                    "node2 WRITE_FAULT null", "node1 OWNERSHIP_LOST node2", "node2 OWNERSHIP_GAINED node1"), seen);
            assertTrue(list.get(1).clock() < list.get(2).clock(), "sending a page happens before receiving it");
            m1.removeListener(events::add); // a different lambda instance: still listening
            m2.getLong(x);
            events.clear();
            m1.getLong(x);
            assertFalse(events.isEmpty());
        }
    }
}
