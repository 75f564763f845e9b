package dev.iris.runtime.dsm;

/**
 * A Java handle on an object of a shared heap: the base of the classes generated for the heap
 * types of a {@code .iris} file. While a handle is reachable in this JVM, the heaps' collector
 * keeps its object (a bare address in a {@code long} does not). Handles are equal when they name
 * the same object in the same memory.
 */
public abstract class HeapObject {
    private final SharedMemory memory;
    private final HeapType type;
    private final long address;

    /**
     * A handle on the object at {@code address} in {@code memory}.
     *
     * @throws IllegalArgumentException if there is no live object of {@code type} there, naming
     *                                  the address and what is there
     * @throws NullPointerException     if {@code address} is 0
     */
    protected HeapObject(SharedMemory memory, HeapType type, long address) {
        this.memory = memory;
        this.type = type;
        this.address = address;
        memory.heap().keepAlive(this, address, type);
    }

    /** The object's global address. */
    public final long address() {
        return address;
    }

    /** The shared memory the object is read and written through. */
    public final SharedMemory memory() {
        return memory;
    }

    /** The object's type. */
    public final HeapType type() {
        return type;
    }

    /** Frees the object (see {@link SharedHeap#free}). */
    public void free() {
        memory.heap().free(address, type);
    }

    /** The address of the field at {@code offset} of the fixed part, checking the object is still live. */
    protected final long field(int offset) {
        return memory.heap().field(address, type, offset);
    }

    /** The address of element {@code index}, checking the object is still live and the index. */
    protected final long element(int index) {
        return memory.heap().element(address, type, index);
    }

    /** The number of elements. */
    public int length() {
        return memory.heap().length(address, type);
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof HeapObject h && h.address == address && h.memory == memory;
    }

    @Override
    public final int hashCode() {
        return Long.hashCode(address);
    }

    @Override
    public String toString() {
        return type.name() + "@0x" + Long.toHexString(address);
    }
}
