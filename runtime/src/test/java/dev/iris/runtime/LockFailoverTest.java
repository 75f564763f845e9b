package dev.iris.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Clusters.TestCluster;
import dev.iris.runtime.Clusters.Transport;
import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.DistributedLock;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryConfig.Region;
import dev.iris.runtime.dsm.SharedMemory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * With backup copies a lock outlives its manager: the next manager takes it over, learns from
 * every live node who holds it before it grants it again, and hands on the write notices of the
 * releases it never saw.
 */
@Timeout(120)
class LockFailoverTest {
    private static final int PAGE = 256;

    private static MemoryConfig memory() {
        return MemoryConfig.of(List.of(Region.of("count", PAGE), new Region("board", PAGE, Consistency.RELEASE, "node1")))
                .withPageSize(PAGE).withBackup(true).withFaultTimeout(Duration.ofSeconds(20));
    }

    /** Lock names managed by node3 (the third of three managers), as Sync picks a lock's manager. */
    private static List<String> namesManagedByTheThird(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; names.size() < n; i++) {
            if (Math.floorMod(NodeId.of("lock-" + i).number(), 3) == 2) {
                names.add("lock-" + i);
            }
        }
        return names;
    }

    /**
     * node1 holds a lock of node3's and node2 waits for it when node3 dies: the lock's new manager
     * grants it to node2 only after node1 gives it back.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aLockHeldWhenItsManagerDiesIsNotGrantedTwice(Transport transport) throws Exception {
        List<String> names = namesManagedByTheThird(2);
        try (TestCluster c = transport.start(3, Codecs.of(), memory())) {
            DistributedLock held = c.node(0).memory().lock(names.get(0));
            held.lock();
            AtomicBoolean node1Holds = new AtomicBoolean(true);
            CompletableFuture<Boolean> node2 = CompletableFuture.supplyAsync(() -> {
                DistributedLock wanted = c.node(1).memory().lock(names.get(0));
                wanted.lock();
                try {
                    return node1Holds.get();
                } finally {
                    wanted.unlock();
                }
            });
            c.node(2).close();
            assertTrue(c.node(0).awaitMembers(2, Duration.ofSeconds(10)) && c.node(1).awaitMembers(2,
                    Duration.ofSeconds(10)));
            // another lock of node3's is granted only once every report about node3 is in: by then the
            // new manager knows node1 holds the first, and has node2's acquire
            DistributedLock other = c.node(0).memory().lock(names.get(1));
            other.lock();
            other.unlock();
            assertFalse(node2.isDone(), "node2 got the lock node1 holds");
            node1Holds.set(false);
            held.unlock();
            assertFalse(node2.get(30, TimeUnit.SECONDS), "node2 got the lock only after node1 gave it back");
        }
    }

    /** Counts raised under a lock of node3's by node1 and node2 while node3 dies: every raise is there. */
    @Test
    void raisesUnderALockWhoseManagerDiesAreAllCounted() throws Exception {
        String name = namesManagedByTheThird(1).get(0);
        int raises = 150;
        try (TestCluster c = Transport.TCP.start(3, Codecs.of(), memory())) {
            List<CompletableFuture<Void>> raisers = new ArrayList<>();
            CompletableFuture<Void> halfway = new CompletableFuture<>();
            for (int n = 0; n < 2; n++) {
                SharedMemory m = c.node(n).memory();
                long count = m.region("count").base();
                raisers.add(CompletableFuture.runAsync(() -> {
                    DistributedLock lock = m.lock(name);
                    for (int i = 0; i < raises; i++) {
                        lock.lock();
                        try {
                            m.setLong(count, m.getLong(count) + 1); // not atomic: only the lock keeps raises apart
                        } finally {
                            lock.unlock();
                        }
                        if (i == raises / 3) {
                            halfway.complete(null);
                        }
                    }
                }));
            }
            halfway.get(60, TimeUnit.SECONDS);
            c.node(2).close();
            for (CompletableFuture<Void> r : raisers) {
                r.get(90, TimeUnit.SECONDS);
            }
            assertEquals(2L * raises, c.node(0).memory().getLong(c.node(0).memory().region("count").base()));
        }
    }

    /**
     * node1 publishes a release-consistent write under a lock of node3's, whose notices only node3
     * kept; node3 dies: node2, holding an old copy, acquires the lock from its new manager and reads
     * the write.
     */
    @Test
    void theNewManagerHandsOnTheNoticesTheDeadOneKept() throws Exception {
        String name = namesManagedByTheThird(1).get(0);
        try (TestCluster c = Transport.TCP.start(3, Codecs.of(), memory())) {
            SharedMemory m1 = c.node(0).memory();
            SharedMemory m2 = c.node(1).memory();
            long board = m1.region("board").base();
            assertEquals(0, m2.getLong(board)); // node2 keeps a copy
            DistributedLock lock1 = m1.lock(name);
            lock1.lock();
            m1.setLong(board, 42);
            lock1.unlock(); // the notice of page 'board' goes to node3
            c.node(2).close();
            assertTrue(c.node(1).awaitMembers(2, Duration.ofSeconds(10)));
            DistributedLock lock2 = m2.lock(name);
            lock2.lock();
            try {
                assertEquals(42, m2.getLong(board), "node2 dropped its old copy at the acquire");
            } finally {
                lock2.unlock();
            }
        }
    }
}
