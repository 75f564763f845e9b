package dev.iris.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.SharedMemory;
import dev.iris.runtime.dsm.SharedRegion;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The stale-read check's rule, on a memory that answers what the test says (one step per access):
 * a read that returns a value older than a write that completed before the read began is found,
 * with who wrote and read what when; a read overlapping a write may return either value, and words
 * outside sequentially consistent shared objects are not watched.
 */
class StaleReadsTest {
    private final AtomicLong steps = new AtomicLong();
    private final StaleReads check = new StaleReads(steps::get);
    /** What the memory returns for a read of an address: by default what was last written. */
    private final Map<Long, Long> words = new HashMap<>();
    private final Map<Long, Long> answers = new HashMap<>();

    /** A memory with a sequentially consistent object 'cells' at 0 and a release-consistent 'board' at 64. */
    private SharedMemory memory() {
        List<SharedRegion> regions = List.of(new SharedRegion("cells", 0, 64, Consistency.SEQUENTIAL, null, false),
                new SharedRegion("board", 64, 64, Consistency.RELEASE, null, false));
        return (SharedMemory) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {SharedMemory.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "regions" -> regions;
                    case "getLong" -> {
                        steps.incrementAndGet();
                        long a = (Long) args[0];
                        yield answers.containsKey(a) ? answers.remove(a) : words.getOrDefault(a, 0L);
                    }
                    case "setLong" -> {
                        steps.incrementAndGet();
                        words.put((Long) args[0], (Long) args[1]);
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aReadOlderThanACompletedWriteIsFound() {
        SharedMemory backing = memory();
        SharedMemory n1 = check.view("n1", backing);
        SharedMemory n2 = check.view("n2", backing);
        n1.setLong(8, 5);
        n1.setLong(8, 6);
        assertEquals(6, n2.getLong(8));
        assertNull(check.get());
        answers.put(8L, 5L); // as a copy that was never invalidated would
        assertEquals(5, n2.getLong(8));
        String finding = check.get();
        assertTrue(finding != null && finding.startsWith("a stale read: process thread '")
                && finding.contains("on node 'n2' read 5 from address 0x8 (shared object 'cells')")
                && finding.contains("but a write of 6 there (by process thread '")
                && finding.contains("on node 'n1') had completed at step 2, before the read began, after the write of 5 "
                        + "it read"), finding);
    }

    @Test
    void zerosAfterACompletedWriteAreStaleAndValuesNobodyWroteAreNotJudged() {
        SharedMemory backing = memory();
        SharedMemory n1 = check.view("n1", backing);
        answers.put(16L, 77L);
        n1.getLong(16); // 77: nobody wrote it through this memory
        assertNull(check.get());
        n1.setLong(16, 3);
        answers.put(16L, 0L);
        n1.getLong(16);
        assertTrue(check.get() != null && check.get().contains("after the zeros the page started as"), check.get());
    }

    @Test
    void aReadOverlappingAWriteMayReturnTheOldValueAndOtherObjectsAreNotWatched() {
        SharedMemory backing = memory();
        SharedMemory n1 = check.view("n1", backing);
        SharedMemory n2 = check.view("n2", backing);
        n1.setLong(24, 1);
        // n2's read begins before n1's second write ends: it may see 1
        SharedMemory reader = check.view("n2", (SharedMemory) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SharedMemory.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "regions" -> backing.regions();
                    case "getLong" -> {
                        n1.setLong(24, 2); // completes while the read is under way
                        yield 1L;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                }));
        assertEquals(1, reader.getLong(24));
        assertNull(check.get());
        n1.setLong(72, 9);
        answers.put(72L, 0L);
        n2.getLong(72); // release-consistent: stale until an acquire, and not watched
        assertNull(check.get());
    }
}
