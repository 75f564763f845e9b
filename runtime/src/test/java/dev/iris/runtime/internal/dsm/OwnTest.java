package dev.iris.runtime.internal.dsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.EmbeddedCluster;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryConfig.Region;
import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.dsm.SharedMemory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Dsm#own}: the write faults of a heap's new arena, all under way at once. */
@Timeout(60)
class OwnTest {
    private static final int PAGE = 256;
    private static final int PAGES = 16;

    /**
     * A taking that fails half way (its thread is interrupted while the other node has not answered
     * yet) leaves none of the pages held for the writes that will not come: once the other node
     * answers, it reads every page again. Without the faults' abandonment its reads of the pages
     * after the one that failed wait for those writes, and time out.
     */
    @Test
    void aTakingThatFailsHalfWayHoldsNoPage() throws Exception {
        try (EmbeddedCluster c = EmbeddedCluster.start("own", List.of("a", "b"), Codecs.of(),
                MemoryConfig.of(List.of(Region.of("data", (long) PAGES * PAGE))).withPageSize(PAGE)
                        .withFaultTimeout(Duration.ofSeconds(3)))) {
            Dsm a = (Dsm) c.node(0).memory();
            SharedMemory b = c.node(1).memory();
            long base = a.region("data").base();
            Page held = null;
            for (long address = base; held == null; address += PAGE) {
                Page p = ((Dsm) b).pageNumber(address / PAGE);
                if (p.owner) {
                    held = p; // b's first page: serving a's request for it waits for this test
                }
            }
            synchronized (held) {
                Thread.currentThread().interrupt();
                MemoryException failed = assertThrows(MemoryException.class, () -> a.own(base, base + PAGES * PAGE));
                assertTrue(failed.getMessage().contains("interrupted"), failed.getMessage());
                assertTrue(Thread.interrupted());
            }
            for (long address = base; address < base + PAGES * PAGE; address += PAGE) {
                assertEquals(0, b.getLong(address), "page " + address / PAGE);
            }
            a.setLong(base + PAGE, 1);
            assertEquals(1, b.getLong(base + PAGE));
        }
    }
}
