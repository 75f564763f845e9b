package dev.iris.runtime.internal.dsm;

import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.internal.Log;
import dev.iris.runtime.internal.store.PageLog;
import dev.iris.runtime.transport.FrameFormatException;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.ReplicaWire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Backup copies of pages ({@code MemoryConfig.backup}): before a write to an owned page returns,
 * the page's new contents go to a backup node (the first live manager other than the owner, from
 * the page's manager on) and wait for its acknowledgement; only then does the write take effect
 * here, so nobody (not even a reader on this node) sees a write that a death could lose. A
 * transaction's commit sends all its pages together to the backup of each, which keeps them all or
 * none. The backups' copies are what {@link Recovery} gives a dead owner's pages from.
 *
 * <p>In a persistent memory ({@link Durable}) a backup logs a copy, and forces it, before it
 * acknowledges it, and the owner logs its write once every backup has acknowledged it, then lets it
 * take effect: an acknowledged write is on two disks, and no log holds a version its page's backup
 * lacks, so the version a census gives a dead owner's page is above every version that owner logged.
 */
final class Backup implements PageStore {
    private static final System.Logger LOG = Log.of(Backup.class);
    private final Dsm dsm;
    /** The page log of a persistent memory; null otherwise. */
    private final Durable durable;
    private final AtomicLong tokens;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    /** Held while a replica is stored or a census answer is built: a commit's pages are seen all or none. */
    final Object store = new Object();

    /** Pages on their way to backups. */
    static final class Pending {
        final long token;
        final List<ReplicaWire.Copy> pages;
        final Set<Integer> awaiting = new LinkedHashSet<>();
        /** Per page, the backup its copy went to last. */
        final Map<Long, Integer> target = new HashMap<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        /** Runs (on the acknowledging thread) once every backup has the pages; then {@link #done} completes. */
        final Consumer<Pending> onStored;

        Pending(long token, List<ReplicaWire.Copy> pages, Consumer<Pending> onStored) {
            this.token = token;
            this.pages = pages;
            this.onStored = onStored;
        }
    }

    Backup(Dsm dsm, Durable durable) {
        this.dsm = dsm;
        this.durable = durable;
        this.tokens = new AtomicLong(dsm.link.random().nextLong(1, Long.MAX_VALUE / 2));
    }

    /** The backup for this node's page {@code page}: the first live manager from the page's manager on, not this node. */
    int backupOf(long page) {
        return dsm.firstManager(page, m -> m != dsm.self && dsm.link.isLive(m));
    }

    /**
     * Starts copying {@code next}, the contents of owned page {@code p} after a write, to its
     * backup (holding p's monitor). The write takes effect ({@code p.data = next}, {@code p.version
     * = version}) when the backup has it; until then the page is busy, and readers and
     * transactions see it as it was.
     */
    @Override
    public Pending write(Page p, long[] next, long version) {
        Pending w = new Pending(tokens.incrementAndGet(), List.of(new ReplicaWire.Copy(p.number, version, next)),
                stored -> {
                    synchronized (p) {
                        if (p.replicating == stored) {
                            p.data = next;
                            p.version = version;
                            p.replicating = null;
                            if (!dsm.link.isLive(p.backupNode)) {
                                protect(p); // the backup that has it died just now
                            }
                            dsm.released(p);
                        }
                    }
                });
        p.replicating = w;
        start(w);
        return w;
    }

    /** Copies the current contents of owned page {@code p} to its backup (after it was taken over, or its backup died). */
    void protect(Page p) {
        if (p.replicating == null && p.pinned == null && p.owner && p.data != null) {
            write(p, p.data, p.version); // a pinned page is protected as it is unpinned
        }
    }

    /** Starts copying a committing transaction's pages (all pinned by it), together, to the backups of each. */
    @Override
    public Pending commit(List<ReplicaWire.Copy> pages) {
        Pending w = new Pending(tokens.incrementAndGet(), pages, stored -> { });
        start(w);
        return w;
    }

    /** Waits until {@code w}'s backups have it; a write that is not confirmed in time may still take effect. */
    @Override
    public void await(Pending w, String what) {
        dsm.await(w.done, () -> what + " was not confirmed by its backup" + (durable != null ? " and made durable" : "")
                + " (it may still take effect)", timedOut -> { });
    }

    private void start(Pending w) {
        pending.put(w.token, w);
        String failure;
        synchronized (w) {
            failure = sendToBackups(w);
        }
        if (failure != null) {
            fail(w, failure);
        }
        finishIfStored(w);
    }

    /** Sends w to the backups of its pages it has not gone to yet (holding w); returns why it cannot, or null. */
    private String sendToBackups(Pending w) {
        for (ReplicaWire.Copy c : w.pages) {
            for (int attempt = 0; ; attempt++) {
                int node = backupOf(c.page());
                if (node == 0 || attempt == dsm.managers.length) {
                    return "no other manager is live to keep a backup copy";
                }
                boolean sent = w.target.containsValue(node);
                if (sent || dsm.send(node, FrameKind.REPLICA, ReplicaWire.replica(dsm.link.alloc(), w.token,
                        dsm.tick(), w.pages))) {
                    if (!sent) {
                        w.awaiting.add(node);
                    }
                    w.target.put(c.page(), node);
                    break;
                } // else it died just now: try the next
            }
        }
        return null;
    }

