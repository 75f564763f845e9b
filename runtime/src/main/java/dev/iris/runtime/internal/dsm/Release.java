package dev.iris.runtime.internal.dsm;

import dev.iris.runtime.dsm.MemoryEvent.Kind;
import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.internal.Log;
import dev.iris.runtime.internal.store.PageLog;
import dev.iris.runtime.transport.FrameFormatException;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.PageWire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Release consistency with multiple writers, home based (Munin, TreadMarks; HLRC). Every page has
 * a home node that keeps its master copy. A node reads and writes its own copy; before its first
 * write since the last release it keeps a twin. A release (lock release, barrier arrival)
 * sends the words that differ from the twins to the homes and waits until they are applied; the
 * homes' new versions are the write notices that the lock or barrier passes on. An acquire (lock
 * grant, barrier pass) drops the copies older than its notices, so the next access fetches the
 * master. Several nodes may write one page between synchronizations: their diffs merge at the home.
 *
 * <p>A diff is sent while its page's monitor is held, and a fetch of that page only later, on the
 * same connection to the home: the home has applied a node's own writes before it answers that
 * node's next fetch.
 *
 * <p>In a persistent memory the home logs each new master, and only once it is on the disk does
 * the master change and the diff's acknowledgement go: the release that publishes a write returns
 * once the write is durable, and no fetch sees a master that a crash could take back. Diffs and
 * fetches of a page wait while its master is being logged, and at start until the memory opens,
 * and are then served in the order they came.
 */
final class Release {
    private static final System.Logger LOG = Log.of(Release.class);
    private final Dsm dsm;
    private final AtomicLong ids = new AtomicLong();
    /** Pages this node wrote since its last release. */
    private final Set<Page> dirty = ConcurrentHashMap.newKeySet();
    /** Diffs of this node not yet acknowledged by their home, by diff id. */
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    /** Per page, the newest master version that has this node's writes: the notices of its releases. */
    private final Map<Long, Long> published = new ConcurrentHashMap<>();

    private record Pending(int home, long page, CompletableFuture<Long> applied) {
    }

    Release(Dsm dsm) {
        this.dsm = dsm;
    }

    /**
     * Runs {@code task} on home page p's master (holding p's monitor): now, or once the memory has
     * opened and no change of the master is being logged.
     */
    private void atHome(Page p, Runnable task) {
        synchronized (p) {
            if (p.recovering || p.masterLogging || p.masterWaiting != null && !p.masterWaiting.isEmpty()) {
                if (p.masterWaiting == null) {
                    p.masterWaiting = new ArrayDeque<>();
                }
                p.masterWaiting.add(task);
            } else {
                task.run();
            }
        }
    }

    /** Runs what waits for p's master, in order, until a change is being logged again (holding p's monitor). */
    void drain(Page p) {
        while (p.masterWaiting != null && !p.masterWaiting.isEmpty() && !p.recovering && !p.masterLogging) {
            try {
                p.masterWaiting.poll().run();
            } catch (RuntimeException e) { // the rest must not be stranded
                LOG.log(System.Logger.Level.ERROR, "Node '" + dsm.link.self().name() + "': serving "
                        + Dsm.describe(p) + " failed", e);
            }
        }
    }

    /** Starts fetching {@code p} from its home's master (holding p's monitor; see {@link Coherence#readFault}). */
    Page.Fault startFetch(Page p) {
        Page.Fault f = new Page.Fault(PageWire.FETCH, ids.incrementAndGet());
        p.fault = f;
        p.readFaults++;
        dsm.event(Kind.READ_FAULT, p.number, 0, p.region.name());
        f.sentTo = p.home;
        if (p.home == dsm.self) {
            // after this node's own diffs that are being logged, as a peer's fetch is
            atHome(p, () -> {
                if (p.fault == f) {
                    install(p, f, p.master.clone(), p.masterVersion);
                }
            });
        } else {
            f.wait = dsm.faultWait(f);
            requestFetch(p, f);
        }
        return f;
    }

    private void requestFetch(Page p, Page.Fault f) {
        if (!dsm.send(p.home, FrameKind.PAGE_REQUEST, PageWire.request(dsm.link.alloc(),
                new PageWire.Request(PageWire.FETCH, p.number, dsm.self, f.id, dsm.tick(), 0)), f.unarmedWait())) {
            failed(p, f, "its home, node '" + dsm.nameOf(p.home) + "', is not a live member");
        }
    }

    private void install(Page p, Page.Fault f, long[] data, long version) {
        p.data = data;
        p.version = version;
        p.state = Page.READ;
        p.fault = null;
        f.complete(data);
    }

    private void failed(Page p, Page.Fault f, String why) {
        if (p.fault == f) {
            p.fault = null;
        }
        f.fail(new MemoryException("cannot access " + Dsm.describe(p) + " from node '"
                + dsm.link.self().name() + "': " + why));
    }

