package dev.iris.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Clusters.TestCluster;
import dev.iris.runtime.Clusters.Transport;
import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.dsm.SharedMemory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cuts through the cluster with a partition in the nodes' connections ({@link Partition}): what the
 * shared memory guarantees while nodes cannot hear each other, and after the cut heals.
 */
@Timeout(60)
class PartitionTest {
    private final Partition network = new Partition();

    @AfterEach
    void heal() {
        network.heal();
    }

    /**
     * A one-sided cut: node1 and node2 stop hearing node3 at once, node3 stops hearing them a
     * second later, so node1 declares node3 dead a second before node3 gives up on node1. node1
     * then writes a page of which node3 holds a copy; the invalidation is lost. The write completes
     * only once node3 can no longer read its copy: no read that starts on node3 after the write
     * returned sees the old value; node3's reads fail with a MemoryException instead, and after the
     * cut heals node3 rejoins and reads the new value.
     */
    @Test
    void noReadSeesAValueOlderThanACompletedWriteAcrossACut() throws Exception {
        try (TestCluster c = Transport.IN_JVM.start(3, Codecs.of(), MemoryConfig.of(List.of(
                new MemoryConfig.Region("data", 64, Consistency.SEQUENTIAL, "node1"))), network::install)) {
            SharedMemory m1 = c.node(0).memory();
            SharedMemory m3 = c.node(2).memory();
            long a = m1.region("data").base();
            m1.setLong(a, 1);
            assertEquals(1, m3.getLong(a), "node3 holds a copy");

            long cut = System.nanoTime();
            long oneSecond = TimeUnit.SECONDS.toNanos(1);
            network.cut((receiver, sender) -> receiver.equals("node3") != sender.equals("node3")
                    && (sender.equals("node3") || System.nanoTime() - cut > oneSecond));
            AtomicLong written = new AtomicLong(Long.MAX_VALUE); // when node1's write returned
            AtomicLong copies = new AtomicLong(); // reads of the old value, from node3's copy
            AtomicLong stale = new AtomicLong(); // of those, reads that started after the write returned
            ConcurrentLinkedQueue<MemoryException> refused = new ConcurrentLinkedQueue<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                while (refused.isEmpty()) {
                    long started = System.nanoTime();
                    try {
                        if (m3.getLong(a) == 1) {
                            copies.incrementAndGet();
                            if (started > written.get()) {
                                stale.incrementAndGet();
                            }
                        }
                    } catch (MemoryException e) {
                        refused.add(e);
                    }
                }
            });
            TimeUnit.MILLISECONDS.sleep(1_200); // node3 no longer hears node1; node1 has not yet declared it dead
            m1.setLong(a, 2);
            written.set(System.nanoTime());
            reader.join(TimeUnit.SECONDS.toMillis(30));

            assertEquals(0, stale.get(), "reads on node3 that started after the write returned and saw the old value");
            assertTrue(copies.get() > 0, "node3 read its copy while it could");
            MemoryException why = refused.peek();
            assertTrue(why != null && why.getMessage().contains("page"), "node3's reads end in a clear error: " + why);

            heal();
            assertTrue(c.node(2).awaitMembers(3, Duration.ofSeconds(20)), c.node(2).members().toString());
            assertTrue(c.node(0).awaitMembers(3, Duration.ofSeconds(20)), c.node(0).members().toString());
            assertEquals(2, m3.getLong(a), "after the cut heals, node3 reads the write");
        }
    }
}
