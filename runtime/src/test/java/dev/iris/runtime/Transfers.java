package dev.iris.runtime;

import dev.iris.runtime.dsm.SharedMemory;
import java.util.SplittableRandom;

/** The bank tests' transfer: one unit between two accounts of 8 bytes each, on different pages mostly. */
final class Transfers {
    private Transfers() {
    }

    /** Two accounts of {@code accounts}, {@code perPage} to a page: the second one to three pages on. */
    static int[] pick(SplittableRandom random, int accounts, int perPage) {
        int from = random.nextInt(accounts);
        return new int[] {from, (from + perPage * (1 + random.nextInt(3)) + random.nextInt(perPage)) % accounts};
    }

    /** Moves one unit from account {@code pair[0]} to {@code pair[1]} at {@code base}, in one transaction. */
    static void move(SharedMemory m, long base, int[] pair) {
        m.transaction(() -> {
            m.setLong(base + 8L * pair[0], m.getLong(base + 8L * pair[0]) - 1);
            m.setLong(base + 8L * pair[1], m.getLong(base + 8L * pair[1]) + 1);
        });
    }
}
