package dev.iris.runtime.dsm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The shared memory of a cluster; every node of the cluster must be started with an equal one.
 * Regions are laid out in list order, each starting on a page boundary, from address
 * {@code pageSize} on (address 0 is never mapped), so every node computes the same addresses.
 *
 * @param pageSize     bytes per page, a power of two from 64 to 262144 (default 4096)
 * @param management   how a fault finds a page's owner (default {@link PageManagement#FIXED})
 * @param managers     the nodes that manage pages and locks ({@code n mod managers.size()}) and
 *                     own pages without a home at start; an embedded cluster fills in all its
 *                     nodes when this is empty
 * @param regions      the shared objects
 * @param faultTimeout how long an access waits for a page before it fails (default 10 s)
 * @param backup       whether every sequentially consistent or transactional page keeps a backup
 *                     copy on another manager, written before a write returns, so that no
 *                     completed write is lost when one node dies and its pages get a new owner
 *                     (default off; needs the fixed manager and at least three managers, and the
 *                     shared memory then works only on a side of the cluster that sees a
 *                     majority of the managers: see {@code doc/design/dsm.md})
 * @param heapTypes    the types of the objects allocated in the heaps ({@link SharedHeap}): the
 *                     only ones that can be allocated, and what the collector reads objects by
 * @param persistent   whether the memory outlives its nodes: each node logs the pages it owns in
 *                     its data directory ({@code NodeConfig.dataDirectory}), a write returns once
 *                     its page's new contents are on its owner's disk (writes on one node share a
 *                     force: group commit), and a cluster whose nodes all stopped at once comes
 *                     back, when they start again from the same directories, with every write that
 *                     returned. Its memory opens once every manager has said what its log holds,
 *                     so every node must be a manager. A commit is durable whole; a
 *                     release-consistent page is durable at the release that publishes its
 *                     writes (the home logs each new master before it acknowledges); a heap's
 *                     objects and references come back as they were. With backup copies too, a
 *                     write returns once it is on two disks, its backup's and its owner's: a
 *                     cluster then comes back whole even with one node's data directory wiped, and
 *                     a single node that stopped starts again into the running cluster (default
 *                     off; see {@code doc/design/dsm.md})
 */
