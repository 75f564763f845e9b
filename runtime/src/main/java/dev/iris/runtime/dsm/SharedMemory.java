package dev.iris.runtime.dsm;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

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
 * linearizable per address). In a {@link Consistency#RELEASE} region a write becomes visible to
 * another node once the writer released a lock or passed a barrier and the other node then
 * acquired that lock or passed that barrier. In a {@link Consistency#TRANSACTIONAL} region accesses
 * inside {@link #transaction} are atomic together; outside one, each is sequentially consistent.
 * {@link #compareAndSet} and {@link #getAndAdd} are atomic in sequential and transactional regions
 * (a release-consistent region refuses them: use a lock).
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

    /** The heaps' objects, allocated at run time in the heap regions ({@link MemoryConfig.Region#heap}). */
    SharedHeap heap();

    int getInt(long address);

    void setInt(long address, int value);

    long getLong(long address);

    void setLong(long address, long value);

    double getDouble(long address);

    void setDouble(long address, double value);

    /**
     * Copies {@code length} bytes from {@code address} on into {@code into} at {@code offset}, page
     * by page: each page's part comes from one copy of the page.
     */
    void read(long address, byte[] into, int offset, int length);

    /**
     * Copies {@code length} bytes of {@code from} at {@code offset} to {@code address} on, page by
     * page: each page's part is written in one step, so other nodes see all of it or none of it.
     */
    void write(long address, byte[] from, int offset, int length);

    /**
     * Atomically sets the long at {@code address} to {@code value} if it is {@code expected}.
     *
     * @return whether it was
     */
    boolean compareAndSet(long address, long expected, long value);

    /** Atomically adds {@code delta} to the long at {@code address}; returns the value before. */
    long getAndAdd(long address, long delta);

    /**
     * Runs {@code body} as an optimistic transaction over the {@link Consistency#TRANSACTIONAL}
     * regions: its reads and writes there see a private snapshot, validated at commit; if another
     * transaction changed a page it used, the attempt is discarded and {@code body} runs again (so
     * it must have no effects other than on shared memory). Accesses to other regions inside the
     * body are not part of the transaction. Nested calls join the outer transaction.
     *
     * @return what the committed attempt of {@code body} returned
     * @throws TransactionAbortedException if it conflicted on every attempt (64)
     */
    <T> T transaction(Supplier<T> body);

    /** {@link #transaction(Supplier)} for a body without a result. */
    void transaction(Runnable body);

    /** The cluster-wide lock called {@code name} (the same lock for the same name on every node). */
    DistributedLock lock(String name);

    /** The cluster-wide barrier called {@code name} for {@code parties} processes. */
    DistributedBarrier barrier(String name, int parties);

    /**
     * Where this node's persistent memory stands ({@link MemoryConfig#persistent}): whether it has
     * opened, and how far its page log is on the disk; empty for a memory that is not persistent.
     */
    default Optional<Durability> durability() {
        return Optional.empty();
    }

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
