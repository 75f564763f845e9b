package dev.iris.runtime.dsm;

/**
 * Something the coherence or synchronization protocol did on one node, for debuggers and traces.
 *
 * @param kind  what happened
 * @param node  the node it happened on
 * @param page  the global page number, or -1 for lock and barrier events
 * @param peer  the other node involved (the node a page came from or went to, the new owner
 *              that invalidated, the node granted a lock), or {@code null}
 * @param name  the lock or barrier name for synchronization events, else the page's region
 * @param nanos when, by {@link System#nanoTime()} of the node's JVM (in a simulation, by its clock)
 * @param clock the node's Lamport clock: an event that caused another has the smaller clock
 */
public record MemoryEvent(Kind kind, String node, long page, String peer, String name, long nanos, long clock) {

    /** The kinds of events. */
    public enum Kind {
        /** A read of a page this node held no copy of. */
        READ_FAULT,
        /** A write to a page this node did not own writable. */
        WRITE_FAULT,
        /** This node sent a copy of a page it owns to {@code peer}. */
        PAGE_SENT,
        /** A copy of the page arrived from {@code peer}. */
        PAGE_RECEIVED,
        /** This node's copy was invalidated by the new owner {@code peer}. */
        INVALIDATED,
        /** This node became the page's owner (from {@code peer}). */
        OWNERSHIP_GAINED,
        /** This node gave the page's ownership to {@code peer}. */
        OWNERSHIP_LOST,
        /** A process on this node was granted the lock {@code name}. */
        LOCK_GRANTED,
        /** A process on this node released the lock {@code name}. */
        LOCK_RELEASED,
        /** The barrier {@code name} released the processes of this node. */
        BARRIER_PASSED,
        /** A transaction of this node committed. */
        TRANSACTION_COMMITTED,
        /** An attempt of a transaction of this node conflicted and was discarded. */
        TRANSACTION_ABORTED
    }
}