    private void finishIfStored(Pending w) {
        boolean stored;
        synchronized (w) {
            stored = w.awaiting.isEmpty() && !w.target.isEmpty() && !w.done.isDone();
        }
        if (stored && pending.remove(w.token, w)) {
            for (ReplicaWire.Copy c : w.pages) {
                Page p = dsm.pageNumber(c.page());
                synchronized (p) {
                    synchronized (w) {
                        p.backupNode = w.target.get(c.page());
                    }
                }
            }
            if (durable == null) {
                w.onStored.accept(w);
                w.done.complete(null);
                return;
            }
            durable.log(images(w.pages), () -> "a write of pages " + numbers(w)).whenComplete((logged, failure) -> {
                if (failure == null) {
                    w.onStored.accept(w);
                    w.done.complete(null);
                } else {
                    notTaken(w);
                    w.done.completeExceptionally(failure);
                }
            });
        }
    }

    private static List<PageLog.Image> images(List<ReplicaWire.Copy> copies) {
        return copies.stream().map(c -> new PageLog.Image(c.page(), c.version(), c.data())).toList();
    }

    private static List<Long> numbers(Pending w) {
        return w.pages.stream().map(ReplicaWire.Copy::page).toList();
    }

    /**
     * w does not take effect on its pages. A backup (or a log) may keep its copy at its version, so
     * the page's contents, as they stay, get a version of their own after it: a copy of them sent
     * later (to a new backup, to a new owner) never carries a version that names other contents.
     */
    private void notTaken(Pending w) {
        for (ReplicaWire.Copy c : w.pages) {
            Page p = dsm.pageNumber(c.page());
            synchronized (p) {
                if (p.replicating == w) {
                    p.version = Math.max(p.version, c.version() + 1);
                    p.replicating = null;
                    dsm.released(p);
                }
            }
        }
    }

    private void fail(Pending w, String why) {
        if (pending.remove(w.token, w)) {
            notTaken(w);
            w.done.completeExceptionally(new MemoryException("a write of pages " + numbers(w) + " on node '"
                    + dsm.link.self().name() + "' failed: " + why));
        }
    }

    // ------------------------------------------------------------------ frames

    void onFrame(int from, FrameKind kind, ByteBuf in) {
        switch (kind) {
            case REPLICA -> onReplica(from, ReplicaWire.readReplica(in, dsm.config.pageSize()));
            case REPLICA_ACK -> onAck(from, ReplicaWire.readAck(in));
            default -> throw new FrameFormatException("not a backup frame: " + kind);
        }
    }

    private void onReplica(int from, ReplicaWire.Replica r) {
        dsm.receive(r.clock());
        List<Page> pages = new ArrayList<>(r.pages().size());
        for (ReplicaWire.Copy c : r.pages()) {
            Page p = dsm.pageNumber(c.page());
            if (p == null || p.model == Page.RELEASE) {
                throw new FrameFormatException("backup copy of page " + c.page() + ", which has no backup on node '"
                        + dsm.link.self().name() + "'");
            }
            pages.add(p);
        }
        if (durable == null) {
            keep(pages, r);
            acknowledge(from, r.token(), true);
            return;
        }
        durable.log(images(r.pages()), () -> "a backup copy of pages " + r.pages().stream().map(ReplicaWire.Copy::page)
                .toList() + " from node '" + dsm.nameOf(from) + "'").whenComplete((logged, failure) -> {
                    if (failure == null) {
                        keep(pages, r); // a copy in memory is one on the disk
                    } else { // refused: the owner's write fails
                        LOG.log(System.Logger.Level.WARNING, "Node ''{0}'': {1}", dsm.link.self().name(),
                                failure.getMessage());
                    }
                    acknowledge(from, r.token(), failure == null);
                });
    }

    /** Keeps r's copies of {@code pages}, all of them at once for a census, each unless a newer one is here. */
    private void keep(List<Page> pages, ReplicaWire.Replica r) {
        synchronized (store) {
            for (int i = 0; i < pages.size(); i++) {
                Page p = pages.get(i);
                ReplicaWire.Copy c = r.pages().get(i);
                synchronized (p) {
                    if (c.version() >= p.replicaVersion) {
                        p.replica = c.data();
                        p.replicaVersion = c.version();
                    }
                }
            }
        }
    }

    private void acknowledge(int owner, long token, boolean stored) {
        dsm.send(owner, FrameKind.REPLICA_ACK, ReplicaWire.ack(dsm.link.alloc(), new ReplicaWire.Ack(token,
                dsm.tick(), stored)));
    }

    private void onAck(int from, ReplicaWire.Ack a) {
        dsm.receive(a.clock());
        Pending w = pending.get(a.token());
        if (w != null && !a.stored()) {
            fail(w, "its backup, node '" + dsm.nameOf(from) + "', could not make the copy durable (its page log "
                    + "failed: see that node's log); the write may or may not have taken effect");
        } else if (w != null) {
            synchronized (w) {
                w.awaiting.remove(from);
            }
            finishIfStored(w);
        }
    }

    // ------------------------------------------------------------------ failures

    /** {@code node} died: writes waiting for it go to the next backup; pages it kept copies of are copied again. */
    void nodeDied(int node) {
        if (dsm.link.stopping()) {
            fence("node '" + dsm.link.self().name() + "' is being stopped");
            return;
        }
        for (Pending w : pending.values()) {
            String failure = null;
            synchronized (w) {
                if (w.awaiting.remove(node)) {
                    failure = sendToBackups(w);
                }
            }
            if (failure != null) {
                fail(w, failure);
            }
            finishIfStored(w);
        }
        for (Page p : dsm.pages) {
            synchronized (p) {
                if (p.backupNode == node && p.owner && p.model != Page.RELEASE) {
                    protect(p);
                }
            }
        }
    }

    /** This node lost the majority: writes not yet stored fail (the other side may still have them). */
    void fence(String why) {
        for (Pending w : pending.values()) {
            fail(w, why + "; the write may or may not have taken effect");
        }
    }
}
