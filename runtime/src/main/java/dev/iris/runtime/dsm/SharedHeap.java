package dev.iris.runtime.dsm;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Objects allocated at run time in the cluster's global address space (Rainbow OS's distributed
 * heap). Any thread of the node may use it.
 *
 * <p>A heap is a region declared with {@link MemoryConfig.Region#heap}; its objects have the
 * region's consistency model and are read and written through {@link SharedMemory} at the
 * addresses {@link #field} and {@link #element} check and return. An object's address is global:
 * any node can follow a reference to it, faulting in its page as for any other access.
 *
 * <p>References are written with {@link #setReference} and {@link #compareAndSetReference}
 * (the generated setters do), so that {@link #collect} sees them change. The collector frees
 * what no root reaches: the reference words of the shared objects
 * ({@link MemoryConfig.Region#references}), the {@linkplain #root named roots} and every
 * {@link HeapObject} handle reachable in the JVM of any live node. A bare address kept in a Java {@code long} does not keep its object alive.
 *
 * <p>Each node allocates from arenas (runs of pages) that it takes from the heap in the
 * background before it needs them, so an allocation normally costs no message; the pages of an
 * arena become the allocating node's as it fills them, so a node's objects start out local to it.
 *
 * @throws MemoryException          from any call whose page cannot be obtained, and from
 *                                  {@link #allocate} when the heap is full
 * @throws IllegalArgumentException from any call given an address that is not a live object of
 *                                  the expected type (never allocated, freed, or another type),
 *                                  naming the address and the type; nothing is changed then
 */
public interface SharedHeap {
    /**
     * Allocates a zeroed object of {@code type}, which must not have an array part.
     *
     * @return its address
     * @throws IllegalArgumentException if {@code type}'s heap is not a heap region of this memory
     */
    long allocate(HeapType type);

    /**
     * Allocates a zeroed object of {@code type} with {@code length} elements.
     *
     * @return its address
     * @throws IllegalArgumentException if {@code type}'s heap is not a heap region of this memory,
     *                                  or {@code length} is negative or too large for it
     */
    long allocate(HeapType type, int length);

    /**
     * Allocates a zeroed object of {@code type} with {@code length} elements (0 for a type without
     * an array part) and makes its handle with {@code handle}, given its address, before a
     * collection can look: the generated classes allocate this way, so that no collection frees
     * an object between its allocation and its handle.
     *
     * @return what {@code handle} returned
     */
    <T> T allocate(HeapType type, int length, LongFunction<T> handle);

    /**
     * Allocates a zeroed object of {@code type} with {@code length} elements (0 for a type without
     * an array part) on the node named {@code node}: from that node's arenas, so that its pages are
     * that node's and its accesses there are local, until another node writes them (a write fault
     * moves a page to its writer, as for any page). On another node than this one it costs a round
     * trip, and the object is not part of this thread's transaction, if it is in one.
     *
     * @return its address
     * @throws MemoryException          if no live node is named {@code node}, or it refused (its
     *                                  heap is full, say) or did not answer within the fault
     *                                  time-out; the message says which
     * @throws IllegalArgumentException as {@link #allocate(HeapType, int)}
     */
    long allocate(HeapType type, int length, String node);

    /**
     * As {@link #allocate(HeapType, int, String)}, making the object's handle with {@code handle}
     * before a collection can look (the named node keeps the object alive until then).
     *
     * @return what {@code handle} returned
     */
    <T> T allocate(HeapType type, int length, String node, LongFunction<T> handle);

    /**
     * Reads the reference at {@code word} and makes a handle for it with {@code handle}, before a
     * collection can look (the generated getters read references this way).
     *
     * @return what {@code handle} returned, or null for a null reference
     */
    <T> T getReference(long word, LongFunction<T> handle);

    /**
     * Frees the object at {@code object}, of {@code type}; its memory may be allocated again. A
     * reference to it that remains fails when it is followed.
     *
     * @throws IllegalArgumentException if it is not a live object of {@code type} (freeing twice
     *                                  is one case)
     */
    void free(long object, HeapType type);

    /** Whether {@code object} is a live object of {@code type} (reading its header). */
    boolean isA(long object, HeapType type);

    /** The number of elements of the object at {@code object}, of {@code type}. */
    int length(long object, HeapType type);

    /**
     * Writes a reference to {@code target} (an object's address, or 0) into the word at
     * {@code word}: a reference field or element of an object, or a reference of a shared object.
     */
    void setReference(long word, long target);

    /**
     * Atomically sets the reference at {@code word} to {@code target} if it is {@code expected}.
     *
     * @return whether it was
     */
    boolean compareAndSetReference(long word, long expected, long target);

    /**
     * The reference word of the root named {@code name} in {@code heap}: every node gets the same
     * word for the same name, made on first use (for good, also inside a transaction that then
     * aborts; null until a reference is set). It is read and
     * written as any reference ({@link #getReference}, {@link #setReference},
     * {@link #compareAndSetReference}), and the collector marks from it, so a program finds the
     * structures it built by name instead of declaring a shared object to hold them. The roots
     * live in the heap's first page: a heap has room for {@code (pageSize / 8 - 1) / 2} names, and
     * a name is never removed (set its reference to 0). Names are told apart by a 64-bit hash.
     *
     * @throws IllegalArgumentException if {@code heap} is not a heap region of this memory, or
     *                                  {@code name} is empty
     * @throws IllegalStateException    if the heap has no room for another name
     */
    long root(String heap, String name);

    /**
     * Keeps the object of {@code type} at {@code object} alive while {@code holder} is reachable in
     * this JVM ({@link HeapObject} calls it).
     *
     * @throws IllegalArgumentException if it is not a live object of {@code type}
     */
    void keepAlive(Object holder, long object, HeapType type);

    /**
     * Collects the heaps of the whole cluster now: frees every object that no root reaches, while
     * processes on every node go on using them (they stop once, briefly, while the collector
     * looks at what they changed). One collection runs at a time in the cluster; a collection
     * that loses a node frees nothing. A {@link HeapObject} handle keeps its object until its JVM's
     * own garbage collector has found the handle unreachable: one dropped since then still counts
     * ({@link #collect(boolean)} clears those first).
     *
     * @return what it found
     * @throws MemoryException if it could not complete (a node died or did not answer)
     */
    Collection collect();

    /**
     * Collects the heaps of the whole cluster as {@link #collect()} does, with {@code clearDroppedHandles}
     * after every node's JVM that holds handles has run its own garbage collector ({@link System#gc()}):
     * then a handle dropped anywhere before the call keeps nothing, at the cost of a full collection
     * of each such JVM's own heap (a pause of its threads). An allocation that finds its heap full
     * collects so, once, before it fails.
     *
     * @return what it found
     * @throws MemoryException if it could not complete (a node died or did not answer)
     */
    Collection collect(boolean clearDroppedHandles);

    /**
     * The live objects of every heap, by type, read from the heap's memory (every page of it):
     * exact while no node allocates, an estimate otherwise.
     */
    List<Usage> usage();

    /**
     * Every block of every heap, read from the heaps' memory like any other read (this node takes
     * read copies of the pages it did not hold): for a debugger, exact while no node allocates or
     * changes references, a picture of a moving heap otherwise. A node's monitor answers a client's
     * request with it, and {@link #collect} makes one on the collecting node at its end, which the
     * monitor and the recorder pass on.
     *
     * @param maxBlocks the most blocks to list, with at most 8 times as many references in all; the
     *                  census says whether it stopped there
     */
    HeapCensus census(int maxBlocks);

    /**
     * Makes {@code listener} hear of a census ({@link #census}, of at most {@link HeapCensus#MAX_BLOCKS}
     * blocks) after each collection this node runs, taken before {@link #collect} returns (which a
     * listener should not hold up). No census is taken while nobody listens.
     */
    void addCensusListener(Consumer<HeapCensus> listener);

    /** Stops {@code listener} hearing of censuses. */
    void removeCensusListener(Consumer<HeapCensus> listener);

    /**
     * One heap type's share of its heap.
     *
     * @param type    the type
     * @param objects its live objects
     * @param bytes   the bytes they take, headers included
     */
    record Usage(HeapType type, long objects, long bytes) {
    }

    /**
     * What a collection found.
     *
     * @param live      objects reached from the roots
     * @param freed     objects freed
     * @param bytes     bytes freed
     * @param pauseNanos how long the processes of the nodes could not change references
     */
    record Collection(long live, long freed, long bytes, long pauseNanos) {
    }

    /**
     * The address of the field at {@code offset} (from 0, in the fixed part) of the object at
     * {@code object}, of {@code type}.
     *
     * @throws NullPointerException      if {@code object} is 0 (a null reference)
     * @throws IndexOutOfBoundsException if the field lies outside the fixed part
     */
    long field(long object, HeapType type, int offset);

    /**
     * The address of element {@code index} of the object at {@code object}, of {@code type}.
     *
     * @throws NullPointerException      if {@code object} is 0 (a null reference)
     * @throws IndexOutOfBoundsException if {@code index} is outside its elements, naming both
     */
    long element(long object, HeapType type, int index);
}
