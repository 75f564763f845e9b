package dev.iris.runtime.dsm;

/**
 * A cluster-wide barrier for a fixed number of parties (processes, on any nodes). Reusable: once
 * all parties arrived they are released together and the next round starts. Under release
 * consistency, passing a barrier makes every party's writes before it visible to all parties.
 */
public interface DistributedBarrier {
    /** The barrier's name, the same on every node. */
    String name();

    /** How many processes must arrive. */
    int parties();

    /**
     * Blocks until {@link #parties()} processes arrived at this barrier.
     *
     * @throws MemoryException if the barrier's manager or the node of a waiting party dies, the
     *                         parties disagree on their number, or this thread is interrupted before
     *                         the round passed (its arrival is withdrawn and does not count)
     */
    void await();
}
