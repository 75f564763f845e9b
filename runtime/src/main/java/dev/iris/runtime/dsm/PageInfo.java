package dev.iris.runtime.dsm;

import java.util.List;

/**
 * One page of one node's page table, as {@link SharedMemory#snapshot()} saw it.
 *
 * @param page          the global page number ({@code address / pageSize})
 * @param region        the name of the region it belongs to
 * @param state         this node's access to it
 * @param owner         whether this node owns it
 * @param probableOwner where this node sends a fault for it (its owner, when it is the owner)
 * @param copyset       the nodes holding read copies (known at the owner only; empty elsewhere)
 * @param version       the write epoch of the copy this node holds; it grows with every change of
 *                      the writer
 * @param readFaults    read faults this node took on the page
 * @param writeFaults   write faults this node took on the page
 * @param invalidations times this node's copy was invalidated
 */
public record PageInfo(long page, String region, State state, boolean owner, String probableOwner,
        List<String> copyset, long version, long readFaults, long writeFaults, long invalidations) {

    /** A node's access to a page. */
    public enum State {
        /** No valid copy: the next access faults. */
        INVALID,
        /** A read-only copy: reads are local, a write faults. */
        READ,
        /** The only copy, owned here: reads and writes are local. */
        WRITE
    }
}
