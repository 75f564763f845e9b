package dev.iris.runtime.internal.dsm;

import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.DistributedLock;
import dev.iris.runtime.dsm.HeapCensus;
import dev.iris.runtime.dsm.HeapType;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.dsm.SharedHeap;
import dev.iris.runtime.dsm.SharedRegion;
import dev.iris.runtime.internal.Log;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * A node's side of the shared heaps: allocation, checked access and freeing, built on the shared
 * memory's own accesses. Collections are {@link Collector}'s; every change of a reference and
 * every allocation passes its gate ({@link Collector#enter}) so that the collector can see and
 * stop them.
 *
 * <p>Layout of a heap region: its first page is bookkeeping, whose word 0 counts the arenas
 * taken; arena {@code n} is the {@link MemoryConfig#HEAP_ARENA_PAGES} pages from
 * {@code base + pageSize * (1 + n * HEAP_ARENA_PAGES)}. An arena is taken with an atomic add
 * (under the heap's lock in a release-consistent heap), by a thread of its own, so that a taking
 * never joins a caller's transaction. Inside an arena objects are bump-allocated, one header word
 * each: {@code type id | length << 32}; a freed block's header is {@code -1 | words << 32}; a zero
 * word is unallocated (an arena's unused end, or an allocation whose transaction aborted). Objects
 * never share an arena boundary, so the heap reads as a sequence of blocks from its first arena.
 *
 * <p>Freed blocks are kept per size by the node that freed them, and by the node whose collection
 * swept them (every freed block it meets: so a block freed before a restart, whose list died with
 * its node, is found again), and reused for allocations of that exact size, except during a
 * collection. A block listed on two nodes is allocated once: a reuse claims it with a
 * compare-and-set of its freed header to the new one (in a release-consistent heap, where only
 * the node that freed a block lists it, with a write). A block freed inside a transaction is not
 * listed (the transaction may yet abort and leave the object live).
 */
final class Heap implements SharedHeap {
    static final int FREED = -1;
    private static final System.Logger LOG = Log.of(Heap.class);
    private static final byte[] ZEROS = new byte[4096];
    /** The bit of a taken block's address that says it was freed before ({@link Allocator#take}). */
    private static final long REUSED = 1;
    /** The most arenas a node takes at once, when allocating faster than one at a time can be taken. */
    private static final int MOST_TAKEN = 16;

    private final Dsm memory;
    private final BooleanSupplier inTransaction;
    private final int pageSize;
    private final Map<String, Allocator> heaps = new LinkedHashMap<>();
    /** The configured types, by id. */
    final Map<Integer, HeapType> types = new HashMap<>();
    final Collector collector;
    final Placement placement;
    private final List<Consumer<HeapCensus>> censusListeners = new CopyOnWriteArrayList<>();

    Heap(Dsm memory, BooleanSupplier inTransaction) {
        this.memory = memory;
        this.inTransaction = inTransaction;
        this.pageSize = memory.pageSize();
        for (SharedRegion region : memory.regions()) {
            if (region.heap()) {
                heaps.put(region.name(), new Allocator(region));
            }
        }
        for (HeapType type : memory.config.heapTypes()) {
            types.put(type.id(), type);
        }
        this.collector = new Collector(memory, this);
        this.placement = new Placement(memory, this);
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
        Allocator heap = checked(type, length);
        long size = heap.blockSize(type, length);
        try {
            return allocate(heap, type, length, size);
        } catch (HeapFull full) {
            collectFor(full);
            return allocate(heap, type, length, size);
        }
    }

    @Override
    public <T> T allocate(HeapType type, int length, LongFunction<T> handle) {
        Allocator heap = checked(type, length);
        long size = heap.blockSize(type, length);
        try {
            return allocate(heap, type, length, size, handle);
        } catch (HeapFull full) {
            collectFor(full);
            return allocate(heap, type, length, size, handle);
        }
    }

    /** Collects after {@code full} (outside the gate, which the collection stops), or throws it. */
    private void collectFor(HeapFull full) {
        try {
            collect(true);
        } catch (IllegalStateException | MemoryException cannot) {
            full.addSuppressed(cannot);
            throw full;
        }
    }

    @Override
    public long allocate(HeapType type, int length, String node) {
        return placement.node(node) == memory.self ? allocate(type, length) // the bare path: nothing boxed
                : allocate(type, length, node, address -> address);
    }

    @Override
    public <T> T allocate(HeapType type, int length, String node, LongFunction<T> handle) {
        int on = placement.node(node);
        if (on == memory.self) {
            return allocate(type, length, handle);
        }
        checked(type, length);
        Placement.Placed placed = placement.place(on, type, length);
        try {
            long gate = collector.enter();
            try {
                return handle.apply(placed.address()); // inside the gate: a collection sees the handle
            } finally {
                collector.exit(gate);
            }
        } finally {
            placement.taken(placed.node(), placed.request()); // the node that placed it stops keeping it alive
        }
    }

    /** The last type allocated and its heap, checked: most programs allocate one type at a time. */
    private record Checked(HeapType type, Allocator heap) {
    }

    private volatile Checked lastChecked;

    /** {@code type}'s heap, after checking that {@code type} and {@code length} may be allocated. */
    private Allocator checked(HeapType type, int length) {
        Checked last = lastChecked;
        Allocator heap = last != null && last.type == type ? last.heap : null;
        if (heap == null) {
            heap = heap(type);
            if (!types.containsKey(type.id())) {
                throw new IllegalArgumentException("'" + type.name() + "' is not a heap type of this memory: list it "
                        + "in MemoryConfig.heapTypes, on every node, so that the collector can read its objects");
            }
            lastChecked = new Checked(type, heap);
        }
        if (length < 0 || length > 0 && !type.isArray()) {
            throw new IllegalArgumentException("a '" + type.name() + "' cannot have " + length + " elements");
        }
        long size = heap.blockSize(type, length);
        if (size > heap.capacity()) {
            throw new IllegalArgumentException("a '" + type.name() + "' of " + length + " elements needs " + size
                    + " bytes, more than heap '" + heap.region.name() + "' has (" + heap.capacity() + ")");
        }
        return heap;
    }

    private <T> T allocate(Allocator heap, HeapType type, int length, long size, LongFunction<T> handle) {
        long gate = collector.enter();
        try {
            return handle.apply(place(heap, type, length, size)); // inside the gate: a collection sees the handle
        } finally {
            collector.exit(gate);
        }
    }

    /** As above for a caller that keeps the bare address (no handle to make, nothing boxed). */
    private long allocate(Allocator heap, HeapType type, int length, long size) {
        long gate = collector.enter();
        try {
            return place(heap, type, length, size);
        } finally {
            collector.exit(gate);
        }
    }

    /** Takes a block and writes its header (inside the gate); returns its address. */
    private long place(Allocator heap, HeapType type, int length, long size) {
        long header = type.id() & 0xFFFF_FFFFL | (long) length << 32;
        boolean shared = heap.region.consistency() != Consistency.RELEASE;
        while (true) {
            long taken = heap.take(size, type.ownPages());
            long address = taken & ~REUSED;
            boolean reused = taken != address;
            collector.allocated(address); // before the header: a collector that sees the object knows it is new
            if (reused && shared) {
                if (!memory.compareAndSet(address, freedHeader(size), header)) {
                    continue; // another node, which listed the block too, allocated it
                }
                zero(address, size);
            } else {
                if (reused) {
                    zero(address, size);
                }
                memory.setLong(address, header);
            }
            return address;
        }
    }

    /** Zeroes the block of {@code size} bytes at {@code address} past its header. */
    private void zero(long address, long size) {
        for (long a = address + 8; a < address + size; a += ZEROS.length) {
            memory.write(a, ZEROS, 0, (int) Math.min(ZEROS.length, address + size - a));
        }
    }

    /** The header of a freed block of {@code size} bytes. */
    private static long freedHeader(long size) {
        return FREED & 0xFFFF_FFFFL | (size >>> 3) << 32;
    }

    @Override
    public void free(long object, HeapType type) {
        Allocator heap = heap(type);
        long gate = collector.enter();
        try {
            long header = header(object, type);
            long size = heap.blockSize(type, (int) (header >>> 32));
            if (!release(heap, object, header, size)) {
                header(object, type); // names what it is now
                throw new IllegalArgumentException("the '" + type.name() + "' at " + hex(object)
                        + " changed while it was freed");
            }
            if (!inTransaction.getAsBoolean()) {
                heap.recycle(object, size);
            }
        } finally {
            collector.exit(gate);
        }
    }

    /** Marks the block of {@code size} bytes at {@code object}, whose header was {@code header}, freed. */
    boolean release(Allocator heap, long object, long header, long size) {
        long freed = freedHeader(size);
        if (heap.region.consistency() == Consistency.RELEASE) {
            memory.setLong(object, freed);
            return true;
        }
        return memory.compareAndSet(object, header, freed);
    }

    @Override
    public void setReference(long word, long target) {
        long gate = collector.enter();
        try {
            collector.wrote(word);
            memory.setLong(word, target);
        } finally {
            collector.exit(gate);
        }
    }

    @Override
    public boolean compareAndSetReference(long word, long expected, long target) {
        long gate = collector.enter();
        try {
            collector.wrote(word);
            return memory.compareAndSet(word, expected, target);
        } finally {
            collector.exit(gate);
        }
    }

    @Override
    public long root(String heap, String name) {
        Allocator a = heaps.get(heap);
        if (a == null) {
            throw new IllegalArgumentException("'" + heap + "' is not a heap of this shared memory; the heaps are "
                    + heaps.keySet());
        }
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a root of heap '" + heap + "' needs a name");
        }
        // a name is claimed for good: never inside the caller's transaction, which may yet abort
        return inTransaction.getAsBoolean() ? apart("iris-heap-root", () -> a.root(name)) : a.root(name);
    }

    /** The 64-bit hash that tells named roots apart, never 0 (an empty slot); the same in every JVM. */
    static long rootHash(String name) {
        try {
            long hash = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256")
                    .digest(name.getBytes(StandardCharsets.UTF_8))).getLong();
            return hash == 0 ? 1 : hash;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public <T> T getReference(long word, LongFunction<T> handle) {
        long gate = collector.enter();
        try {
            long target = memory.getLong(word);
            return target == 0 ? null : handle.apply(target);
        } finally {
            collector.exit(gate);
        }
    }

    @Override
    public void keepAlive(Object holder, long object, HeapType type) {
        header(object, type);
        collector.hold(holder, object);
    }

    @Override
    public Collection collect() {
        return collect(false);
    }

    @Override
    public Collection collect(boolean clearDroppedHandles) {
        Collection collection = collector.collect(clearDroppedHandles);
        if (!censusListeners.isEmpty()) { // those listening see the heap as the collection left it
            HeapCensus census;
            try {
                census = apart("iris-heap-census", () -> census(HeapCensus.MAX_BLOCKS));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "No census of the heaps after a collection: {0}", e.getMessage());
                return collection;
            }
            for (Consumer<HeapCensus> listener : censusListeners) {
                try {
                    listener.accept(census);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "A listener failed on the census after a collection", e);
                }
            }
        }
        return collection;
    }

    @Override
    public void addCensusListener(Consumer<HeapCensus> listener) {
        censusListeners.add(listener);
    }

    @Override
    public void removeCensusListener(Consumer<HeapCensus> listener) {
        censusListeners.remove(listener);
    }

    @Override
    public HeapCensus census(int maxBlocks) {
        List<HeapCensus.Block> blocks = new ArrayList<>();
        long[] references = {8L * maxBlocks}; // what may still be listed
        boolean complete = true;
        for (Allocator a : heaps.values()) {
            String name = a.region.name();
            try {
                walk(a, a.taken(), List.of(), (at, header, type, size) -> {
                    whole(a, at, size);
                    add(blocks, maxBlocks, new HeapCensus.Block(name, at, null, 0, size, List.of()));
                }, (at, header, type, size) -> {
                    whole(a, at, size);
                    int length = (int) (header >>> 32);
                    List<Long> held = references(at, type, length);
                    references[0] -= held.size();
                    if (references[0] < 0) {
                        throw CensusFull.INSTANCE;
                    }
                    add(blocks, maxBlocks, new HeapCensus.Block(name, at, type.name(), length, size, held));
                });
            } catch (CensusFull full) {
                complete = false;
                break;
            }
        }
        return new HeapCensus(memory.clockNow(), pageSize, blocks, complete);
    }

    /**
     * Ends the census where a block read while the heap changes under it would cross its arena's
     * end (only an object larger than an arena starts at an arena and takes whole ones): a word of
     * an object's body read as a header.
     */
    private static void whole(Allocator heap, long at, long size) {
        long offset = (at - heap.arenaBase(0)) % heap.arenaBytes;
        if (offset + size > heap.arenaBytes && (offset != 0 || size <= heap.arenaBytes)) {
            throw CensusFull.INSTANCE;
        }
    }

    private static void add(List<HeapCensus.Block> blocks, int maxBlocks, HeapCensus.Block block) {
        if (blocks.size() >= maxBlocks) {
            throw CensusFull.INSTANCE;
        }
        blocks.add(block);
    }

    /** The first {@link HeapCensus#MAX_REFERENCES} references of the {@code type} at {@code object}. */
    private List<Long> references(long object, HeapType type, int length) {
        List<Long> references = new ArrayList<>();
        for (int offset : type.references()) {
            references.add(memory.getLong(object + HeapType.HEADER + offset));
        }
        if (type.referenceElements()) {
            long elements = object + type.elementsOffset();
            for (int i = 0; i < length && references.size() < HeapCensus.MAX_REFERENCES; i++) {
                references.add(memory.getLong(elements + 8L * i));
            }
        }
        return references;
    }

    /** What {@code work} returns, computed on a thread of its own ({@code name}): never in the caller's transaction. */
    private <T> T apart(String name, Supplier<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        memory.link.newThread(name, () -> {
            try {
                done.complete(work.get());
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        }).start();
        return join(done);
    }

    /** What {@code done} completes with; its failure's cause rethrown as it is when it is unchecked. */
    private static <T> T join(CompletableFuture<T> done) {
        try {
            return done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Ends a census's walk at its limit. */
    private static final class CensusFull extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final CensusFull INSTANCE = new CensusFull();

        private CensusFull() {
            super(null, null, false, false);
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

    @Override
    public List<Usage> usage() {
        Map<HeapType, long[]> counts = new LinkedHashMap<>();
        for (HeapType type : memory.config.heapTypes()) {
            counts.put(type, new long[2]);
        }
        for (Allocator a : heaps.values()) {
            walk(a, a.taken(), List.of(), null, (at, header, type, size) -> {
                long[] c = counts.get(type);
                c[0]++;
                c[1] += size;
            });
        }
        List<Usage> usage = new ArrayList<>();
        counts.forEach((type, c) -> usage.add(new Usage(type, c[0], c[1])));
        return usage;
    }

    /** What {@link #walk} calls for each live object. */
    interface Visitor {
        void visit(long address, long header, HeapType type, long size);
    }

    /**
     * Reads the blocks of {@code heap}'s first {@code arenas} arenas in address order, skipping the
     * ranges {@code open} (sorted), and calls {@code visit} for each live object and, unless it is
     * null, {@code freed} for each freed block (its type null). A header of no configured type (the
     * memory was written past the heap's accessors) ends its arena's walk, with a warning.
     */
    void walk(Allocator heap, long arenas, List<long[]> open, Visitor freed, Visitor visit) {
        long at = heap.arenaBase(0);
        long end = heap.arenaBase(arenas);
        int next = 0;
        while (at < end) {
            while (next < open.size() && open.get(next)[1] <= at) {
                next++;
            }
            if (next < open.size() && open.get(next)[0] <= at) {
                at = open.get(next)[1];
                continue;
            }
            long header = memory.getLong(at);
            int id = (int) header;
            if (id == 0) {
                at += 8;
            } else if (id == FREED) {
                long size = Math.max(8, (header >>> 32) * 8);
                if (freed != null) {
                    freed.visit(at, header, null, size);
                }
                at += size;
            } else {
                HeapType type = types.get(id);
                if (type == null) {
                    LOG.log(System.Logger.Level.WARNING, "Heap ''{0}'': no heap type has the id {1} of the header at "
                            + "{2}; the rest of its arena is skipped", heap.region.name(), Integer.toHexString(id),
                            hex(at));
                    at += heap.arenaBytes - (at - heap.arenaBase(0)) % heap.arenaBytes;
                    continue;
                }
                long size = heap.blockSize(type, (int) (header >>> 32));
                visit.visit(at, header, type, size);
                at += size;
            }
        }
    }

    /** The heaps, in address order. */
    java.util.Collection<Allocator> heaps() {
        return heaps.values();
    }

    static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }

    /** No arena is left in a heap. */
    static final class HeapFull extends MemoryException {
        private static final long serialVersionUID = 1L;

        HeapFull(String message) {
            super(message);
        }
    }

    /** One heap's arenas as this node takes them, and its blocks freed here. */
    final class Allocator {
        final SharedRegion region;
        final long arenaBytes;
        final long arenas;
        /**
         * The most arenas one taking claims (16, and a 16th of the heap): a node keeps at most one and
         * a half times this many unused beside its current one, and one at a time once three
         * quarters of the heap are taken.
         */
        private final int mostTaken;
        /** Guarded by this: the part of the current arena not yet allocated. */
        private long next;
        private long end;
        /** Guarded by this: arenas taken and not begun yet, {@code reserved} of them from {@code reserve}. */
        private long reserve;
        private int reserved;
        /**
         * Guarded by this: the next arenas, being taken in the background (the first's number and how
         * many); null before the first.
         */
        private CompletableFuture<long[]> ahead;
        /** Guarded by this: how many arenas a taking claims; doubled each time an allocation waits for one taken ahead. */
        private int batch = 1;
        private final Map<Long, LinkedHashSet<Long>> freed = new HashMap<>();
        /**
         * How many named roots the heap's first page holds: after the count of arenas, a slot of two
         * words each, the name's hash (0: empty) and the reference.
         */
        final int rootSlots;
        /** The words of the named roots found from here, by name: a root's word never moves. */
        private final Map<String, Long> roots = new ConcurrentHashMap<>();

        Allocator(SharedRegion region) {
            this.region = region;
            this.arenaBytes = (long) MemoryConfig.HEAP_ARENA_PAGES * pageSize;
            this.arenas = (region.bytes() / pageSize - 1) / MemoryConfig.HEAP_ARENA_PAGES;
            this.mostTaken = (int) Math.max(1, Math.min(MOST_TAKEN, arenas / 16));
            this.rootSlots = (pageSize / 8 - 1) / 2;
        }

        /** The reference word of the root {@code name}: its slot found by linear probing from its hash, or claimed. */
        long root(String name) {
            Long known = roots.get(name);
            if (known != null) {
                return known;
            }
            long hash = rootHash(name);
            int start = (int) Long.remainderUnsigned(hash, rootSlots);
            for (int i = 0; i < rootSlots; i++) {
                long slot = rootSlot((start + i) % rootSlots);
                long held = memory.getLong(slot);
                if (held == 0) {
                    held = claimRoot(slot, hash);
                }
                if (held == hash) {
                    roots.put(name, slot + 8);
                    return slot + 8;
                }
            }
            throw new IllegalStateException("heap '" + region.name() + "' has no room for the root '" + name
                    + "': its first page holds " + rootSlots + " named roots, all taken");
        }

        private long rootSlot(int i) {
            return region.base() + 8 + 16L * i;
        }

        /** Claims the empty slot at {@code slot} for {@code hash}; returns the hash it holds then. */
        private long claimRoot(long slot, long hash) {
            if (region.consistency() != Consistency.RELEASE) {
                return memory.compareAndSet(slot, 0, hash) ? hash : memory.getLong(slot);
            }
            DistributedLock lock = memory.lock("heap:" + region.name());
            lock.lock();
            try {
                long held = memory.getLong(slot);
                if (held == 0) {
                    memory.setLong(slot, hash);
                    return hash;
                }
                return held;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Gives {@code reference} the value of each named root, read for the collector; none of a
         * release-consistent heap, whose objects (and what they refer to) the collector never reads.
         */
        void roots(LongConsumer reference) {
            if (region.consistency() == Consistency.RELEASE) {
                return;
            }
            for (int i = 0; i < rootSlots; i++) {
                long slot = rootSlot(i);
                if (memory.scanLong(slot) != 0) {
                    reference.accept(memory.scanLong(slot + 8));
                }
            }
        }

        long capacity() {
            return arenas * arenaBytes;
        }

        long blockSize(HeapType type, int length) {
            long size = type.size(length);
            return type.ownPages() ? (size + pageSize - 1) / pageSize * pageSize : size;
        }

        /**
         * The address of a block of {@code size} bytes, with {@link #REUSED} set when the block was
         * freed before (and is not zero); a block is 8-byte aligned, so that bit is free.
         */
        synchronized long take(long size, boolean ownPages) {
            LinkedHashSet<Long> sized = freed.isEmpty() ? null : freed.get(size);
            if (sized != null && !sized.isEmpty() && !collector.collecting()) {
                for (Iterator<Long> blocks = sized.iterator(); blocks.hasNext(); ) {
                    long block = blocks.next();
                    if (!ownPages || block % pageSize == 0) { // an object with pages of its own takes none that shares them
                        blocks.remove();
                        return block | REUSED;
                    }
                }
            }
            if (size > arenaBytes) {
                return arenaBase(fetch((int) ((size + arenaBytes - 1) / arenaBytes)));
            }
            long start = ownPages ? (next + pageSize - 1) / pageSize * pageSize : next;
            if (start + size > end) {
                if (reserved == 0) {
                    CompletableFuture<long[]> arenas = ahead != null ? ahead : taking(batch);
                    if (ahead != null && !arenas.isDone()) {
                        batch = Math.min(2 * batch, mostTaken); // allocation outran the taking
                    }
                    ahead = null; // a failed taking is tried again next time
                    long[] taken = join(arenas);
                    reserve = taken[0];
                    reserved = (int) taken[1];
                }
                start = next = arenaBase(reserve++);
                end = next + arenaBytes;
                reserved--;
            }
            next = start + size;
            if (ahead == null && end - next + reserved * arenaBytes <= batch * arenaBytes / 2) {
                ahead = taking(batch);
            }
            return start;
        }

        synchronized void recycle(long block, long size) {
            freed.computeIfAbsent(size, s -> new LinkedHashSet<>()).add(block);
        }

        /**
         * The ranges where this node's next allocations go (the rest of its arena, the arenas it
         * has not begun, and those taken ahead), once any taking under way is done; called while
         * allocation is stopped.
         */
        List<long[]> open() {
            CompletableFuture<long[]> taken;
            List<long[]> open = new ArrayList<>();
            synchronized (this) {
                taken = ahead;
                if (next < end) {
                    open.add(new long[] {next, end});
                }
                if (reserved > 0) {
                    open.add(new long[] {arenaBase(reserve), arenaBase(reserve + reserved)});
                }
            }
            if (taken != null) {
                try {
                    long[] arenas = join(taken);
                    open.add(new long[] {arenaBase(arenas[0]), arenaBase(arenas[0] + arenas[1])});
                } catch (RuntimeException e) {
                    // nothing was taken
                }
            }
            return open;
        }

        long arenaBase(long arena) {
            return region.base() + pageSize + arena * arenaBytes;
        }

        /**
         * The next {@code n} arenas, or as many as are left, taken by a thread of its own and with
         * their pages made this node's: the first's number and how many.
         */
        private CompletableFuture<long[]> taking(int n) {
            CompletableFuture<long[]> taken = new CompletableFuture<>();
            memory.link.newThread("iris-heap-" + region.name(), () -> {
                try {
                    long[] got = claim(taken() < arenas - arenas / 4 ? n : 1, true);
                    if (region.consistency() != Consistency.RELEASE) {
                        memory.own(arenaBase(got[0]), arenaBase(got[0] + got[1])); // write faults, all under way at once
                    }
                    taken.complete(got);
                } catch (Throwable t) {
                    taken.completeExceptionally(t);
                }
            }).start();
            return taken;
        }

        /** {@code n} adjacent arenas, taken by a thread of its own; returns the first. */
        private long fetch(int n) {
            return apart("iris-heap-" + region.name(), () -> claim(n, false)[0]);
        }

        /** The number of arenas taken so far. */
        long taken() {
            return Math.min(memory.getLong(region.base()), arenas);
        }

        /**
         * Takes {@code n} adjacent arenas from the heap's count, or, if {@code fewer}, as many of
         * them as are left; returns the first's number and how many.
         */
        private long[] claim(int n, boolean fewer) {
            long first;
            if (region.consistency() == Consistency.RELEASE) {
                DistributedLock lock = memory.lock("heap:" + region.name());
                lock.lock();
                try {
                    first = memory.getLong(region.base());
                    long count = fewer ? Math.min(n, arenas - first) : n;
                    if (count > 0 && first + count <= arenas) {
                        memory.setLong(region.base(), first + count);
                    }
                } finally {
                    lock.unlock();
                }
            } else {
                first = memory.getAndAdd(region.base(), n);
            }
            long count = fewer ? Math.min(n, arenas - first) : n;
            if (count <= 0 || first + count > arenas) {
                throw new HeapFull("heap '" + region.name() + "' is full: all its " + arenas + " arenas of "
                        + arenaBytes + " bytes are taken");
            }
            return new long[] {first, count};
        }
    }
}
