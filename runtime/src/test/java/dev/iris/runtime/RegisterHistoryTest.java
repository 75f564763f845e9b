package dev.iris.runtime;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.iris.runtime.RegisterHistory.Op;
import org.junit.jupiter.api.Test;

/** The checker the memory's consistency tests rely on accepts what it must and refuses what it must. */
class RegisterHistoryTest {
    @Test
    void acceptsOverlappingOperationsInEitherOrder() {
        RegisterHistory h = new RegisterHistory();
        h.add(new Op(8, true, 1, 0, 10, "a"));
        h.add(new Op(8, false, 1, 5, 6, "b")); // overlaps the write: may see it
        h.add(new Op(8, false, 0, 2, 3, "c")); // overlaps the write: may miss it
        h.add(new Op(8, true, 2, 11, 20, "a"));
        h.add(new Op(8, false, 2, 21, 22, "b"));
        h.add(new Op(16, false, 0, 0, 1, "c"));
        assertNull(h.check());
    }

    @Test
    void refusesAStaleReadAfterTheWriteReturned() {
        RegisterHistory h = new RegisterHistory();
        h.add(new Op(8, true, 1, 0, 10, "a"));
        h.add(new Op(8, false, 0, 11, 12, "b"));
        assertNotNull(h.check());
    }

    @Test
    void refusesAReadOfAValueWrittenLater() {
        RegisterHistory h = new RegisterHistory();
        h.add(new Op(8, false, 7, 0, 1, "b"));
        h.add(new Op(8, true, 7, 2, 3, "a"));
        assertNotNull(h.check());
    }

    @Test
    void refusesReadersThatDisagreeOnTheOrderOfTwoWrites() {
        RegisterHistory h = new RegisterHistory();
        h.add(new Op(8, true, 1, 0, 100, "a"));
        h.add(new Op(8, true, 2, 0, 100, "b"));
        h.add(new Op(8, false, 1, 10, 11, "c"));
        h.add(new Op(8, false, 2, 12, 13, "c"));
        h.add(new Op(8, false, 1, 14, 15, "d")); // after c saw 2 then 1... 1 again means 1 was written after 2
        h.add(new Op(8, false, 2, 16, 17, "d")); // and 2 after 1: impossible
        assertNotNull(h.check());
    }
}
