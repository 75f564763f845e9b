package dev.iris.runtime.internal.dsm;

import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.transport.FrameFormatException;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.PageWire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Release consistency with multiple writers, home based (Munin, TreadMarks; HLRC). Every page has
 * a home node that keeps its master copy. A node reads and writes its own copy; before its first
 * write since the last release it keeps a twin. A release (lock release, barrier arrival)
 * sends the words that differ from the twins to the homes and waits until they are applied; the
 * homes' new versions are the write notices that the lock or barrier passes on. An acquire (lock
 * grant, barrier pass) drops the copies older than its notices, so the next access fetches the
 * master. Several nodes may write one page between synchronizations: their diffs merge at the home.
 */
final class Release {
    private final Dsm dsm;
    private final AtomicLong ids = new AtomicLong();
    /** Pages this node wrote since its last release. */
    private final Set<Page> dirty = ConcurrentHashMap.newKeySet();
    private final Map<Long, CompletableFuture<Long>> diffs = new ConcurrentHashMap<>();
    private final Map<Long, Integer> diffHomes = new ConcurrentHashMap<>();

    Release(Dsm dsm) {
        this.dsm = dsm;
    }

    /** Starts fetching {@code p} from its home's master (holding p's monitor; see {@link Coherence#readFault}). */
    Page.Fault startFetch(Page p) {
        Page.Fault f = new Page.Fault(PageWire.FETCH, ids.incrementAndGet());
        p.fault = f;
        p.readFaults++;
        dsm.event(dev.iris.runtime.dsm.MemoryEvent.Kind.READ_FAULT, p.number, 0, p.region.name());
        f.sentTo = p.home;
        if (p.home == dsm.self) {
            install(p, f, p.master.clone(), p.masterVersion);
        } else if (!dsm.send(p.home, FrameKind.PAGE_REQUEST, PageWire.request(dsm.link.alloc(),
                new PageWire.Request(PageWire.FETCH, p.number, dsm.self, f.id, dsm.tick(), 0)))) {
            failed(p, f, "its home, node '" + dsm.nameOf(p.home) + "', is not a live member");
        }
        return f;
    }

    private void install(Page p, Page.Fault f, long[] data, long version) {
        p.data = data;
        p.version = version;
        p.state = Page.READ;
        p.fault = null;
        f.done.complete(data);
    }