    /** Makes this node's copy of {@code p} writable: fetched if needed, twinned before the first write. */
    void makeDirty(Page p) {
        while (true) {
            synchronized (p) {
                if (p.state == Page.WRITE) {
                    return;
                }
                if (p.state == Page.READ) {
                    p.twin = p.data.clone();
                    p.state = Page.WRITE;
                    p.writeFaults++;
                    dirty.add(p);
                    return;
                }
            }
            dsm.coherence.readFault(p);
        }
    }

    /**
     * Sends the words of {@code p} that differ from its twin to its home (holding p's monitor, p
     * dirty); the copy becomes clean. Its version stays the fetched one, so that the notice of this
     * very diff drops it at the next acquire.
     */
    private void sendDiff(Page p) {
        List<Integer> indexes = new ArrayList<>();
        List<Long> words = new ArrayList<>();
        for (int i = 0; i < p.data.length; i++) {
            if (p.data[i] != p.twin[i]) {
                indexes.add(i);
                words.add(p.data[i]);
            }
        }
        PageWire.Diff diff = new PageWire.Diff(p.number, ids.incrementAndGet(), dsm.tick(),
                indexes.stream().mapToInt(Integer::intValue).toArray(),
                words.stream().mapToLong(Long::longValue).toArray());
        Pending diffPending = new Pending(p.home, p.number, new CompletableFuture<>());
        // pending before the page leaves the dirty set: a flush of another thread finds one or the other
        pending.put(diff.diffId(), diffPending);
        p.twin = null;
        p.state = Page.READ;
        dirty.remove(p);
        if (p.home == dsm.self) {
            atHome(p, () -> apply(p, diff, version -> applied(diff.diffId(), diffPending, version)));
            return;
        }
        if (!dsm.send(p.home, FrameKind.DIFF, PageWire.diff(dsm.link.alloc(), diff))) {
            pending.remove(diff.diffId());
            diffPending.applied().completeExceptionally(new MemoryException("cannot publish the writes to "
                    + Dsm.describe(p) + ": its home, node '" + dsm.nameOf(p.home) + "', is not a live member"));
            throw new MemoryException("cannot publish the writes to " + Dsm.describe(p) + ": its home, node '"
                    + dsm.nameOf(p.home) + "', is not a live member");
        }
    }

