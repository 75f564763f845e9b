package dev.iris.runtime.internal.dsm;

import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.DistributedLock;
import dev.iris.runtime.dsm.HeapType;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.dsm.SharedHeap;
import dev.iris.runtime.dsm.SharedMemory;
import dev.iris.runtime.dsm.SharedRegion;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * A node's side of the shared heaps, built on the shared memory's own accesses (no frames of its
 * own).
 *
 * <p>Layout of a heap region: its first page is bookkeeping, whose word 0 counts the arenas
 * taken; arena {@code n} is the {@link MemoryConfig#HEAP_ARENA_PAGES} pages from
 * {@code base + pageSize * (1 + n * HEAP_ARENA_PAGES)}. An arena is taken with an atomic add
 * (under the heap's lock in a release-consistent heap), by a thread of its own, so that a taking
 * never joins a caller's transaction. Inside an arena objects are bump-allocated, one header word
 * each: {@code type id | length << 32}; a freed block's header is {@code -1 | words << 32}; a zero
 * word is unallocated (an arena's unused end, or an allocation whose transaction aborted).
 *
 * <p>Freed blocks are kept per size by the node that freed them and reused for allocations of
 * that exact size; a block freed inside a transaction is not reused (the transaction may yet
 * abort and leave the object live).
 */
final class Heap implements SharedHeap {
    private static final int FREED = -1;
    private static final byte[] ZEROS = new byte[4096];

    private final SharedMemory memory;
    private final BooleanSupplier inTransaction;
    private final int pageSize;
    private final Map<String, Allocator> heaps = new HashMap<>();
    /** Types this node has allocated or checked, by id, to name them in messages. */
    private final Map<Integer, HeapType> types = new ConcurrentHashMap<>();

    Heap(SharedMemory memory, BooleanSupplier inTransaction) {
        this.memory = memory;
        this.inTransaction = inTransaction;
        this.pageSize = memory.pageSize();
        for (SharedRegion region : memory.regions()) {
            if (region.heap()) {
                heaps.put(region.name(), new Allocator(region));
            }
        }
    }

    @Override
    public long allocate(HeapType type) {
        if (type.isArray()) {
            throw new IllegalArgumentException("'" + type.name() + "' has elements: give their number");
        }
        return allocate(type, 0);
    }

    @Override
    public long allocate(HeapType type, int length) {
        Allocator heap = heap(type);
        if (length < 0 || length > 0 && !type.isArray()) {
            throw new IllegalArgumentException("a '" + type.name() + "' cannot have " + length + " elements");
        }
        long size = heap.blockSize(type, length);
        if (size > heap.capacity()) {
            throw new IllegalArgumentException("a '" + type.name() + "' of " + length + " elements needs " + size
                    + " bytes, more than heap '" + heap.region.name() + "' has (" + heap.capacity() + ")");
        }
        types.putIfAbsent(type.id(), type);
        long[] reused = new long[1];
        long address = heap.take(size, type.ownPages(), reused);
        if (reused[0] != 0) {
            for (long a = address + 8; a < address + size; a += ZEROS.length) {
                memory.write(a, ZEROS, 0, (int) Math.min(ZEROS.length, address + size - a));
            }
        }
        memory.setLong(address, type.id() & 0xFFFF_FFFFL | (long) length << 32);
        return address;
    }

    @Override
    public void free(long object, HeapType type) {
        Allocator heap = heap(type);
        long header = header(object, type);
        long size = heap.blockSize(type, (int) (header >>> 32));
        long freed = FREED & 0xFFFF_FFFFL | (size >>> 3) << 32;
        if (heap.region.consistency() == Consistency.RELEASE) {
            memory.setLong(object, freed);
        } else if (!memory.compareAndSet(object, header, freed)) {
            header(object, type); // names what it is now
            throw new IllegalArgumentException("the '" + type.name() + "' at " + hex(object) + " changed while it was freed");
        }
        if (!inTransaction.getAsBoolean()) {
            heap.recycle(object, size);
        }
    }

    @Override
    public boolean isA(long object, HeapType type) {
        Allocator heap = heap(type);
        return object != 0 && heap.region.contains(object) && (object & 7) == 0
                && (int) memory.getLong(object) == type.id();
    }

    @Override
    public int length(long object, HeapType type) {
        return (int) (header(object, type) >>> 32);
    }

    @Override
    public long field(long object, HeapType type, int offset) {
        header(object, type);
        if (offset < 0 || offset >= type.bytes()) {
            throw new IndexOutOfBoundsException("offset " + offset + " is outside the " + type.bytes()
                    + " bytes of the '" + type.name() + "' at " + hex(object));
        }
        return object + HeapType.HEADER + offset;
    }

    @Override
    public long element(long object, HeapType type, int index) {
        int length = (int) (header(object, type) >>> 32);
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException("index " + index + " is outside the " + length
                    + " elements of the '" + type.name() + "' at " + hex(object));
        }
        return object + type.elementsOffset() + (long) index * type.elementBytes();
    }

    /** The header of the live object of {@code type} at {@code object}; fails naming what is there instead. */
    private long header(long object, HeapType type) {
        if (object == 0) {
            throw new NullPointerException("a null reference to a '" + type.name() + "'");
        }
        Allocator heap = heap(type);
        if (!heap.region.contains(object) || (object & 7) != 0 || object - heap.region.base() < pageSize) {
            throw new IllegalArgumentException(hex(object) + " is not an object of heap '" + heap.region.name()
                    + "', where a '" + type.name() + "' was expected");
        }
        long header = memory.getLong(object);
        int id = (int) header;
        if (id == type.id()) {
            return header;
        }
        if (id == 0) {
            throw new IllegalArgumentException("no object at " + hex(object) + ", where a '" + type.name()
                    + "' was expected: the memory there was never allocated");
        }
        if (id == FREED) {
            throw new IllegalArgumentException("the '" + type.name() + "' at " + hex(object) + " was freed");
        }
        HeapType found = types.get(id);
        throw new IllegalArgumentException(hex(object) + " holds a "
                + (found != null ? "'" + found.name() + "'" : "type with id " + Integer.toHexString(id))
                + ", not a '" + type.name() + "'");
    }

    private Allocator heap(HeapType type) {
        Allocator heap = heaps.get(type.heap());
        if (heap == null) {
            throw new IllegalArgumentException("'" + type.name() + "' lives in heap '" + type.heap()
                    + "', which is not a heap of this shared memory; the heaps are " + heaps.keySet());
        }
        return heap;
    }

    private static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }

    /** One heap's arenas as this node takes them, and its blocks freed here. */
    private final class Allocator {
        final SharedRegion region;
        final long arenaBytes;
        final long arenas;
        /** Guarded by this: the part of the current arena not yet allocated. */
        private long next;
        private long end;
        /** Guarded by this: the next arena, being taken in the background; null before the first. */
        private CompletableFuture<Long> ahead;
        private final Map<Long, ArrayDeque<Long>> freed = new HashMap<>();

        Allocator(SharedRegion region) {
            this.region = region;
            this.arenaBytes = (long) MemoryConfig.HEAP_ARENA_PAGES * pageSize;
            this.arenas = (region.bytes() / pageSize - 1) / MemoryConfig.HEAP_ARENA_PAGES;
        }

        long capacity() {
            return arenas * arenaBytes;
        }

        long blockSize(HeapType type, int length) {
            long size = type.size(length);
            return type.ownPages() ? (size + pageSize - 1) / pageSize * pageSize : size;
        }

        /** A block of {@code size} bytes; {@code reused[0]} is set when it was freed before (and is not zero). */
        synchronized long take(long size, boolean ownPages, long[] reused) {
            ArrayDeque<Long> sized = freed.get(size);
            if (sized != null && !sized.isEmpty()) {
                reused[0] = 1;
                return sized.poll();
            }
            if (size > arenaBytes) {
                return arenaBase(fetch((int) ((size + arenaBytes - 1) / arenaBytes)));
            }
            long start = ownPages ? (next + pageSize - 1) / pageSize * pageSize : next;
            if (start + size > end) {
                CompletableFuture<Long> arena = ahead != null ? ahead : taking();
                ahead = null; // a failed taking is tried again next time
                start = next = arenaBase(join(arena));
                end = next + arenaBytes;
            }
            next = start + size;
            if (ahead == null && next - (end - arenaBytes) >= arenaBytes / 2) {
                ahead = taking();
            }
            return start;
        }

        synchronized void recycle(long block, long size) {
            freed.computeIfAbsent(size, s -> new ArrayDeque<>()).add(block);
        }

        private long arenaBase(long arena) {
            return region.base() + pageSize + arena * arenaBytes;
        }

        /** The next arena, taken by a thread of its own and with its pages made this node's. */
        private CompletableFuture<Long> taking() {
            CompletableFuture<Long> arena = new CompletableFuture<>();
            Thread.ofVirtual().name("iris-heap-" + region.name()).start(() -> {
                try {
                    long n = claim(1);
                    if (region.consistency() != Consistency.RELEASE) {
                        long base = arenaBase(n);
                        for (long page = base; page < base + arenaBytes; page += pageSize) {
                            memory.compareAndSet(page, 0, 0); // a write fault: the page becomes ours
                        }
                    }
                    arena.complete(n);
                } catch (Throwable t) {
                    arena.completeExceptionally(t);
                }
            });
            return arena;
        }

        /** {@code n} adjacent arenas, taken by a thread of its own; returns the first. */
        private long fetch(int n) {
            CompletableFuture<Long> arenas = new CompletableFuture<>();
            Thread.ofVirtual().name("iris-heap-" + region.name()).start(() -> {
                try {
                    arenas.complete(claim(n));
                } catch (Throwable t) {
                    arenas.completeExceptionally(t);
                }
            });
            return join(arenas);
        }

        private long join(CompletableFuture<Long> arena) {
            try {
                return arena.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw e;
            }
        }

        /** Takes {@code n} adjacent arenas from the heap's count; returns the first's number. */
        private long claim(int n) {
            long first;
            if (region.consistency() == Consistency.RELEASE) {
                DistributedLock lock = memory.lock("heap:" + region.name());
                lock.lock();
                try {
                    first = memory.getLong(region.base());
                    if (first + n <= arenas) {
                        memory.setLong(region.base(), first + n);
                    }
                } finally {
                    lock.unlock();
                }
            } else {
                first = memory.getAndAdd(region.base(), n);
            }
            if (first + n > arenas) {
                throw new MemoryException("heap '" + region.name() + "' is full: all its " + arenas + " arenas of "
                        + arenaBytes + " bytes are taken");
            }
            return first;
        }
    }
}
