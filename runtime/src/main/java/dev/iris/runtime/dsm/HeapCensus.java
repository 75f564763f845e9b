package dev.iris.runtime.dsm;

import java.util.List;
import java.util.Objects;

/**
 * Every block of a node's heaps as that node read them, in address order: what a debugger's Heap
 * view shows ({@link SharedHeap#census}).
 *
 * @param clock    the node's Lamport clock when it finished reading, as in its {@link MemoryEvent}s
 * @param pageSize the cluster's page size, in bytes: a block lies on the pages from
 *                 {@code address / pageSize} to {@code (address + bytes - 1) / pageSize}
 * @param blocks   the live objects and the freed blocks, in address order
 * @param complete false if the census stopped at its limit of blocks (the blocks past it are left out)
 */
public record HeapCensus(long clock, int pageSize, List<Block> blocks, boolean complete) {
    /** The most blocks a census for a debugger lists: a node's monitor and recorder ask for no more. */
    public static final int MAX_BLOCKS = 100_000;
    /** The most references a block lists: the first ones of an array of references longer than that. */
    public static final int MAX_REFERENCES = 1_024;

    public HeapCensus {
        if (pageSize <= 0) {
            throw new IllegalArgumentException("a page size of " + pageSize + " bytes");
        }
        blocks = List.copyOf(blocks);
    }

    /**
     * One block of a heap.
     *
     * @param heap       the heap's region
     * @param address    its address (its header's)
     * @param type       the live object's heap type, by name, or null for a freed block
     * @param length     its number of elements (0 for a type without an array part or a freed block)
     * @param bytes      the bytes it takes, its header included
     * @param references the addresses its reference fields and elements hold, in order (0 for null), at
     *                   most {@link #MAX_REFERENCES} of them; empty for a freed block
     */
    public record Block(String heap, long address, String type, int length, long bytes, List<Long> references) {
        public Block {
            Objects.requireNonNull(heap, "heap");
            references = List.copyOf(references);
        }

        /** Whether this is a freed block rather than a live object. */
        public boolean freed() {
            return type == null;
        }
    }
}
