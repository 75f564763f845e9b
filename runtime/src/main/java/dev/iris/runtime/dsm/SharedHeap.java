package dev.iris.runtime.dsm;

/**
 * Objects allocated at run time in the cluster's global address space (Rainbow OS's distributed
 * heap). Any thread of the node may use it.
 *
 * <p>A heap is a region declared with {@link MemoryConfig.Region#heap}; its objects have the
 * region's consistency model and are read and written through {@link SharedMemory} at the
 * addresses {@link #field} and {@link #element} check and return. An object's address is global:
 * any node can follow a reference to it, faulting in its page as for any other access.
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
