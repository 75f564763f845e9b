package dev.iris.runtime.dsm;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * A type of object allocated at run time on a shared heap ({@link SharedHeap}): a fixed part of
 * {@code bytes} bytes, of which the words at {@code references} hold references to other heap
 * objects, and optionally an array part whose length is chosen at allocation.
 *
 * <p>An object is laid out from its address on as one header word (its type's {@link #id()} and
 * its array length), the fixed part rounded up to whole words, then the elements. A reference is
 * the address of an object, or 0 for none. Every node must use equal types: the id is a checksum
 * of the whole description, so a type that differs between two nodes is a different type.
 *
 * <p>Equal descriptions make equal types.
 */
public final class HeapType {

    /** Bytes of an object's header. */
    public static final int HEADER = 8;

    private final String name;
    private final String heap;
    private final int bytes;
    private final List<Integer> references;
    private final int elementBytes;
    private final boolean referenceElements;
    private final boolean ownPages;
    private final int id;

    /**
     * A type.
     *
     * @param name              the type's name, for messages and tools
     * @param heap              the heap region its objects are allocated in, which gives their
     *                          consistency model
     * @param bytes             the size of the fixed part, from 0
     * @param references        the offsets in the fixed part of the fields that hold references,
     *                          each a multiple of 8
     * @param elementBytes      bytes per array element (1, 2, 4 or 8), or 0 for a type without an
     *                          array part
     * @param referenceElements whether the elements are references (then {@code elementBytes} is 8)
     * @param ownPages          whether each object gets pages of its own, shared with no other
     *                          object, to avoid false sharing
     */
    public HeapType(String name, String heap, int bytes, List<Integer> references, int elementBytes,
            boolean referenceElements, boolean ownPages) {
        this.name = Objects.requireNonNull(name, "name");
        this.heap = Objects.requireNonNull(heap, "heap");
        this.bytes = bytes;
        this.references = List.copyOf(references);
        this.elementBytes = elementBytes;
        this.referenceElements = referenceElements;
        this.ownPages = ownPages;
        if (bytes < 0) {
            throw new IllegalArgumentException("heap type '" + name + "' has a negative size: " + bytes);
        }
        for (int offset : references) {
            if (offset < 0 || offset % 8 != 0 || offset + 8 > bytes) {
                throw new IllegalArgumentException("heap type '" + name + "': a reference must be a whole word of its "
                        + bytes + " bytes, not at offset " + offset);
            }
        }
        if (elementBytes != 0 && elementBytes != 1 && elementBytes != 2 && elementBytes != 4 && elementBytes != 8) {
            throw new IllegalArgumentException("heap type '" + name + "': an element has 1, 2, 4 or 8 bytes, not "
                    + elementBytes);
        }
        if (referenceElements && elementBytes != 8) {
            throw new IllegalArgumentException("heap type '" + name + "': reference elements have 8 bytes");
        }
        CRC32C crc = new CRC32C();
        crc.update(toString().getBytes(StandardCharsets.UTF_8));
        int sum = (int) crc.getValue();
        this.id = sum == 0 || sum == -1 ? 1 : sum;
    }

    /** A type of {@code bytes} bytes without an array part, with references at {@code references}. */
    public static HeapType of(String name, String heap, int bytes, Integer... references) {
        return new HeapType(name, heap, bytes, List.of(references), 0, false, false);
    }

    /** This type with an array part of elements of {@code bytes} bytes. */
    public HeapType withElements(int bytes) {
        return new HeapType(name, heap, this.bytes, references, bytes, false, ownPages);
    }

    /** This type with an array part of references. */
    public HeapType withReferenceElements() {
        return new HeapType(name, heap, bytes, references, 8, true, ownPages);
    }

    /** This type with pages of its own for each object. */
    public HeapType withOwnPages() {
        return new HeapType(name, heap, bytes, references, elementBytes, referenceElements, true);
    }

    /** Whether objects of this type have an array part. */
    public boolean isArray() {
        return elementBytes != 0;
    }

    /** The offset from an object's address of its first element. */
    public long elementsOffset() {
        return HEADER + ((bytes + 7L) & ~7L);
    }

    /** The bytes an object of this type with {@code length} elements takes, in whole words. */
    public long size(int length) {
        return elementsOffset() + (((long) length * elementBytes + 7) & ~7L);
    }

    /**
     * The type's id in object headers: a checksum of its whole description, never 0 or -1 (which
     * mark unallocated words and freed blocks).
     */
    public int id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String heap() {
        return heap;
    }

    public int bytes() {
        return bytes;
    }

    public List<Integer> references() {
        return references;
    }

    public int elementBytes() {
        return elementBytes;
    }

    public boolean referenceElements() {
        return referenceElements;
    }

    public boolean ownPages() {
        return ownPages;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeapType t && t.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return id;
    }

    /** The whole description, which the id sums. */
    @Override
    public String toString() {
        return "HeapType[" + name + " in " + heap + ", " + bytes + " bytes, references at " + references
                + (elementBytes == 0 ? "" : ", elements of " + elementBytes + " bytes")
                + (referenceElements ? " (references)" : "") + (ownPages ? ", own pages" : "") + "]";
    }
}
