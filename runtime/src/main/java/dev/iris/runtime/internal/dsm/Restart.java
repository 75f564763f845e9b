package dev.iris.runtime.internal.dsm;

import dev.iris.runtime.dsm.Durability;
import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.internal.Log;
import dev.iris.runtime.internal.store.PageLog;
import dev.iris.runtime.transport.FrameFormatException;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.StoreWire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * How the nodes of a persistent memory agree, as they start, on the owner of each page: every node
 * sends every peer that joins what its page log holds (page and version, {@link FrameKind#LOGGED});
 * once a node has heard from every manager (every node of a persistent cluster is one), it gives
 * each page to the node whose log holds its highest version (the lowest node number on a tie; the
 * page's first owner if no log holds it), takes the pages that are its own from its log, and opens.
 * Every node decides alike from the same lists, so no further round is needed. Until then its pages
 * are recovering: local accesses and peers' requests wait.
 *
 * <p>Each node sends the list its log held when the node started, also after it opened, so that
 * all decide on the same lists. A node whose memory was open before a peer joined says so
 * ({@link StoreWire#OPEN}): that peer is starting into a running cluster, whose pages have moved
 * on since its log was written, and its memory stays closed with a message saying so. A peer that
 * died is heard afresh when it comes back.
 */
final class Restart {
    private static final System.Logger LOG = Log.of(Restart.class);

    private final Dsm dsm;
    /** What this node's log held at start, in page order: sent to every peer that joins. */
    private final long[] pages;
    private final long[] versions;
    /** The managers whose whole list is in (until the memory opens). */
    private final Set<Integer> heard = ConcurrentHashMap.newKeySet();
    // guarded by this
    private Map<Long, PageLog.Entry> mine;
    /** Per page, the highest version heard of, and whose logs hold it. */
    private final Map<Long, Best> best = new HashMap<>();
    /** The peers whose lists this node's decision counted (they start with it, not into it). */
    private final Set<Integer> counted = new HashSet<>();
    private boolean open;
    /** Whether this node's log was made at this start. */
    private final boolean newLog;
    /** The managers heard from (and this node) whose logs were made at this start. */
    private final Set<Integer> newLogs = new HashSet<>();
    /** Every page has its owner: the memory is open (set at the end of {@link #open}). */
    private volatile boolean assigned;
    /** Why this node's memory cannot open; then it never does. */
    private volatile String refused;

    /** The highest version of a page heard of, the nodes whose logs hold it, and the lowest of them. */
    private static final class Best {
        final long version;
        int node;
        int[] holders;

        Best(long version, int node) {
            this.version = version;
            this.node = node;
            this.holders = new int[] {node};
        }

        void add(int holder) {
            holders = Arrays.copyOf(holders, holders.length + 1);
            holders[holders.length - 1] = holder;
            if (Integer.compareUnsigned(holder, node) < 0) {
                node = holder;
            }
        }

        boolean heldBy(int holder) {
            for (int h : holders) {
                if (h == holder) {
                    return true;
                }
            }
            return false;
        }
    }

    Restart(Dsm dsm, Map<Long, PageLog.Entry> logged, boolean newLog) {
        this.dsm = dsm;
        this.newLog = newLog;
        if (newLog) {
            newLogs.add(dsm.self);
        }
        this.mine = new HashMap<>(logged);
        pages = logged.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        versions = new long[pages.length];
        for (int i = 0; i < pages.length; i++) {
            versions[i] = logged.get(pages[i]).version();
            if (dsm.pageNumber(pages[i]) == null) {
                throw new IllegalArgumentException("node '" + dsm.link.self().name() + "': its page log holds page "
                        + pages[i] + ", which this shared memory does not have: were its regions changed?");
            }
            consider(pages[i], versions[i], dsm.self);
        }
        for (Page p : dsm.pages) {
            p.recovering = true;
            p.owner = false;
            p.state = Page.INVALID;
        }
    }

    // ------------------------------------------------------------------ membership

    /** Sends {@code node}, if it is a manager, this node's list (from the event loop that saw it join). */
    void nodeJoined(int node) {
        if (!dsm.isManagerNode(node)) {
            return; // a client of the cluster, without a share in its memory
        }
        boolean running;
        synchronized (this) {
            running = open && !counted.contains(node);
        }
        int at = 0;
        do {
            int n = Math.min(StoreWire.MAX_ENTRIES, pages.length - at);
            boolean last = at + n == pages.length;
            int flags = (last ? StoreWire.LAST : 0) | (running ? StoreWire.OPEN : 0) | (newLog ? StoreWire.NEW : 0);
            long[] p = Arrays.copyOfRange(pages, at, at + n);
            long[] v = Arrays.copyOfRange(versions, at, at + n);
            if (!dsm.send(node, FrameKind.LOGGED, StoreWire.logged(dsm.link.alloc(), new StoreWire.Logged(flags, p, v)))) {
                return; // it died again: it is heard afresh when it comes back
            }
            at += n;
        } while (at < pages.length);
    }

    /** {@code node} died: when it comes back, it is heard afresh. */
    synchronized void nodeDied(int node) {
        counted.remove(node);
        if (!open && node != dsm.self) {
            heard.remove(node);
            newLogs.remove(node);
        }
    }

    // ------------------------------------------------------------------ frames

    void onFrame(int from, ByteBuf in) {
        StoreWire.Logged logged = StoreWire.readLogged(in);
        Map<Long, PageLog.Entry> own = null;
        for (long page : logged.pages()) {
            if (dsm.pageNumber(page) == null) {
                throw new FrameFormatException("LOGGED frame names page " + page + ", which this shared memory "
                        + "does not have");
            }
        }
        if (!dsm.isManagerNode(from)) {
            throw new FrameFormatException("LOGGED frame from node '" + dsm.nameOf(from) + "', which is not a "
                    + "manager of this persistent memory");
        }
        synchronized (this) {
            if (open || refused != null) {
                return; // its list was counted already, or it is starting into this running cluster
            }
            if (logged.open() && dsm.backup == null) {
                refuse("node '" + dsm.nameOf(from) + "' says the cluster's persistent memory was already open: node '"
                        + dsm.link.self().name() + "' cannot start into a running persistent cluster (its log may be "
                        + "older than the pages the others hold, and without backup copies nobody else has what it "
                        + "held); stop every node and start them together");
                return;
            }
            if (logged.open()) { // with backup copies the running cluster has everything this node had
                open = true;
                own = mine;
                mine = null;
                best.clear();
            } else {
                for (int i = 0; i < logged.pages().length; i++) {
                    consider(logged.pages()[i], logged.versions()[i], from);
                }
                if (!logged.last()) {
                    return;
                }
                heard.add(from);
                if (logged.newLog()) {
                    newLogs.add(from);
                }
            }
        }
        if (own != null) {
            joinRunning(from, own);
        } else {
            tryOpen();
        }
    }

    /** Opens once every other manager's whole list is in (at start, a node that is the only manager). */
    void tryOpen() {
        Map<Long, Best> owners;
        Map<Long, PageLog.Entry> own;
        synchronized (this) {
            if (open || refused != null || !missing().isEmpty()) {
                return;
            }
            if (!newLogs.isEmpty() && newLogs.size() < dsm.managers.length) { // every manager is heard from here
                String why = wiped();
                if (why != null) {
                    refuse(why);
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "Node ''{0}'': node ''{1}'' starts with a new page log (was its "
                        + "data directory wiped or replaced?); with backup copies every write that returned is in "
                        + "another node''s log too, so no page is lost", dsm.link.self().name(),
                        dsm.nameOf(newLogs.iterator().next()));
            }
            for (Map.Entry<Long, Best> e : best.entrySet()) {
                Page p = dsm.pageNumber(e.getKey());
                int holder = e.getValue().node;
                if (p.model == Page.RELEASE && holder != p.home) {
                    refuse(Dsm.describe(p) + " is release-consistent and its newest master is in the page log of "
                            + "node '" + dsm.nameOf(holder) + "', but its home is node '" + dsm.nameOf(p.home)
                            + "' now: were the regions, their homes or the managers changed since the last run? "
                            + "Start the cluster as it was configured then");
                    return;
                }
            }
            open = true;
            counted.addAll(heard);
            owners = new HashMap<>(best);
            own = mine;
            mine = null;
            best.clear();
        }
        open(owners, own);
    }

    /**
     * Why the memory cannot open with the managers in {@link #newLogs} starting with new logs among
     * logs of an earlier run, or null if it can: with backup copies, every write that returned is in
     * two nodes' logs (its page's owner's and its backup's), so one new log loses nothing, unless
     * that node is the home of release-consistent pages, which have no backup copies (holding this).
     */
    private String wiped() {
        List<String> lost = newLogs.stream().map(dsm::nameOf).sorted().toList();
        if (dsm.backup != null && lost.size() == 1) {
            int node = newLogs.iterator().next();
            List<String> homed = releaseRegionsHomedAt(node);
            if (homed.isEmpty()) {
                return null;
            }
            return "node '" + lost.get(0) + "' starts with a new page log while the others have logs from an earlier "
                    + "run (was its data directory wiped or replaced?), and it is the home of the release-consistent "
                    + "region" + (homed.size() > 1 ? "s " : " ") + homed + ", whose pages have no backup copies: "
                    + "their newest writes were in its log only. Give it its data directory back, or move every "
                    + "node's log aside to start the memory empty";
        }
        List<String> old = Arrays.stream(dsm.managers).filter(m -> !newLogs.contains(m)).mapToObj(dsm::nameOf)
                .sorted().toList();
        return "node" + (lost.size() > 1 ? "s " : " ") + lost + " start" + (lost.size() > 1 ? "" : "s")
                + " with a new page log while " + old + " have logs "
                + "from an earlier run (was a data directory wiped or replaced?): the pages whose newest "
                + "copy only " + (lost.size() > 1 ? "they" : "it") + " held are lost, and which they are "
                + "cannot be known" + (dsm.backup != null ? " (backup copies keep a write on two nodes' disks, "
                + "which covers one lost log, not " + lost.size() + ")" : "") + ". Give "
                + (lost.size() > 1 ? "them their" : "it its") + " data directory back, or move every node's log "
                + "aside to start the memory empty";
    }

    // ------------------------------------------------------------------ deciding

    /** Keeps (page, version, node) if it is the highest version heard of the page (holding this). */
    private void consider(long page, long version, int node) {
        Best b = best.get(page);
        if (b == null || version > b.version) {
            best.put(page, new Best(version, node));
        } else if (version == b.version && !b.heldBy(node)) {
            b.add(node);
        }
    }

    /** The managers this node has not yet heard from. */
    private List<String> missing() {
        List<String> names = new ArrayList<>();
        for (int m : dsm.managers) {
            if (m != dsm.self && !heard.contains(m)) {
                names.add(dsm.nameOf(m));
            }
        }
        return names;
    }

    /**
     * Gives each page to the node that logged its highest version, and opens (once, not holding
     * this). With backup copies, every other node whose log holds a page's highest version keeps it
     * as a copy; the owner sends one to the page's backup where that one does not.
     */
    private void open(Map<Long, Best> owners, Map<Long, PageLog.Entry> own) {
        Backup backup = dsm.backup;
        int taken = assign(p -> {
            Best b = owners.get(p.number);
            int owner = b != null ? b.node : p.home;
            p.probOwner = owner;
            if (p.model == Page.RELEASE) {
                return takeMaster(p, own); // only a home logs its master
            }
            if (owner == dsm.self) {
                PageLog.Entry e = b != null ? own.get(p.number) : null;
                p.owner = true;
                p.data = e != null ? e.data() : dsm.zeros();
                p.version = e != null ? e.version() : 1;
                if (backup == null) {
                    p.state = Page.WRITE;
                } else if (b != null) { // a page never written needs no copy: a census makes it anew
                    int keeper = backup.backupOf(p.number);
                    if (keeper != 0 && b.heldBy(keeper)) {
                        p.backupNode = keeper;
                    } else {
                        backup.protect(p);
                    }
                }
                return e != null;
            }
            if (backup != null && b != null && b.heldBy(dsm.self)) {
                // every holder of the newest version keeps it as a copy, not only the page's backup: a census
                // after a death that comes before the owner's copy to a new backup finds it; a copy that came
                // meanwhile (the owner opened first and wrote) is newer
                PageLog.Entry e = own.get(p.number);
                if (p.replica == null || e.version() > p.replicaVersion) {
                    p.replica = e.data();
                    p.replicaVersion = e.version();
                }
            }
            return false;
        });
        LOG.log(System.Logger.Level.INFO, "Node ''{0}'': its persistent memory is open; it took {1} pages from its "
                + "log", dsm.link.self().name(), taken);
    }

    /**
     * Decides every page with {@code decide} (holding its monitor; true if it took the page from
     * this node's log), lets the accesses that waited for it go on, and tells the recovery that
     * the owners are assigned; how many pages came from the log.
     */
    private int assign(Predicate<Page> decide) {
        int taken = 0;
        for (Page p : dsm.pages) {
            synchronized (p) {
                taken += decide.test(p) ? 1 : 0;
                p.recovering = false;
                p.notifyAll();
                dsm.coherence.drain(p);
                dsm.release.drain(p);
            }
        }
        assigned = true;
        synchronized (this) {
            notifyAll(); // locks and barriers waited for it (awaitOpen(String))
        }
        if (dsm.recovery != null) {
            dsm.recovery.ownersAssigned(); // with backup copies, owned pages are writable once that memory opens
        }
        return taken;
    }

    /** Takes the master of release-consistent page {@code p} from this node's log if it is its home and logged one. */
    private boolean takeMaster(Page p, Map<Long, PageLog.Entry> own) {
        PageLog.Entry e = p.home == dsm.self ? own.get(p.number) : null;
        if (e != null) {
            p.master = e.data();
            p.masterVersion = e.version();
        }
        return e != null;
    }

    /**
     * Opens this node's memory in a running cluster, with backup copies (once, not holding this):
     * the others hold every page it held when it stopped, as new or newer copies, so it owns none
     * and faults in what it uses. Only the masters of the release-consistent pages it is the home
     * of, which have no backup copies, come from its log.
     */
    private void joinRunning(int from, Map<Long, PageLog.Entry> own) {
        List<String> homed = releaseRegionsHomedAt(dsm.self);
        if (newLog && !homed.isEmpty()) {
            synchronized (this) {
                refuse("node '" + dsm.link.self().name() + "' starts into a running persistent cluster with a new "
                        + "page log (was its data directory wiped or replaced?), and it is the home of the "
                        + "release-consistent region" + (homed.size() > 1 ? "s " : " ") + homed + ", whose pages "
                        + "have no backup copies: their newest writes were in its log only. Give it its data "
                        + "directory back");
            }
            return;
        }
        int taken = assign(p -> p.model == Page.RELEASE && takeMaster(p, own));
        LOG.log(System.Logger.Level.INFO, "Node ''{0}'': starts into a running persistent cluster (node ''{1}'' says "
                + "its memory is open): it owns no page until it faults one in, the others and their backup copies "
                + "having every page it held; it took {2} release-consistent masters from its log",
                dsm.link.self().name(), dsm.nameOf(from), taken);
    }

    /** The release-consistent regions whose pages' home is {@code node}. */
    private List<String> releaseRegionsHomedAt(int node) {
        return Arrays.stream(dsm.pages).filter(p -> p.model == Page.RELEASE && p.home == node)
                .map(p -> p.region.name()).distinct().toList();
    }

    /** Closes this node's memory for good (holding this): waiting accesses fail with {@code why}. */
    private void refuse(String why) {
        refused = why;
        notifyAll();
        LOG.log(System.Logger.Level.ERROR, "Node ''{0}'': {1}", dsm.link.self().name(), why);
        for (Page p : dsm.pages) {
            synchronized (p) {
                p.notifyAll();
            }
        }
    }

    /** Where the start stands, with {@code synced} from the log. */
    synchronized Durability durability(long synced) {
        Durability.Phase phase = refused != null ? Durability.Phase.CLOSED
                : assigned ? Durability.Phase.OPEN : Durability.Phase.WAITING;
        int known = open ? dsm.managers.length : (int) Arrays.stream(dsm.managers)
                .filter(m -> m == dsm.self || heard.contains(m)).count();
        return new Durability(phase, synced, known, dsm.managers.length, refused);
    }

    // ------------------------------------------------------------------ waiting

    /** Closes the memory for good with {@code why} unless it decided its pages' owners; whether it is closed. */
    synchronized boolean refuseOpening(String why) {
        if (open) {
            return false;
        }
        if (refused == null) {
            refuse(why);
        }
        return true;
    }

    /** Whether every page has its owner: the memory opened at start (a census may still run after a death). */
    boolean opened() {
        return assigned;
    }

    /**
     * Waits, up to the fault timeout, until the memory has opened, for what needs no page but the
     * managers ({@code what}: acquiring a lock, waiting at a barrier); fails at once if it cannot open.
     */
    void awaitOpen(String what) {
        long deadline = dsm.link.time().nanos() + dsm.config.faultTimeout().toNanos();
        synchronized (this) {
            try {
                while (!assigned && refused == null) {
                    if (dsm.link.time().timedWait(this, deadline)) {
                        throw new MemoryException(what + " on node '" + dsm.link.self().name() + "' waited "
                                + dsm.config.faultTimeout().toMillis() + " ms for the persistent memory to open (it "
                                + "opens once every manager has said what its page log holds; not yet " + missing()
                                + ")");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MemoryException("interrupted: " + what + " on node '" + dsm.link.self().name()
                        + "', waiting for the persistent memory to open");
            }
            if (!assigned) {
                throw new MemoryException(refused);
            }
        }
    }

    /** Waits (holding p's monitor) while the memory has not opened; fails at once if it cannot. */
    void awaitOpen(Page p) {
        if (refused == null) {
            dsm.awaitWhile(p, () -> p.recovering && refused == null, "the persistent memory has not opened (it "
                    + "opens once every manager has said what its page log holds; not yet " + missing() + "): "
                    + Dsm.describe(p) + " waited");
        }
        if (p.recovering) {
            throw new MemoryException(refused);
        }
    }
}