    /**
     * Publishes this node's writes: sends every dirty page's diff to its home and waits until all
     * of this node's diffs (also those another thread sent just before) are applied.
     *
     * @return the write notices: per page, the newest master version with this node's writes
     */
    Map<Long, Long> flush() {
        for (Page p : dirty.stream().sorted(Comparator.comparingLong(d -> d.number)).toList()) {
            synchronized (p) {
                if (p.state == Page.WRITE) {
                    sendDiff(p);
                }
            }
        }
        MemoryException failed = null;
        for (Map.Entry<Long, Pending> e : List.copyOf(pending.entrySet())) {
            try {
                dsm.await(e.getValue().applied(), () -> "publishing the writes to page " + e.getValue().page(),
                        timedOut -> pending.remove(e.getKey()));
            } catch (MemoryException x) {
                failed = failed != null ? failed : x;
            } finally {
                if (e.getValue().applied().isDone()) {
                    pending.remove(e.getKey(), e.getValue()); // a failed diff stays until a flush reports it
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
        return new TreeMap<>(published); // by page: the same order in every JVM
    }

    /** The write notices of this node's releases so far: per page, the newest master version with its writes. */
    Map<Long, Long> published() {
        return new TreeMap<>(published); // by page: the same order in every JVM
    }

    /**
     * Drops this node's copies older than the notices; its own writes to such a page go to the
     * home first (and arrive there before the fetch that follows).
     */
    void acquire(Map<Long, Long> notices) {
        for (Map.Entry<Long, Long> notice : notices.entrySet()) {
            Page p = dsm.pageNumber(notice.getKey());
            if (p == null || p.model != Page.RELEASE) {
                continue;
            }
            synchronized (p) {
                p.minValid = Math.max(p.minValid, notice.getValue()); // also for a fetch under way
                if (p.version < notice.getValue()) {
                    if (p.state == Page.WRITE) {
                        sendDiff(p);
                    }
                    if (p.state == Page.READ) {
                        p.state = Page.INVALID;
                        p.invalidations++;
                        dsm.event(Kind.INVALIDATED, p.number, 0, p.region.name());
                    }
                }
            }
        }
    }

    /**
     * Applies {@code diff} to home page p's master (holding p's monitor) and tells {@code applied}
     * the master's new version: at once, or in a persistent memory once the new master is durable
     * (-1 if it could not be made so: the master stays as it was, and the log takes no more).
     */
    private void apply(Page p, PageWire.Diff diff, LongConsumer applied) {
        long[] next = dsm.durable() != null ? p.master.clone() : p.master;
        for (int i = 0; i < diff.indexes().length; i++) {
            next[diff.indexes()[i]] = diff.words()[i];
        }
        long version = p.masterVersion + 1;
        if (dsm.durable() == null) {
            p.masterVersion = version;
            applied.accept(version);
            return;
        }
        p.masterLogging = true;
        dsm.durable().log(List.of(new PageLog.Image(p.number, version, next)),
                () -> "the writes released to " + Dsm.describe(p))
                .whenComplete((durable, failure) -> {
                    synchronized (p) {
                        if (failure == null) {
                            p.master = next;
                        } else {
                            LOG.log(System.Logger.Level.ERROR, "Node ''{0}'': {1}", dsm.link.self().name(),
                                    failure.getMessage());
                        }
                        p.masterVersion = version; // a failed record may be on the disk: its version is used
                        p.masterLogging = false;
                        try {
                            applied.accept(failure == null ? version : -1);
                        } finally {
                            drain(p);
                        }
                    }
                });
    }

    /** This node's diff {@code id} was applied at its home as {@code version} (-1: it failed there). */
    private void applied(long id, Pending diff, long version) {
        if (version < 0) {
            Page p = dsm.pageNumber(diff.page());
            synchronized (p) {
                if (p.state == Page.READ) {
                    p.state = Page.INVALID; // its copy has writes the master does not: fetch the master again
                }
            }
            // stays pending until a flush reports it (the release that sent it, or the next one)
            diff.applied().completeExceptionally(new MemoryException("the writes released to page " + diff.page()
                    + " could not be made durable on its home, node '" + dsm.nameOf(diff.home()) + "' (its log "
                    + "says why); they may come back when the cluster restarts"));
            return;
        }
        published.merge(diff.page(), version, Math::max); // before anyone waiting sees it applied
        pending.remove(id);
        diff.applied().complete(version);
    }

    // ------------------------------------------------------------------ frames

    void onFetch(Page p, PageWire.Request r) {
        if (p.master == null) {
            throw new FrameFormatException("node '" + dsm.link.self().name() + "' is not the home of " + Dsm.describe(p));
        }
        atHome(p, () -> {
            dsm.send(r.requester(), FrameKind.PAGE, PageWire.page(dsm.link.alloc(), PageWire.FETCH, p.number,
                    r.faultId(), dsm.tick(), p.masterVersion, new int[0], p.master, null));
            dsm.event(Kind.PAGE_SENT, p.number, r.requester(), p.region.name());
        });
    }

    void onPage(int from, Page p, PageWire.Page g) {
        synchronized (p) {
            Page.Fault f = p.fault;
            if (f == null || f.id != g.faultId() || f.mode != PageWire.FETCH) {
                return;
            }
            if (g.version() < p.minValid) {
                requestFetch(p, f); // older than a notice acquired meanwhile: ask again
                return;
            }
            install(p, f, g.data(), g.version());
            dsm.event(Kind.PAGE_RECEIVED, p.number, from, p.region.name());
        }
    }

    void onFrame(int from, FrameKind kind, ByteBuf in) {
        if (kind == FrameKind.DIFF) {
            PageWire.Diff diff = PageWire.readDiff(in, dsm.config.pageSize());
            dsm.receive(diff.clock());
            Page p = dsm.pageNumber(diff.page());
            if (p == null || p.master == null) {
                throw new FrameFormatException("diff for page " + diff.page() + ", whose home is not node '"
                        + dsm.link.self().name() + "'");
            }
            atHome(p, () -> apply(p, diff, version -> dsm.send(from, FrameKind.DIFF_ACK, PageWire.diffAck(
                    dsm.link.alloc(), new PageWire.DiffAck(diff.page(), diff.diffId(), dsm.tick(), version)))));
        } else {
            PageWire.DiffAck ack = PageWire.readDiffAck(in);
            dsm.receive(ack.clock());
            Pending p = pending.get(ack.diffId());
            if (p != null && p.home() == from && p.page() == ack.page()) {
                applied(ack.diffId(), p, ack.version());
            }
        }
    }

    void nodeDied(int node) {
        pending.forEach((id, p) -> {
            if (p.home() == node && pending.remove(id, p)) {
                p.applied().completeExceptionally(new MemoryException("cannot publish writes to page " + p.page()
                        + ": its home, node '" + dsm.nameOf(node) + "', died"));
            }
        });
        for (Page p : dsm.pages) {
            if (p.model == Page.RELEASE && p.home == node) {
                synchronized (p) {
                    if (p.fault != null) {
                        failed(p, p.fault, "its home, node '" + dsm.nameOf(node) + "', died");
                    }
                }
            }
        }
    }
}
