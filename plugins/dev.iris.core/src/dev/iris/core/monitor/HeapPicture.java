package dev.iris.core.monitor;

import dev.iris.runtime.dsm.HeapCensus;
import dev.iris.runtime.dsm.HeapCensus.Block;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A node's census of its heaps ({@link HeapCensus}) as the Heap view shows it: the objects by
 * type with their count, bytes, the pages they span and the nodes that own those pages, the freed
 * blocks of each heap, the objects on a page, and the object at an address (to follow a
 * reference). The owners come from a picture of page ownership ({@link PageOwnership.Picture}),
 * taken at the same moment as far as the monitor knows it.
 *
 * <p>A page is {@code address / pageSize} (the census's page size); an object spans the pages from
 * its address to its last byte. Without a page table of a heap's pages yet, its objects have no
 * owner.
 *
 * <p>Immutable; made off the UI thread (by {@link ClusterMonitor}), read from any.
 */
public final class HeapPicture {
    /**
     * One type of one heap, or the freed blocks of a heap.
     *
     * @param heap    the heap's region
     * @param type    the type's name, or null for the freed blocks
     * @param objects how many objects (or freed blocks)
     * @param bytes   the bytes they take, headers included
     * @param pages   how many distinct pages they span (0 if the page size is unknown)
     * @param owners  the nodes that own those pages, sorted
     */
    public record TypeRow(String heap, String type, int objects, long bytes, long pages, List<String> owners) {
        public TypeRow {
            owners = List.copyOf(owners);
        }

        /** Whether this is the row of a heap's freed blocks. */
        public boolean freed() {
            return type == null;
        }
    }

    /**
     * One block of the census with where it lies.
     *
     * @param block     the block as the census read it
     * @param firstPage the page of its address
     * @param lastPage  the page of its last byte
     * @param owner     the node that owns its first page, or null if none is known
     */
    public record Item(Block block, long firstPage, long lastPage, String owner) {
        /** Its address. */
        public long address() {
            return block.address();
        }

        /** Whether the block spans {@code page}. */
        public boolean spans(long page) {
            return firstPage <= page && page <= lastPage;
        }
    }

    private final String node;
    private final HeapCensus census;
    private final List<Item> items;
    private final long[] addresses;
    private final List<TypeRow> types;

    private HeapPicture(String node, HeapCensus census, List<Item> items, List<TypeRow> types) {
        this.node = node;
        this.census = census;
        this.items = items;
        this.addresses = items.stream().mapToLong(Item::address).toArray();
        this.types = types;
    }

    /**
     * The picture of {@code census}, taken on {@code node}, with the owners of {@code pages}.
     *
     * @param pages who owns which page (null: no owner known)
     */
    public static HeapPicture of(String node, HeapCensus census, PageOwnership.Picture pages) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(census, "census");
        List<Block> blocks = new ArrayList<>(census.blocks());
        blocks.sort(Comparator.comparingLong(Block::address)); // in address order already, as a rule
        List<Item> items = new ArrayList<>(blocks.size());
        int pageSize = census.pageSize();
        for (Block b : blocks) {
            long first = b.address() / pageSize;
            long last = (b.address() + Math.max(1, b.bytes()) - 1) / pageSize;
            items.add(new Item(b, first, last, ownerOf(pages, first)));
        }
        Map<List<String>, Tally> byType = new LinkedHashMap<>();
        for (Item item : items) {
            Block b = item.block();
            byType.computeIfAbsent(Arrays.asList(b.heap(), b.type()), k -> new Tally()).add(item, pages);
        }
        List<TypeRow> types = new ArrayList<>();
        byType.forEach((key, tally) -> types.add(new TypeRow(key.get(0), key.get(1), tally.objects, tally.bytes,
                tally.pages, List.copyOf(tally.owners))));
        // the live types by heap, the largest first; each heap's freed blocks last
        types.sort(Comparator.comparing(TypeRow::freed).thenComparing(TypeRow::heap)
                .thenComparing(Comparator.comparingLong(TypeRow::bytes).reversed())
                .thenComparing(r -> r.type() == null ? "" : r.type()));
        return new HeapPicture(node, census, List.copyOf(items), List.copyOf(types));
    }

    /** One type's objects, added in address order: the pages they span are counted as runs, not one by one. */
    private static final class Tally {
        int objects;
        long bytes;
        long pages;
        /** The last page counted. */
        long counted = -1;
        final Set<String> owners = new TreeSet<>();

        void add(Item item, PageOwnership.Picture picture) {
            objects++;
            bytes += item.block().bytes();
            long from = Math.max(item.firstPage(), counted + 1);
            if (from > item.lastPage()) {
                return;
            }
            pages += item.lastPage() - from + 1;
            counted = item.lastPage();
            if (picture == null) {
                return;
            }
            long[] known = picture.pages(); // in page order: only those with a row can have an owner
            int i = Arrays.binarySearch(known, from);
            for (i = i < 0 ? -i - 1 : i; i < known.length && known[i] <= item.lastPage(); i++) {
                if (picture.owner()[i] >= 0) {
                    owners.add(picture.nodes().get(picture.owner()[i]));
                }
            }
        }
    }

    /** The owner of {@code page} in {@code picture}, or null. */
    static String ownerOf(PageOwnership.Picture picture, long page) {
        if (picture == null) {
            return null;
        }
        int i = Arrays.binarySearch(picture.pages(), page);
        return i < 0 || picture.owner()[i] < 0 ? null : picture.nodes().get(picture.owner()[i]);
    }

    /** The node that took the census. */
    public String node() {
        return node;
    }

    /** The census shown. */
    public HeapCensus census() {
        return census;
    }

    /** The live types, by heap and then the most bytes first, then a row of freed blocks per heap that has any. */
    public List<TypeRow> types() {
        return types;
    }

    /** Every block, in address order. */
    public List<Item> items() {
        return items;
    }

    /** The objects of {@code type} in {@code heap} (the freed blocks if {@code type} is null), in address order. */
    public List<Item> objects(String heap, String type) {
        return items.stream().filter(i -> i.block().heap().equals(heap) && Objects.equals(i.block().type(), type))
                .toList();
    }

    /** The blocks that span {@code page}, in address order. */
    public List<Item> onPage(long page) {
        int pageSize = census.pageSize();
        // a block reaches at most back to the start of the first block that starts on the page
        int from = lowerBound(page * pageSize);
        while (from > 0 && items.get(from - 1).spans(page)) {
            from--;
        }
        List<Item> on = new ArrayList<>();
        for (int i = from; i < items.size() && items.get(i).firstPage() <= page; i++) {
            if (items.get(i).spans(page)) {
                on.add(items.get(i));
            }
        }
        return on;
    }

    /**
     * The block at {@code address}: the one that starts there (a reference holds an object's
     * address), else the one that holds that byte; empty for 0 or an address outside every block.
     */
    public Optional<Item> at(long address) {
        if (address == 0) {
            return Optional.empty();
        }
        int i = lowerBound(address);
        if (i < items.size() && addresses[i] == address) {
            return Optional.of(items.get(i));
        }
        if (i > 0 && address < addresses[i - 1] + items.get(i - 1).block().bytes()) {
            return Optional.of(items.get(i - 1));
        }
        return Optional.empty();
    }

    /** The index of the first block at or after {@code address}. */
    private int lowerBound(long address) {
        int i = Arrays.binarySearch(addresses, address);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && addresses[i - 1] == address) {
            i--;
        }
        return i;
    }
}