    private void failed(Page p, Page.Fault f, String why) {
        if (p.fault == f) {
            p.fault = null;
        }
        f.done.completeExceptionally(new MemoryException("cannot access " + Dsm.describe(p) + " from node '"
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
     * Publishes this node's writes: sends every dirty page's diff to its home and waits until all
     * are applied.
     *
     * @return the write notices: page to the master version that has the writes
     */
    Map<Long, Long> flush() {
        if (dirty.isEmpty()) {
            return Map.of();
        }
        Map<Long, CompletableFuture<Long>> pending = new HashMap<>();
        for (Page p : List.copyOf(dirty)) {
            dirty.remove(p);
            List<Integer> indexes = new ArrayList<>();
            List<Long> words = new ArrayList<>();
            synchronized (p) {
                if (p.state != Page.WRITE) {
                    continue;
                }
                for (int i = 0; i < p.data.length; i++) {
                    if (p.data[i] != p.twin[i]) {
                        indexes.add(i);
                        words.add(p.data[i]);
                    }
                }
                p.twin = null;
                p.state = Page.READ; // its version stays the fetched one: a notice of this very diff drops it
            }
            PageWire.Diff diff = new PageWire.Diff(p.number, ids.incrementAndGet(), dsm.tick(),
                    indexes.stream().mapToInt(Integer::intValue).toArray(),
                    words.stream().mapToLong(Long::longValue).toArray());
            CompletableFuture<Long> applied = new CompletableFuture<>();
            if (p.home == dsm.self) {
                applied.complete(apply(p, diff));
            } else {
                diffs.put(diff.diffId(), applied);
                diffHomes.put(diff.diffId(), p.home);
                if (!dsm.send(p.home, FrameKind.DIFF, PageWire.diff(dsm.link.alloc(), diff))) {
                    diffs.remove(diff.diffId());
                    applied.completeExceptionally(new MemoryException("cannot publish the writes to " + Dsm.describe(p)
                            + ": its home, node '" + dsm.nameOf(p.home) + "', is not a live member"));
                }
            }
            pending.put(p.number, applied);
        }
        Map<Long, Long> notices = new HashMap<>();
        for (Map.Entry<Long, CompletableFuture<Long>> e : pending.entrySet()) {
            notices.put(e.getKey(), dsm.await(e.getValue(), "publishing the writes to page " + e.getKey(), true,
                    () -> { }));
        }
        return notices;
    }

    /** Drops this node's copies older than the notices (after publishing its own writes to those pages). */
    void acquire(Map<Long, Long> notices) {
        if (notices.isEmpty()) {
            return;
        }
        for (Map.Entry<Long, Long> notice : notices.entrySet()) {
            Page p = dsm.pageNumber(notice.getKey());
            if (p != null && p.state == Page.WRITE && p.version < notice.getValue()) {
                flush(); // this node's own writes to a page about to be dropped go to the home first
                break;
            }
        }
        for (Map.Entry<Long, Long> notice : notices.entrySet()) {
            Page p = dsm.pageNumber(notice.getKey());
            if (p == null || p.model != Page.RELEASE) {
                continue;
            }
            synchronized (p) {
                if (p.state == Page.READ && p.version < notice.getValue()) {
                    p.state = Page.INVALID;
                    p.invalidations++;
                    dsm.event(dev.iris.runtime.dsm.MemoryEvent.Kind.INVALIDATED, p.number, 0, p.region.name());
                }
            }
        }
    }

    private long apply(Page p, PageWire.Diff diff) {
        synchronized (p) {
            for (int i = 0; i < diff.indexes().length; i++) {
                p.master[diff.indexes()[i]] = diff.words()[i];
            }
            return ++p.masterVersion;
        }
    }

    // ------------------------------------------------------------------ frames

    void onFetch(Page p, PageWire.Request r) {
        if (p.master == null) {
            throw new FrameFormatException("node '" + dsm.link.self().name() + "' is not the home of " + Dsm.describe(p));
        }
        long[] master;
        long version;
        synchronized (p) {
            master = p.master;
            version = p.masterVersion;
            dsm.send(r.requester(), FrameKind.PAGE, PageWire.page(dsm.link.alloc(), PageWire.FETCH, p.number,
                    r.faultId(), dsm.tick(), version, new int[0], master));
        }
        dsm.event(dev.iris.runtime.dsm.MemoryEvent.Kind.PAGE_SENT, p.number, r.requester(), p.region.name());
    }

    void onPage(int from, Page p, PageWire.Page g) {
        synchronized (p) {
            Page.Fault f = p.fault;
            if (f != null && f.id == g.faultId() && f.mode == PageWire.FETCH) {
                install(p, f, g.data(), g.version());
                dsm.event(dev.iris.runtime.dsm.MemoryEvent.Kind.PAGE_RECEIVED, p.number, from, p.region.name());
            }
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
            long version = apply(p, diff);
            dsm.send(from, FrameKind.DIFF_ACK, PageWire.diffAck(dsm.link.alloc(),
                    new PageWire.DiffAck(diff.page(), diff.diffId(), dsm.tick(), version)));
        } else {
            PageWire.DiffAck ack = PageWire.readDiffAck(in);
            dsm.receive(ack.clock());
            CompletableFuture<Long> applied = diffs.remove(ack.diffId());
            diffHomes.remove(ack.diffId());
            if (applied != null) {
                applied.complete(ack.version());
            }
        }
    }

    void nodeDied(int node) {
        diffHomes.forEach((id, home) -> {
            if (home == node) {
                CompletableFuture<Long> applied = diffs.remove(id);
                diffHomes.remove(id);
                if (applied != null) {
                    applied.completeExceptionally(new MemoryException("cannot publish writes: the home node '"
                            + dsm.nameOf(node) + "' died"));
                }
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
