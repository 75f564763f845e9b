package dev.iris.runtime.internal.dsm;

import dev.iris.runtime.dsm.MemoryEvent.Kind;
import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.internal.Log;
import dev.iris.runtime.transport.FrameFormatException;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.PageWire;
import dev.iris.runtime.transport.ReplicaWire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What keeps pages owned when nodes die, with backup copies on ({@code MemoryConfig.backup}):
 * the majority rule, deposed managers, and the census that gives a dead owner's pages a new owner.
 *
 * <ul>
 * <li><b>Majority.</b> The memory works only on a node that sees a majority of the managers. One
 * that loses it is <i>fenced</i>: it drops ownership and copies, and every access fails at once
 * with a {@link MemoryException} until it sees a majority again. A node starts fenced and opens
 * once every manager that is not deposed has sent it its status.</li>
 * <li><b>Deposed managers.</b> A manager declared dead by a node that sees a majority is deposed
 * for good: its pages are managed by the next manager in the list that is not deposed. Every node
 * sends its deposed set to each peer that joins, so a restarted node learns that it was deposed
 * (and owns nothing) before it opens.</li>
 * <li><b>Census.</b> After a death (one failure timeout later, by when a node that was only cut
 * off has fenced itself), every manager marks the pages it manages as recovering (requests and
 * local faults wait) and asks every live node which of them it owns, holds a copy of (and which
 * version), or last gave away. A node answers only once it, too, counts the dead node as dead, so
 * no frame of the dead node arrives after its answer. A page with a live owner gets it back as its
 * record; a page last given to a live node that does not own it yet is in flight and asked about
 * again; any other page is taken over by its manager with the newest copy anyone has (fetched
 * from its holder), two versions higher.</li>
 * </ul>
 */
final class Recovery {
    private static final System.Logger LOG = Log.of(Recovery.class);
    /** A page in flight between two live nodes is asked about again after this long. */
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** The most bytes of entries in one census reply frame. */
    private static final int REPLY_BYTES = 256 * 1024;

    private final Dsm dsm;
    private final Set<Integer> deposed = ConcurrentHashMap.newKeySet();
    private final Set<Integer> statusFrom = ConcurrentHashMap.newKeySet();
    private volatile boolean ready;
    private volatile boolean fenced;
    /** Guards the census state; waiters for {@link #ready} wait on it. */
    private final Object lock = new Object();
    private long generation;
    private Census census;
    /** Census questions about a node this node still counted as live, with who asked. */
    private final List<Deferred> deferred = new ArrayList<>();
    /** Nodes that died while a persistent memory opened (guarded by lock). */
    private final Set<Integer> diedWhileOpening = new LinkedHashSet<>();
    /** Census questions that came while a persistent memory assigned its pages (guarded by lock). */
    private final List<Deferred> heldWhileOpening = new ArrayList<>();
    /** The managers, as a set. */
    private final Set<Integer> managerSet = new LinkedHashSet<>();

    private record Deferred(int asker, ReplicaWire.Census census) {
    }

    /** What the live nodes said about one page. */
    private static final class Findings {
        int owner;
        int copyHolder;
        long copyVersion = -1;
        int gaveTo;
        long gaveVersion = -1;
        final Set<Integer> waiting = new HashSet<>();
    }

    private static final class Census {
        final long id;
        final long generation;
        final int subject;
        final Set<Long> pages;
        final Set<Integer> waiting;
        final Map<Long, Findings> findings = new HashMap<>();
        boolean resolved;

        Census(long id, long generation, int subject, Set<Long> pages, Set<Integer> waiting) {
            this.id = id;
            this.generation = generation;
            this.subject = subject;
            this.pages = pages;
            this.waiting = waiting;
        }
    }

    Recovery(Dsm dsm) {
        this.dsm = dsm;
        for (int m : dsm.managers) {
            managerSet.add(m);
        }
    }

    // ------------------------------------------------------------------ managers and majority

