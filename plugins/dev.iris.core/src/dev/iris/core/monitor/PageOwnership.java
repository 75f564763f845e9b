package dev.iris.core.monitor;

import dev.iris.runtime.dsm.ClusterPageTable;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.dsm.PageInfo.State;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who owns which page, and every node's access to it: the model behind the Page Ownership view.
 * It starts from a cluster's page table ({@link ClusterPageTable}, merged node snapshots) and
 * follows the nodes' {@link MemoryEvent}s of sequential (IVY) pages: faults, copies sent and
 * received, invalidations, ownership moving.
 *
 * <p>Threading: not thread-safe; one thread applies events (see {@link EventCoalescer}).
 */
public final class PageOwnership {
    /** One page as the model sees it now. */
    public record Page(long page, String region, String owner, Map<String, State> states, Set<String> copyset,
            long readFaults, long writeFaults, long invalidations, long transfers) {
    }

    private static final class Entry {
        final long page;
        final String region;
        String owner;
        final Map<String, State> states = new TreeMap<>();
        final Set<String> copyset = new TreeSet<>();
        long readFaults;
        long writeFaults;
        long invalidations;
        long transfers;

        Entry(long page, String region) {
            this.page = page;
            this.region = region;
        }

        Page snapshot() {
            return new Page(page, region, owner, Map.copyOf(states), Set.copyOf(copyset), readFaults, writeFaults,
                    invalidations, transfers);
        }
    }

    private final Map<Long, Entry> pages = new TreeMap<>();
    private long clock;

    private PageOwnership() {
    }

    /** The model of {@code table}: owners, states, copysets and counts as the nodes reported them. */
    public static PageOwnership of(ClusterPageTable table) {
        PageOwnership model = new PageOwnership();
        for (ClusterPageTable.Page p : table.pages()) {
            Entry e = new Entry(p.page(), p.region());
            e.owner = p.owner();
            e.states.putAll(p.states());
            e.copyset.addAll(p.copyset());
            e.readFaults = p.readFaults();
            e.writeFaults = p.writeFaults();
            e.invalidations = p.invalidations();
            model.pages.put(p.page(), e);
        }
        return model;
    }

    /** The pages, by page number. */
    public List<Page> pages() {
        return pages.values().stream().map(Entry::snapshot).toList();
    }

    /** One page, if the model knows it. */
    public Optional<Page> page(long page) {
        return Optional.ofNullable(pages.get(page)).map(Entry::snapshot);
    }

    /** The largest Lamport clock of the events applied so far. */
    public long clock() {
        return clock;
    }

    /** Applies {@code events} in causal order (by Lamport clock, then node). */
    public void applyAll(Collection<MemoryEvent> events) {
        events.stream().sorted(ORDER).forEach(this::apply);
    }

    /** The causal order of events: by Lamport clock, ties by node name. */
    public static final Comparator<MemoryEvent> ORDER = Comparator.comparingLong(MemoryEvent::clock)
            .thenComparing(MemoryEvent::node);

    /** Applies one event. Events of synchronization (page -1) only advance the clock. */
    public void apply(MemoryEvent event) {
        clock = Math.max(clock, event.clock());
        if (event.page() < 0) {
            return;
        }
        Entry e = pages.computeIfAbsent(event.page(), p -> new Entry(p, event.name()));
        String node = event.node();
        switch (event.kind()) {
            case READ_FAULT -> e.readFaults++;
            case WRITE_FAULT -> {
                e.writeFaults++;
                if (node.equals(e.owner)) { // the owner writes: it invalidates the copies and keeps the page
                    e.states.put(node, State.WRITE);
                    e.copyset.clear();
                }
            }
            case PAGE_SENT -> { // a read copy left the owner, which can now only read
                e.transfers++;
                e.states.put(node, State.READ);
                e.copyset.add(event.peer());
            }
            case PAGE_RECEIVED -> e.states.put(node, State.READ);
            case INVALIDATED -> {
                e.invalidations++;
                e.states.put(node, State.INVALID);
                e.copyset.remove(node);
            }
            case OWNERSHIP_LOST -> {
                e.transfers++;
                e.states.put(node, State.INVALID);
                e.copyset.clear();
                e.owner = event.peer();
            }
            case OWNERSHIP_GAINED -> {
                e.owner = node;
                e.states.put(node, State.WRITE);
                e.copyset.clear();
            }
            default -> {
                // locks, barriers and transactions carry no page
            }
        }
    }
}
