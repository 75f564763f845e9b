package dev.iris.runtime.dsm;

import java.util.List;
import java.util.function.Consumer;

/**
 * One node's view of the cluster's distributed shared memory. Any thread of the node may use it.
 *
 * <p>Addresses are global: the same address names the same byte on every node. Typed accesses
 * must be aligned to their size ({@code int} to 4, {@code long} and {@code double} to 8) and
 * inside a region; byte ranges may span pages. A read of a page this node holds is a plain
 * memory read; any other access may fault, fetching the page or its ownership from another node
 * (see {@link MemoryConfig#management()}), and blocks until it arrives.
 *
 * <p>In a {@link Consistency#SEQUENTIAL} region every access is sequentially consistent (and
 * linearizable per address). {@link #compareAndSet} and {@link #getAndAdd} are atomic in every
 * region.
 *
 * @throws MemoryException          from any access whose page cannot be obtained (its owner or
 *                                  manager is dead, or the fault timed out)
 * @throws IllegalArgumentException from any access outside every region or not aligned
 */
public interface SharedMemory {
    /** The page size of this cluster, in bytes. */
    int pageSize();

    /** The regions, in address order. */
    List<SharedRegion> regions();

    /**
     * The region of the shared object {@code name}.
     *
     * @throws IllegalArgumentException if there is none
     */
    SharedRegion region(String name);

    int getInt(long address);

    void setInt(long address, int value);

    long getLong(long address);

    void setLong(long address, long value);

    double getDouble(long address);

    void setDouble(long address, double value);

    /** Copies {@code length} bytes from {@code address} on into {@code into} at {@code offset}. */
    void read(long address, byte[] into, int offset, int length);

    /** Copies {@code length} bytes of {@code from} at {@code offset} to {@code address} on. */
    void write(long address, byte[] from, int offset, int length);

    /**
     * Atomically sets the long at {@code address} to {@code value} if it is {@code expected}.
     *
     * @return whether it was
     */
    boolean compareAndSet(long address, long expected, long value);

    /** Atomically adds {@code delta} to the long at {@code address}; returns the value before. */
    long getAndAdd(long address, long delta);

    /** The cluster-wide lock called {@code name} (the same lock for the same name on every node). */
    DistributedLock lock(String name);

    /** The cluster-wide barrier called {@code name} for {@code parties} processes. */
    DistributedBarrier barrier(String name, int parties);

    /** This node's page table, one entry per page of every region, in page order. */
    List<PageInfo> snapshot();

    /**
     * Calls {@code listener} for every {@link MemoryEvent} on this node from now on, on the thread
     * that caused it (a protocol thread or an accessing process): it must be quick and must not
     * access shared memory. Nothing is recorded while there are no listeners.
     */
    void addListener(Consumer<MemoryEvent> listener);

    void removeListener(Consumer<MemoryEvent> listener);

    /** Coherence and synchronization frames this node has sent since it started. */
    long messagesSent();
}