    /** The manager of {@code page}: the first manager from {@code page mod managers} on that is not deposed. */
    int manager(long page) {
        int m = dsm.firstManager(page, n -> !deposed.contains(n));
        return m != 0 ? m : dsm.managers[(int) (page % dsm.managers.length)];
    }

    /** Whether {@code node} is a manager deposed on this node (declared dead by it while it saw a majority). */
    boolean deposed(int node) {
        return deposed.contains(node);
    }

    /** Whether this node lost the majority of the managers, and its memory is closed. */
    boolean fenced() {
        return fenced;
    }

    private int liveManagers() {
        int live = 0;
        for (int m : dsm.managers) {
            if (dsm.link.isLive(m)) {
                live++;
            }
        }
        return live;
    }

    private boolean majority() {
        return liveManagers() * 2 > dsm.managers.length;
    }

    private String cutOff() {
        return "the shared memory of node '" + dsm.link.self().name() + "' is closed: it sees " + liveManagers()
                + " of " + dsm.managers.length + " managers and needs a majority (a node cut off from the others "
                + "must not go on with pages they may have taken over)";
    }

    /** Lets an access that needs the network go on, or fails it: fenced, or not yet open after the fault timeout. */
    void admit() {
        if (fenced) {
            throw new MemoryException(cutOff());
        }
        if (ready) {
            return;
        }
        long deadline = dsm.link.time().nanos() + dsm.config.faultTimeout().toNanos();
        synchronized (lock) {
            try {
                while (!ready && !fenced) {
                    if (dsm.link.time().left(deadline) <= 0) {
                        throw new MemoryException("the shared memory of node '" + dsm.link.self().name() + "' did "
                                + "not open within " + dsm.config.faultTimeout().toMillis() + " ms: it opens once every "
                                + "manager that is not deposed has joined; heard from " + names(statusFrom) + " of "
                                + names(managerSet));
                    }
                    dsm.link.time().timedWait(lock, deadline);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MemoryException("interrupted waiting for the shared memory of node '"
                        + dsm.link.self().name() + "' to open");
            }
        }
        if (fenced) {
            throw new MemoryException(cutOff());
        }
    }

    private List<String> names(Set<Integer> nodes) {
        return nodes.stream().map(dsm::nameOf).toList();
    }

    /** Waits (holding p's monitor) while the page's manager (this node) is finding its owner. */
    void awaitRecovered(Page p) {
        dsm.awaitWhile(p, () -> p.recovering, "the owner of " + Dsm.describe(p) + " was still being found after a "
                + "death");
    }

    // ------------------------------------------------------------------ membership

    void nodeJoined(int node) {
        long[] items = deposed.stream().mapToLong(Integer::longValue).toArray();
        dsm.send(node, FrameKind.CENSUS, ReplicaWire.census(dsm.link.alloc(), new ReplicaWire.Census(0, dsm.tick(),
                ReplicaWire.STATUS, 0, items)));
    }

    private void onStatus(int from, long[] nodes) {
        List<Integer> newlyDeposed = new ArrayList<>();
        for (long n : nodes) {
            int node = (int) n;
            if (node == dsm.self) {
                if (deposed.add(node)) {
                    LOG.log(System.Logger.Level.WARNING, "Node ''{0}'': node ''{1}'' counts this node as deposed "
                            + "(declared dead earlier); it owns no page and manages none", dsm.link.self().name(),
                            dsm.nameOf(from));
                    dropEverything("node '" + dsm.link.self().name() + "' was deposed; its faults in progress "
                            + "are given up");
                }
            } else if (deposed.add(node)) {
                newlyDeposed.add(node);
            }
        }
        if (managerSet.contains(from)) {
            statusFrom.add(from);
        }
        synchronized (lock) {
            maybeOpen();
            if (fenced && majority()) {
                fenced = false;
                LOG.log(System.Logger.Level.INFO, "Node ''{0}'': sees a majority of the managers again; its shared "
                        + "memory is open", dsm.link.self().name());
            }
        }
        for (int node : newlyDeposed) {
            deposedNow(node);
        }
    }

    /** Opens (holding lock) once every manager that is not deposed sent its status, and a majority is live. */
    private void maybeOpen() {
        if (!ready && statusFrom.containsAll(managerSet.stream().filter(m -> m != dsm.self
                && !deposed.contains(m)).toList()) && majority()) {
            open();
        }
    }

    /** First opening (holding lock): owned pages become writable, unless this node was deposed. */
    private void open() {
        writable();
        ready = true;
        lock.notifyAll();
    }

    /**
     * A persistent memory gave its pages their owners ({@link Restart}): if this memory is open,
     * those it owns become writable now, else when it opens. The nodes that died while it opened
     * and are still dead die now, and the census questions held meanwhile are answered.
     */
    void ownersAssigned() {
        List<Integer> died;
        List<Deferred> held;
        synchronized (lock) {
            if (ready) {
                writable();
            }
            died = List.copyOf(diedWhileOpening);
            diedWhileOpening.clear();
            held = List.copyOf(heldWhileOpening);
            heldWhileOpening.clear();
        }
        for (int node : died) {
            if (!dsm.link.isLive(node)) {
                nodeDied(node);
            }
        }
        held.forEach(d -> answer(d.asker(), d.census()));
    }

    /** Owned pages become writable, unless this node was deposed (holding lock). */
    private void writable() {
        boolean me = deposed.contains(dsm.self);
        for (Page p : dsm.pages) {
            synchronized (p) {
                if (p.owner && p.model != Page.RELEASE) {
                    if (me) {
                        p.owner = false;
                    } else {
                        p.state = Page.WRITE;
                    }
                }
            }
        }
    }

    /** Node {@code node} died. Runs before the rest of the memory hears of it. */
    void nodeDied(int node) {
        statusFrom.remove(node);
        if (dsm.link.stopping()) {
            return; // the cluster or this node is being stopped: nothing to recover
        }
        if (dsm.opening()) {
            // a persistent memory waits for every manager's log as it starts: one that dies then is heard afresh
            // when it comes back; if this node opens without it (having counted its log), it dies then
            synchronized (lock) {
                if (dsm.opening()) {
                    diedWhileOpening.add(node);
                    return;
                }
            }
            nodeDied(node);
            return;
        } else if (!ready) {
            if (majority()) {
                deposed.add(node); // as the nodes that see it die do; this node may open without it
                synchronized (lock) {
                    maybeOpen();
                }
                deposedNow(node); // the pages it managed may be this node's now
            }
        } else if (!majority()) {
            fence("node '" + dsm.nameOf(node) + "' died and this node no longer sees a majority of the managers");
        } else {
            deposed.add(node);
            deposedNow(node);
        }
        List<Deferred> due = new ArrayList<>();
        synchronized (lock) {
            deferred.removeIf(d -> d.census().subject() == node && due.add(d));
        }
        due.forEach(d -> answer(d.asker(), d.census()));
    }

    /** Pages this node manages now are recovering; a census starts one failure timeout later. */
    private void deposedNow(int node) {
        for (Page p : dsm.pages) {
            if (p.model != Page.RELEASE && manager(p.number) == dsm.self) {
                synchronized (p) {
                    p.recovering = true;
                }
            }
        }
        long gen;
        synchronized (lock) {
            gen = ++generation;
        }
        dsm.link.schedule(() -> startCensus(gen, node), dsm.link.failureTimeout().toNanos());
    }

    private void fence(String why) {
        LOG.log(System.Logger.Level.WARNING, "Node ''{0}'': {1}; its shared memory is closed until it sees a "
                + "majority again", dsm.link.self().name(), why);
        synchronized (lock) {
            fenced = true;
            generation++;
            census = null;
            lock.notifyAll();
        }
        if (managerSet.contains(dsm.self)) {
            deposed.add(dsm.self);
        }
        dsm.backup.fence("node '" + dsm.link.self().name() + "' lost the majority");
        dropEverything(cutOff());
    }

    /** Gives up every owned page and copy (the majority takes them over); waiting faults fail with {@code why}. */
    private void dropEverything(String why) {
        for (Page p : dsm.pages) {
            if (p.model == Page.RELEASE) {
                continue;
            }
            synchronized (p) {
                if (p.owner) {
                    p.owner = false;
                    p.gave = true;
                    p.gaveTo = 0; // given to nobody: a census takes it over
                    p.gaveVersion = p.version;
                }
                p.state = Page.INVALID;
                p.recovering = false;
                p.hold = false;
                p.queued.clear();
                p.notifyAll();
                dsm.coherence.failFault(p, why);
            }
        }
    }

    // ------------------------------------------------------------------ census

    private void startCensus(long gen, int subject) {
        Set<Long> pages = new LinkedHashSet<>();
        for (Page p : dsm.pages) {
            synchronized (p) {
                if (p.recovering) {
                    pages.add(p.number);
                }
            }
        }
        Census c;
        synchronized (lock) {
            if (gen != generation || fenced || pages.isEmpty()) {
                return;
            }
            Set<Integer> waiting = new LinkedHashSet<>();
            for (int peer : dsm.link.peers()) {
                waiting.add(peer);
            }
            c = new Census(dsm.link.random().nextLong(), gen, subject, pages, waiting);
            census = c;
            merge(c, dsm.self, entries(dsm.self, null));
        }
        for (int peer : List.copyOf(c.waiting)) {
            if (!dsm.send(peer, FrameKind.CENSUS, ReplicaWire.census(dsm.link.alloc(), new ReplicaWire.Census(c.id,
                    dsm.tick(), ReplicaWire.ASK, subject, new long[0])))) {
                synchronized (lock) {
                    c.waiting.remove(peer); // it died: its death starts a new census
                }
            }
        }
        resolveIfAnswered(c);
    }

    /** What this node knows of the pages {@code asker} manages (or of {@code only}, with their data). */
    private List<ReplicaWire.Entry> entries(int asker, long[] only) {
        List<ReplicaWire.Entry> entries = new ArrayList<>();
        synchronized (dsm.backup.store) {
            if (only != null) {
                for (long number : only) {
                    Page p = dsm.pageNumber(number);
                    if (p != null && p.model != Page.RELEASE) {
                        synchronized (p) {
                            if (p.copyVersion() >= 0) {
                                entries.add(new ReplicaWire.Entry(p.number, ReplicaWire.COPY, p.copyVersion(), 0, 0,
                                        p.newestCopy().clone()));
                            }
                        }
                    }
                }
                return entries;
            }
            for (Page p : dsm.pages) {
                if (p.model == Page.RELEASE || manager(p.number) != asker) {
                    continue;
                }
                synchronized (p) {
                    int flags = 0;
                    long version = 0;
                    if (p.owner) {
                        flags = ReplicaWire.OWNER;
                        version = p.version;
                    } else {
                        version = p.copyVersion();
                        flags = version >= 0 ? ReplicaWire.COPY : 0;
                    }
                    if (p.gave) {
                        flags |= ReplicaWire.GAVE;
                    }
                    if (!p.owner && p.fault != null && p.fault.mode == PageWire.WRITE) {
                        flags |= ReplicaWire.WAITING;
                    }
                    if (flags != 0) {
                        entries.add(new ReplicaWire.Entry(p.number, flags, Math.max(version, 0), p.gaveTo,
                                p.gaveVersion, null));
                    }
                }
            }
        }
        return entries;
    }

    /** Adds what {@code from} said (holding lock). */
    private void merge(Census c, int from, List<ReplicaWire.Entry> entries) {
        for (ReplicaWire.Entry e : entries) {
            if (!c.pages.contains(e.page())) {
                continue;
            }
            Findings f = c.findings.computeIfAbsent(e.page(), k -> new Findings());
            if ((e.flags() & ReplicaWire.OWNER) != 0) {
                f.owner = from;
            }
            if ((e.flags() & ReplicaWire.COPY) != 0 && (e.version() > f.copyVersion
                    || e.version() == f.copyVersion && from == dsm.self)) {
                f.copyVersion = e.version();
                f.copyHolder = from;
            }
            if ((e.flags() & ReplicaWire.WAITING) != 0) {
                f.waiting.add(from);
            }
            if ((e.flags() & ReplicaWire.GAVE) != 0 && e.gaveVersion() > f.gaveVersion) {
                f.gaveVersion = e.gaveVersion();
                f.gaveTo = e.gaveTo();
            }
        }
    }

    private void answer(int asker, ReplicaWire.Census c) {
        if (c.mode() != ReplicaWire.STATUS && dsm.opening()) {
            if (dsm.refuseOpening("node '" + dsm.nameOf(c.subject()) + "' died while the persistent memory was "
                    + "opening: node '" + dsm.nameOf(asker) + "' had opened, counting what its log held, and this node "
                    + "had not, so they cannot agree on who owns its pages. Stop every node and start them together")) {
                return; // the asker's census waits: no page is taken over from what this node has not loaded
            }
            synchronized (lock) {
                if (dsm.opening()) { // decided, its pages not all assigned yet: answered once they are
                    heldWhileOpening.add(new Deferred(asker, c));
                    return;
                }
            }
        }
        if (c.mode() == ReplicaWire.ASK && dsm.link.isLive(c.subject()) && !deposed.contains(c.subject())) {
            synchronized (lock) {
                deferred.add(new Deferred(asker, c)); // answered once this node counts the subject as dead
            }
            return;
        }
        List<ReplicaWire.Entry> entries = entries(asker, c.mode() == ReplicaWire.FETCH ? c.items() : null);
        if (c.mode() == ReplicaWire.ASK) {
            refaultAt(asker);
        }
        List<ReplicaWire.Entry> frame = new ArrayList<>();
        int bytes = 0;
        for (int i = 0; i <= entries.size(); i++) {
            boolean end = i == entries.size();
            if (end || bytes + ReplicaWire.size(entries.get(i)) > REPLY_BYTES && !frame.isEmpty()) {
                dsm.send(asker, FrameKind.CENSUS_REPLY, ReplicaWire.reply(dsm.link.alloc(), c.census(), dsm.tick(),
                        end, frame));
                frame = new ArrayList<>();
                bytes = 0;
            }
            if (!end) {
                frame.add(entries.get(i));
                bytes += ReplicaWire.size(entries.get(i));
            }
        }
    }

    /**
     * Sends this node's waiting faults on the pages {@code manager} manages to it again: a request
     * sent while this node and others disagreed about a death may have gone to the dead node. The
     * manager queues them until its census is done; an answer to both copies is harmless.
     */
    private void refaultAt(int manager) {
        for (Page p : dsm.pages) {
            if (p.model != Page.RELEASE && manager(p.number) == manager) {
                synchronized (p) {
                    if (p.fault != null && !p.owner && !p.recovering) {
                        dsm.coherence.request(p, p.fault);
                    }
                }
            }
        }
    }

    void onFrame(int from, FrameKind kind, ByteBuf in) {
        switch (kind) {
            case CENSUS -> {
                ReplicaWire.Census c = ReplicaWire.readCensus(in);
                dsm.receive(c.clock());
                if (c.mode() == ReplicaWire.STATUS) {
                    onStatus(from, c.items());
                } else {
                    answer(from, c);
                }
            }
            case CENSUS_REPLY -> onReply(from, ReplicaWire.readReply(in, dsm.config.pageSize()));
            default -> throw new FrameFormatException("not a census frame: " + kind);
        }
    }

    private void onReply(int from, ReplicaWire.Reply r) {
        dsm.receive(r.clock());
        Census c;
        synchronized (lock) {
            c = census;
            if (c == null || c.id != r.census()) {
                return; // an answer to a census given up
            }
            if (!c.resolved) {
                merge(c, from, r.entries());
                if (r.last()) {
                    c.waiting.remove(from);
                }
            }
        }
        if (c.resolved && c.generation == generationNow()) {
            for (ReplicaWire.Entry e : r.entries()) {
                if (e.data() != null && c.pages.contains(e.page())) {
                    takeOver(dsm.pageNumber(e.page()), e.data(), e.version(), c.subject);
                }
            }
        } else {
            resolveIfAnswered(c);
        }
    }

    private long generationNow() {
        synchronized (lock) {
            return generation;
        }
    }

    private void resolveIfAnswered(Census c) {
        synchronized (lock) {
            if (c != census || c.resolved || !c.waiting.isEmpty()) {
                return;
            }
            c.resolved = true;
            if (c.generation != generation) {
                return; // another death since it started: the census that follows decides
            }
        }
        Map<Integer, List<Long>> fetch = new HashMap<>();
        boolean retry = false;
        for (long number : c.pages) {
            Page p = dsm.pageNumber(number);
            Findings f = c.findings.getOrDefault(number, new Findings());
            if (f.owner != 0) {
                settle(p, f.owner);
            } else if (f.gaveTo != 0 && f.waiting.contains(f.gaveTo)) {
                retry = true; // on its way between two live nodes: ask again
            } else if (f.copyVersion < 0) {
                takeOver(p, new long[dsm.config.pageSize() / 8], 1, c.subject); // never written
            } else if (f.copyHolder == dsm.self) {
                long[] data;
                long version;
                synchronized (p) {
                    data = p.newestCopy().clone();
                    version = p.copyVersion();
                }
                takeOver(p, data, version, c.subject);
            } else {
                fetch.computeIfAbsent(f.copyHolder, k -> new ArrayList<>()).add(number);
            }
        }
        for (Map.Entry<Integer, List<Long>> e : fetch.entrySet()) {
            dsm.send(e.getKey(), FrameKind.CENSUS, ReplicaWire.census(dsm.link.alloc(), new ReplicaWire.Census(c.id,
                    dsm.tick(), ReplicaWire.FETCH, c.subject, e.getValue().stream().mapToLong(Long::longValue)
                            .toArray())));
        }
        if (retry) {
            long gen = generationNow();
            dsm.link.schedule(() -> startCensus(gen, c.subject), RETRY_NANOS);
        }
    }

    /** The page has a live owner: it becomes this manager's record again. */
    private void settle(Page p, int owner) {
        synchronized (p) {
            if (!p.recovering || !dsm.link.isLive(owner)) {
                return; // settled, or its owner died since it answered: the next census decides
            }
            p.recovering = false;
            if (!p.owner) {
                p.probOwner = owner;
            }
            p.notifyAll();
            dsm.coherence.refault(p);
            dsm.coherence.drain(p);
        }
    }

    /** Nobody owns the page: this manager does, with the newest copy there is, two versions higher. */
    private void takeOver(Page p, long[] data, long version, int dead) {
        synchronized (p) {
            if (!p.recovering) {
                return;
            }
            p.recovering = false;
            p.owner = true;
            p.data = data;
            p.epochBase = Math.max(version, p.version);
            // two above: a write that failed at the dead owner after its backup kept the copy left the owner's
            // contents at the version after the copy's, which readers may have seen
            p.version = p.epochBase + 2;
            p.copyset.clear();
            p.probOwner = dsm.self;
            p.gave = false;
            p.state = Page.WRITE;
            dsm.event(Kind.OWNERSHIP_GAINED, p.number, dead, p.region.name());
            LOG.log(System.Logger.Level.INFO, "Node ''{0}'': took over {1} at version {2} after ''{3}'' died",
                    dsm.link.self().name(), Dsm.describe(p), version, dsm.nameOf(dead));
            dsm.backup.protect(p);
            p.notifyAll();
            dsm.coherence.refault(p);
            dsm.coherence.drain(p);
        }
    }
}
