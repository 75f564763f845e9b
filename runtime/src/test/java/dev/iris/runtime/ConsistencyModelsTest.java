package dev.iris.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Clusters.TestCluster;
import dev.iris.runtime.Clusters.Transport;
import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.DistributedLock;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryConfig.Region;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.dsm.SharedMemory;
import dev.iris.runtime.dsm.TransactionAbortedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The visibility rules of release consistency and of transactions. */
@Timeout(60)
class ConsistencyModelsTest {
    private static final int PAGE = 256;

    private static MemoryConfig memory(Region... regions) {
        return MemoryConfig.of(List.of(regions)).withPageSize(PAGE);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aReleasedWriteIsVisibleAfterAcquireOnly(Transport transport) throws Exception {
        try (TestCluster c = transport.start(2, Codecs.of(), memory(new Region("rc", 64, Consistency.RELEASE,
                "node1")))) {
            SharedMemory writer = c.node(0).memory();
            SharedMemory reader = c.node(1).memory();
            long x = writer.region("rc").base();
            assertEquals(0, reader.getLong(x)); // the reader now has a copy
            DistributedLock atWriter = writer.lock("L");
            atWriter.lock();
            writer.setLong(x, 1);
            assertEquals(1, writer.getLong(x), "a node sees its own writes");
            assertEquals(0, reader.getLong(x), "not visible before the release");
            atWriter.unlock();
            assertEquals(0, reader.getLong(x), "released, but the reader has not acquired");
            DistributedLock atReader = reader.lock("L");
            atReader.lock();
            try {
                assertEquals(1, reader.getLong(x), "visible after acquiring the lock");
            } finally {
                atReader.unlock();
            }
            assertThrows(IllegalStateException.class, () -> writer.getAndAdd(x, 1));
        }
    }

    /** Three nodes write their own words of one page at once: no ping-pong, all writes merge at the home. */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void multipleWritersOfOnePageMergeAtTheBarrier(Transport transport) throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of(), memory(new Region("rc", 24, Consistency.RELEASE,
                "node2")))) {
            long base = c.node(0).memory().region("rc").base();
            long before = 0;
            for (int n = 0; n < 3; n++) {
                before += c.node(n).memory().messagesSent();
            }
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<long[]>> seen = new ArrayList<>();
                for (int n = 0; n < 3; n++) {
                    SharedMemory m = c.node(n).memory();
                    long mine = base + 8L * n;
                    seen.add(pool.submit(() -> {
                        for (int i = 0; i < 500; i++) {
                            m.setLong(mine, m.getLong(mine) + 1);
                        }
                        m.barrier("done", 3).await();
                        return new long[] {m.getLong(base), m.getLong(base + 8), m.getLong(base + 16)};
                    }));
                }
                for (Future<long[]> f : seen) {
                    assertEquals(List.of(500L, 500L, 500L), List.of(f.get()[0], f.get()[1], f.get()[2]));
                }
            }
            long messages = -before;
            for (int n = 0; n < 3; n++) {
                messages += c.node(n).memory().messagesSent();
            }
            // per writer at most: fetch + copy, diff + ack, arrive + pass, then a fetch after the barrier
            assertTrue(messages <= 3 * 8, messages + " messages for 1,500 writes to one page");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void moneyIsConservedUnderTransactions(Transport transport) throws Exception {
        int accounts = 40;
        try (TestCluster c = transport.start(3, Codecs.of(), memory(new Region("accounts", 8 * accounts,
                Consistency.TRANSACTIONAL, null)))) {
            SharedMemory first = c.node(0).memory();
            long base = first.region("accounts").base();
            first.transaction(() -> {
                for (int i = 0; i < accounts; i++) {
                    first.setLong(base + 8L * i, 100);
                }
            });
            AtomicInteger aborts = new AtomicInteger();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> work = new ArrayList<>();
                for (int n = 0; n < 3; n++) {
                    SharedMemory m = c.node(n).memory();
                    m.addListener(e -> {
                        if (e.kind() == MemoryEvent.Kind.TRANSACTION_ABORTED) {
                            aborts.incrementAndGet();
                        }
                    });
                    for (int t = 0; t < 2; t++) {
                        work.add(pool.submit(() -> {
                            for (int i = 0; i < 40; i++) {
                                int from = ThreadLocalRandom.current().nextInt(accounts);
                                int to = ThreadLocalRandom.current().nextInt(accounts);
                                boolean audit = i % 8 == 0;
                                long total = m.transaction(() -> {
                                    long amount = Math.min(7, m.getLong(base + 8L * from));
                                    m.setLong(base + 8L * from, m.getLong(base + 8L * from) - amount);
                                    m.setLong(base + 8L * to, m.getLong(base + 8L * to) + amount);
                                    long sum = 0;
                                    for (int a = 0; audit && a < accounts; a++) {
                                        sum += m.getLong(base + 8L * a);
                                    }
                                    return audit ? sum : 100L * accounts;
                                });
                                assertEquals(100L * accounts, total, "a committed transaction saw a consistent total");
                            }
                            return null;
                        }));
                    }
                }
                for (Future<?> f : work) {
                    f.get();
                }
            }
            long total = 0;
            for (int i = 0; i < accounts; i++) {
                total += c.node(2).memory().getLong(base + 8L * i);
            }
            assertEquals(100L * accounts, total);
            System.out.println(transport + ": " + aborts.get() + " aborted attempts for 240 transactions");
        }
    }

    @Test
    void aConflictAbortsTheAttemptAndTheRetrySeesTheNewValue() throws Exception {
        try (TestCluster c = Transport.IN_JVM.start(2, Codecs.of(), memory(new Region("tx", 16,
                Consistency.TRANSACTIONAL, "node1"), new Region("pair", 2 * PAGE, Consistency.TRANSACTIONAL, "node2")))) {
            SharedMemory m1 = c.node(0).memory();
            SharedMemory m2 = c.node(1).memory();
            long x = m1.region("tx").base();
            long y = x + 8;
            m1.setLong(x, 10);
            AtomicInteger attempts = new AtomicInteger();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                m1.transaction(() -> {
                    long seen = m1.getLong(x);
                    if (attempts.incrementAndGet() == 1) {
                        // another node commits a change to x while this attempt runs
                        java.util.concurrent.CompletableFuture.runAsync(() -> m2.transaction(() -> m2.setLong(x, 20)), pool).join();
                        assertEquals(10, m1.getLong(x), "the attempt keeps its snapshot");
                    }
                    m1.setLong(y, seen + 1);
                    assertEquals(0, m2.getLong(y), "not visible before commit");
                    return null;
                });
            }
            assertEquals(2, attempts.get());
            assertEquals(21, m2.getLong(y), "the retry saw x = 20");

            // opacity: a body never sees pages from two different moments (a and b, on two pages,
            // are written together)
            long a = m1.region("pair").base();
            long b = a + PAGE;
            m2.transaction(() -> {
                m2.setLong(a, 1);
                m2.setLong(b, 1);
            });
            java.util.concurrent.atomic.AtomicBoolean torn = new java.util.concurrent.atomic.AtomicBoolean();
            AtomicInteger views = new AtomicInteger();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                m1.transaction(() -> {
                    long seenA = m1.getLong(a);
                    if (views.incrementAndGet() == 1) {
                        java.util.concurrent.CompletableFuture.runAsync(() -> m2.transaction(() -> {
                            m2.setLong(a, 2);
                            m2.setLong(b, 2);
                        }), pool).join();
                    }
                    long seenB = m1.getLong(b);
                    torn.compareAndSet(false, seenA != seenB);
                    return null;
                });
            }
            assertTrue(!torn.get(), "a transaction saw a and b from different commits");
            assertEquals(2, views.get(), "the attempt that would have seen a torn view was retried");

            // a body whose every attempt conflicts: bounded, and nothing of it happens
            AtomicInteger tries = new AtomicInteger();
            TransactionAbortedException e = assertThrows(TransactionAbortedException.class, () -> {
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    m1.transaction(() -> {
                        long seen = m1.getLong(x);
                        int attempt = tries.incrementAndGet();
                        java.util.concurrent.CompletableFuture.runAsync(
                                () -> m2.transaction(() -> m2.setLong(x, 1000 + attempt)), pool).join();
                        m1.setLong(y, seen);
                        return null;
                    });
                }
            });
            assertTrue(e.getMessage().contains("64 times"), e.getMessage());
            assertEquals(64, tries.get());
            assertEquals(21, m2.getLong(y), "no attempt wrote y");

            // a failure on a consistent view is the body's own: thrown at once, its writes dropped
            assertThrows(ArithmeticException.class, () -> m1.transaction(() -> {
                m1.setLong(y, 99);
                return 1 / (m1.getLong(x) - m1.getLong(x));
            }));
            assertEquals(21, m1.getLong(y));
        }
    }
}
