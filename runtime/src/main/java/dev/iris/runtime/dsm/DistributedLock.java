package dev.iris.runtime.dsm;

/**
 * A cluster-wide mutual-exclusion lock, granted first come first served by its manager node and
 * re-entrant per process (the thread a process runs on). Under release consistency, acquiring
 * makes the writes of the previous holders visible and releasing publishes this holder's writes.
 */
public interface DistributedLock {
    /** The lock's name, the same on every node. */
    String name();

    /**
     * Blocks until this process holds the lock (at once if it already does).
     *
     * @throws MemoryException if the lock's manager node is dead or dies meanwhile, or this thread
     *                         is interrupted before the lock is granted (its request is withdrawn;
     *                         a grant already on its way is kept: then this returns with the
     *                         interrupt status set)
     */
    void lock();

    /**
     * Releases one hold; the last release passes the lock to the next waiter.
     *
     * @throws IllegalMonitorStateException if this process does not hold the lock
     */
    void unlock();

    /** Whether the calling process holds the lock. */
    boolean isHeldByCurrentThread();
}
