package dev.iris.core.monitor;

import dev.iris.runtime.dsm.ClusterPageTable;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.dsm.PageInfo;
import dev.iris.runtime.dsm.PageInfo.State;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
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
            long readFaults, long writeFaults, long invalidations, long transfers, List<String> lastTransitions,
            long version) {
    }

    /** How many transitions a page remembers. */
    public static final int TRANSITIONS = 4;

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
        ArrayDeque<String> transitions;
        long version;

        Entry(long page, String region) {
            this.page = page;
            this.region = region;
        }

        Page snapshot() {
            return new Page(page, region, owner, Map.copyOf(states), Set.copyOf(copyset), readFaults, writeFaults,
                    invalidations, transfers, transitions == null ? List.of() : List.copyOf(transitions), version);
        }
    }

    private final Map<Long, Entry> pages = new TreeMap<>();
    /** Every node named by a table or an event (kept as they come: asking must not walk the pages). */
    private final Set<String> nodes = new TreeSet<>();
    private long clock;

    private PageOwnership() {
    }

    /** A model that knows no page yet. */
    public static PageOwnership empty() {
        return new PageOwnership();
    }

    /** Every node the model has heard of: owners, and nodes with access to a page. */
    public Set<String> nodes() {
        return Collections.unmodifiableSet(nodes);
    }

    /** The model of {@code table}: owners, states, copysets and counts as the nodes reported them. */
    public static PageOwnership of(ClusterPageTable table) {
        PageOwnership model = new PageOwnership();
        for (ClusterPageTable.Page p : table.pages()) {
            Entry e = new Entry(p.page(), p.region());
            e.owner = p.owner();
            e.states.putAll(p.states());
            e.version = p.version();
            model.nodes.addAll(p.states().keySet());
            e.copyset.addAll(p.copyset());
            e.readFaults = p.readFaults();
            e.writeFaults = p.writeFaults();
            e.invalidations = p.invalidations();
            model.pages.put(p.page(), e);
        }
        return model;
    }

    /**
     * Replaces what the model knows from {@code node} by its page table: its access to every page
     * it lists, and for the pages it owns the owner and copyset. A page whose owner the model
     * thought was {@code node}, but that {@code node} no longer owns, has no known owner until an
     * event or another node's table says. Used when a node's table arrives (it connected, or its
     * monitor dropped events and sent the table again).
     */
    public void replaceNode(String node, List<PageInfo> table) {
        Set<Long> listed = new HashSet<>();
        nodes.add(node);
        for (PageInfo info : table) {
            listed.add(info.page());
            Entry e = pages.computeIfAbsent(info.page(), p -> new Entry(p, info.region()));
            e.states.put(node, info.state());
            if (info.owner()) {
                e.version = info.version();
                e.owner = node;
                e.copyset.clear();
                e.copyset.addAll(info.copyset());
            } else if (node.equals(e.owner)) {
                e.owner = null;
            }
        }
        for (Entry e : pages.values()) {
            if (!listed.contains(e.page) && e.states.remove(node) != null && node.equals(e.owner)) {
                e.owner = null;
            }
        }
    }

    /**
     * What the model knows of {@code node}'s page table, as the node would report it: its access to
     * each page it has, and owner and copyset for the pages it owns (for recording a model that is
     * already running).
     */
    public List<PageInfo> tableOf(String node) {
        List<PageInfo> table = new ArrayList<>();
        for (Entry e : pages.values()) {
            State state = e.states.get(node);
            boolean owner = node.equals(e.owner);
            if (state != null || owner) {
                table.add(new PageInfo(e.page, e.region, state == null ? State.WRITE : state, owner, e.owner,
                        owner ? List.copyOf(e.copyset) : List.of(), 0, e.readFaults, e.writeFaults, e.invalidations));
            }
        }
        return table;
    }

    /**
     * The model as a picture for drawing: one cell per page (of {@code regions}, or all if empty)
     * with its owner, its kind (exclusive writer, read-shared, moving, no owner), its copyset size
     * and each node's access. It never shows what cannot be: a dead node owns nothing and holds no
     * copy (its pages have no known owner until recovery gives them one), and a page whose owner
     * reported no valid copy of it (the events of its transfer arrived in part) is
     * {@link Picture#MOVING}.
     * Cheap to make often (arrays, no records per page); immutable.
     *
     * @param nodes the nodes in legend order; an owner not among them gets index -1
     * @param dead  the nodes known dead
     */
    public Picture picture(List<String> nodes, Set<String> regions, Set<String> dead) {
        List<Entry> shown = pages.values().stream().filter(e -> regions.isEmpty() || regions.contains(e.region))
                .toList();
        int n = shown.size();
        long[] numbers = new long[n];
        String[] regionOf = new String[n];
        short[] owner = new short[n];
        byte[] kind = new byte[n];
        short[] copies = new short[n];
        byte[] access = new byte[n * nodes.size()];
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            index.put(nodes.get(i), i);
        }
        for (int i = 0; i < n; i++) {
            Entry e = shown.get(i);
            numbers[i] = e.page;
            regionOf[i] = e.region;
            String holder = e.owner == null || dead.contains(e.owner) ? null : e.owner;
            State held = holder == null ? null : e.states.get(holder);
            owner[i] = (short) (holder == null ? -1 : index.getOrDefault(holder, -1));
            copies[i] = (short) Math.min(Short.MAX_VALUE, e.copyset.size());
            kind[i] = holder == null ? Picture.NO_OWNER : held == State.INVALID ? Picture.MOVING
                    : e.copyset.isEmpty() ? Picture.EXCLUSIVE : Picture.SHARED;
            for (Map.Entry<String, State> s : e.states.entrySet()) {
                Integer k = index.get(s.getKey());
                if (k != null && !dead.contains(s.getKey())) {
                    access[i * nodes.size() + k] = (byte) s.getValue().ordinal();
                }
            }
        }
        return new Picture(List.copyOf(nodes), numbers, regionOf, owner, kind, copies, access, clock);
    }

    /**
     * Page ownership for drawing, cell {@code i} being page {@code pages[i]}. Arrays are not
     * copied: do not change them.
     *
     * @param nodes   the nodes, in legend order
     * @param pages   page numbers, ascending
     * @param regions each page's region
     * @param owner   each page's owner as an index into {@code nodes}, -1 for none or unknown
     * @param kind    {@link #EXCLUSIVE}, {@link #SHARED}, {@link #MOVING} or {@link #NO_OWNER}
     * @param copies  each page's copyset size
     * @param access  node {@code k}'s access to page {@code i} at {@code i * nodes.size() + k}, a
     *                {@link State} ordinal (INVALID where the node never had the page)
     * @param clock   the Lamport clock of the model when drawn
     */
    public record Picture(List<String> nodes, long[] pages, String[] regions, short[] owner, byte[] kind,
            short[] copies, byte[] access, long clock) {
        /** The owner holds the only copy and may write it. */
        public static final byte EXCLUSIVE = 0;
        /** Read copies exist beside the owner's. */
        public static final byte SHARED = 1;
        /** No node is known to own the page (its owner died, or no table or event named one yet). */
        public static final byte NO_OWNER = 2;
        /** Ownership is moving to the owner: its old owner gave the page up, the new one has not got it yet. */
        public static final byte MOVING = 3;

        /** The number of cells. */
        public int size() {
            return pages.length;
        }

        /** Node {@code k}'s access to cell {@code i}. */
        public State access(int i, int k) {
            return State.values()[access[i * nodes.size() + k]];
        }

        /** How many cells each node owns, in legend order. */
        public int[] owned() {
            int[] owned = new int[nodes.size()];
            for (short o : owner) {
                if (o >= 0) {
                    owned[o]++;
                }
            }
            return owned;
        }
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
        nodes.add(node);
        if (event.kind() == MemoryEvent.Kind.OWNERSHIP_GAINED || event.kind() == MemoryEvent.Kind.OWNERSHIP_LOST
                || event.kind() == MemoryEvent.Kind.INVALIDATED || event.kind() == MemoryEvent.Kind.PAGE_RECEIVED) {
            if (e.transitions == null) {
                e.transitions = new ArrayDeque<>(TRANSITIONS);
            }
            if (e.transitions.size() == TRANSITIONS) {
                e.transitions.removeFirst();
            }
            e.transitions.addLast(node + " " + event.kind().name().toLowerCase(Locale.ROOT)
                    + (event.peer() == null ? "" : " (" + event.peer() + ")") + " @" + event.clock());
        }
        if (event.peer() != null) {
            nodes.add(event.peer());
        }
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