public record MemoryConfig(int pageSize, PageManagement management, List<String> managers, List<Region> regions,
        Duration faultTimeout, boolean backup, List<HeapType> heapTypes, boolean persistent) {

    /** The largest page size: a page and its header must fit one frame of the smallest frame bound. */
    public static final int MAX_PAGE_SIZE = 1 << 18;

    /** The largest region: 1 TiB. */
    public static final long MAX_REGION_BYTES = 1L << 40;

    /** Pages per arena of a heap: a node takes a heap's pages for its allocations this many at a time. */
    public static final int HEAP_ARENA_PAGES = 16;

    /** No shared memory. */
    public static final MemoryConfig NONE = of(List.of());

    /**
     * One shared object's region.
     *
     * @param name        unique among the regions
     * @param bytes       its size, at least 1
     * @param consistency its consistency model
     * @param home        the node that owns all its pages at start, or {@code null} to spread them
     *                    over the managers
     * @param heap        whether it is a heap, whose objects are allocated at run time
     *                    ({@link SharedHeap}) rather than one shared object
     * @param references  the offsets in the region of the words that hold references to heap
     *                    objects: the roots from which the heaps' collector finds what is live
     */
    public record Region(String name, long bytes, Consistency consistency, String home, boolean heap,
            List<Long> references) {
        public Region {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(consistency, "consistency");
            if (bytes < 1 || bytes > MAX_REGION_BYTES) {
                throw new IllegalArgumentException("region '" + name + "' must have 1 to " + MAX_REGION_BYTES
                        + " bytes, not " + bytes);
            }
            references = List.copyOf(references);
            for (long offset : references) {
                if (offset < 0 || offset % 8 != 0 || offset + 8 > bytes) {
                    throw new IllegalArgumentException("region '" + name + "': a reference must be a whole word of its "
                            + bytes + " bytes, not at offset " + offset);
                }
            }
            if (heap && !references.isEmpty()) {
                throw new IllegalArgumentException("heap '" + name + "' cannot have roots: its objects' types say where "
                        + "their references are");
            }
            if (heap && home != null) {
                throw new IllegalArgumentException("heap '" + name + "' cannot have a home: the pages of its objects "
                        + "belong to the nodes that allocate them");
            }
        }

        /** A region for one shared object. */
        public Region(String name, long bytes, Consistency consistency, String home) {
            this(name, bytes, consistency, home, false, List.of());
        }

        /** This region with references to heap objects at these offsets. */
        public Region withReferences(List<Long> offsets) {
            return new Region(name, bytes, consistency, home, heap, offsets);
        }

        /**
         * A heap of {@code bytes} bytes in which objects of the given consistency model are
         * allocated at run time; its first page keeps its own bookkeeping.
         */
        public static Region heap(String name, long bytes, Consistency consistency) {
            return new Region(name, bytes, consistency, null, true, List.of());
        }

        /** A sequentially consistent region without a home. */
        public static Region of(String name, long bytes) {
            return new Region(name, bytes, Consistency.SEQUENTIAL, null);
        }
    }

    public MemoryConfig {
        Objects.requireNonNull(management, "management");
        managers = List.copyOf(managers);
        regions = List.copyOf(regions);
        Objects.requireNonNull(faultTimeout, "faultTimeout");
        if (pageSize < 64 || pageSize > MAX_PAGE_SIZE || Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("the page size must be a power of two from 64 to " + MAX_PAGE_SIZE
                    + ", not " + pageSize);
        }
        if (new HashSet<>(managers).size() != managers.size()) {
            throw new IllegalArgumentException("a manager node is listed twice: " + managers);
        }
        Set<String> names = new HashSet<>();
        long pages = 1;
        for (Region region : regions) {
            if (!names.add(region.name())) {
                throw new IllegalArgumentException("two regions are called '" + region.name() + "'");
            }
            pages += (region.bytes() + pageSize - 1) / pageSize;
            if (pages > Integer.MAX_VALUE / 2) {
                throw new IllegalArgumentException("the regions need more than " + Integer.MAX_VALUE / 2 + " pages");
            }
        }
        heapTypes = List.copyOf(heapTypes);
        Map<Integer, HeapType> ids = new HashMap<>();
        for (HeapType type : heapTypes) {
            if (regions.stream().noneMatch(r -> r.heap() && r.name().equals(type.heap()))) {
                throw new IllegalArgumentException("heap type '" + type.name() + "' lives in heap '" + type.heap()
                        + "', which is not a heap region");
            }
            HeapType same = ids.putIfAbsent(type.id(), type);
            if (same != null) {
                throw new IllegalArgumentException(same.equals(type) ? "heap type '" + type.name() + "' is listed twice"
                        : "heap types '" + same.name() + "' and '" + type.name() + "' have the same id; rename one");
            }
        }
        if (faultTimeout.isNegative() || faultTimeout.isZero()) {
            throw new IllegalArgumentException("faultTimeout must be positive");
        }
        if (backup && management != PageManagement.FIXED) {
            throw new IllegalArgumentException("backup copies of pages need the fixed manager, not " + management
                    + ": a page's manager is what gives it a new owner, from its backup copy, when its owner dies");
        }
        if (backup && !managers.isEmpty() && managers.size() < 3) {
            throw new IllegalArgumentException("backup copies of pages need at least three managers (the nodes "
                    + "left after one dies must be a majority), not " + managers);
        }
    }

    /** These regions with 4 KiB pages, the fixed manager, managers filled in by the cluster, 10 s fault timeout. */
    public static MemoryConfig of(List<Region> regions) {
        return new MemoryConfig(4096, PageManagement.FIXED, List.of(), regions, Duration.ofSeconds(10), false, List.of(),
                false);
    }

    /** This configuration with another page size. */
    public MemoryConfig withPageSize(int bytes) {
        return new MemoryConfig(bytes, management, managers, regions, faultTimeout, backup, heapTypes, persistent);
    }

    /** This configuration with another page manager algorithm. */
    public MemoryConfig withManagement(PageManagement algorithm) {
        return new MemoryConfig(pageSize, algorithm, managers, regions, faultTimeout, backup, heapTypes, persistent);
    }

    /** This configuration with other manager nodes. */
    public MemoryConfig withManagers(List<String> nodes) {
        return new MemoryConfig(pageSize, management, nodes, regions, faultTimeout, backup, heapTypes, persistent);
    }

    /** This configuration with another fault timeout. */
    public MemoryConfig withFaultTimeout(Duration timeout) {
        return new MemoryConfig(pageSize, management, managers, regions, timeout, backup, heapTypes, persistent);
    }

    /** This configuration with these heap types. */
    public MemoryConfig withHeapTypes(List<HeapType> types) {
        return new MemoryConfig(pageSize, management, managers, regions, faultTimeout, backup, types, persistent);
    }

    /** This configuration with a persistent memory, or not (see {@link #persistent()}). */
    public MemoryConfig withPersistent(boolean on) {
        return new MemoryConfig(pageSize, management, managers, regions, faultTimeout, backup, heapTypes, on);
    }

    /** This configuration with backup copies of pages on or off. */
    public MemoryConfig withBackup(boolean on) {
        return new MemoryConfig(pageSize, management, managers, regions, faultTimeout, on, heapTypes, persistent);
    }

    /**
     * The regions as laid out in the address space.
     *
     * @throws IllegalArgumentException if a heap is smaller than a page of bookkeeping and one
     *                                  arena at this page size
     */
    public List<SharedRegion> layout() {
        List<SharedRegion> layout = new ArrayList<>();
        long base = pageSize;
        for (Region region : regions) {
            long pages = (region.bytes() + pageSize - 1) / pageSize;
            if (region.heap() && pages < 1 + HEAP_ARENA_PAGES) {
                throw new IllegalArgumentException("heap '" + region.name() + "' needs at least " + (1 + HEAP_ARENA_PAGES)
                        + " pages of " + pageSize + " bytes (a page of bookkeeping and an arena of " + HEAP_ARENA_PAGES
                        + "), not " + pages);
            }
            layout.add(new SharedRegion(region.name(), base, region.bytes(), region.consistency(), region.home(),
                    region.heap()));
            base += (region.bytes() + pageSize - 1) / pageSize * pageSize;
        }
        return List.copyOf(layout);
    }
}
