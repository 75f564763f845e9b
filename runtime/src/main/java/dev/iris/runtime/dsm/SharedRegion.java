package dev.iris.runtime.dsm;

/**
 * A region of the global address space, allocated for one shared object.
 *
 * @param name        the shared object's name
 * @param base        the global address of its first byte (page aligned, never 0)
 * @param bytes       its size
 * @param consistency its consistency model
 * @param home        the node that owns its pages at start, or {@code null} for the managers in
 *                    turn
 * @param heap        whether it is a heap ({@link SharedHeap}) rather than one shared object
 */
public record SharedRegion(String name, long base, long bytes, Consistency consistency, String home, boolean heap) {
    /** A region for one shared object. */
    public SharedRegion(String name, long base, long bytes, Consistency consistency, String home) {
        this(name, base, bytes, consistency, home, false);
    }

    /** Whether {@code address} lies in this region. */
    public boolean contains(long address) {
        return address >= base && address - base < bytes;
    }
}
