package dev.iris.runtime.internal.dsm;

import dev.iris.runtime.dsm.MemoryEvent.Kind;
import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.dsm.PageManagement;
import dev.iris.runtime.internal.LoopDeadline;
import dev.iris.runtime.transport.FrameFormatException;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.PageWire;
import io.netty.buffer.ByteBuf;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * IVY's write-invalidate coherence for sequentially consistent pages, with the fixed or the
 * dynamic distributed manager (Li and Hudak 1989). One instance per node; every method that
 * touches a page holds its monitor, so protocol steps and local accesses to one page are
 * serialized, and frames to one peer leave in the order of those steps.
 *
 * <p>A fault sends a request to the page's manager (fixed) or probable owner (dynamic); a node
 * that is not the owner forwards it and, for a write, remembers the requester as the new probable
 * owner. The owner answers a read with a copy (and adds the reader to its copyset), a write with
 * the page, its ownership and the copyset; the new owner invalidates the copies before its write
 * proceeds. A node that is becoming the owner, or holds a page that just arrived for a waiting
 * writer, queues requests until that writer wrote once: concurrent faults wait, they are not
 * duplicated, and two nodes writing one page in turn both make progress. Versions (one per write
 * epoch) let a node discard a copy that was invalidated before it arrived. A node whose
 * invalidated copy was read since it arrived asks for the next one with the acknowledgement
 * ({@link #startRefetch}).
 *
 * <p>Some frames leave on whichever connection to their peer the event loop that handles the
 * step serves ({@link dev.iris.runtime.internal.PeerLink#sendUnordered}), so that a step on a loop
 * wakes no other thread: read copies, invalidations' acknowledgements, and, when the memory keeps no
 * backup copies (whose replicas and census replies must stay in order with ownership), pages with
 * their ownership and forwarded requests. Every other frame to a peer goes on this node's own
 * connection to it, in order. The first may therefore pass, or be passed by, this node's other frames
 * to the same peer; no order among them matters to the protocol:
 * <ul>
 * <li>A read copy carries its version. An invalidation this node sends later, as the page's next
 * writer, carries a higher one; if it arrives first, the reader's {@code minValid} rises above the
 * copy's version and the copy is discarded and asked for again, as when the copy and the
 * invalidation come from two nodes.
 * <li>A page with its ownership may be passed by a request this node then forwards to the new owner,
 * or by its own next request for the page: the new owner's write fault is still open, and it queues
 * them until its write is done. An invalidation this node sent before, as an owner, was
 * acknowledged before that write completed, so none is still on its way.
 * <li>Requests for a page race one another from many nodes anyway; one that reaches a node that no
 * longer owns the page is forwarded along its probable owners.
 * <li>A copy whose fault gave up, passed by a later fault's answer, matches no fault and is dropped.
 * <li>A writer counts acknowledgements by node and fault id only, and queues every request for the
 * page until its write is done, whichever connection brought it; also the read request an
 * acknowledgement carries, which a node that gave the page away meanwhile forwards as any other.
 * </ul>
 */
final class Coherence {
    /** A request forwarded more often than this is refused (a probable-owner cycle would be a bug). */
    private static final int MAX_HOPS = 64;
    /** A search for the owner by broadcast gives up after this many rounds that found it moving. */
    static final int MAX_ROUNDS = 16;

    private final Dsm dsm;
    /** The nodes this node has seen die (a fixed manager among them no longer routes its pages). */
    private final Set<Integer> died = ConcurrentHashMap.newKeySet();
    // random start: a late answer to a previous incarnation of this node matches no new fault
    private final long firstFaultId;
    private final AtomicLong faultIds;

    Coherence(Dsm dsm) {
        this.dsm = dsm;
        this.firstFaultId = dsm.link.random().nextLong(1, Long.MAX_VALUE / 2);
        this.faultIds = new AtomicLong(firstFaultId);
    }

    // ------------------------------------------------------------------ faults of local accesses

    /**
     * Obtains a read copy of {@code p} (under release consistency: from its home); returns a copy
     * that was current at some moment of the call.
     */
    long[] readFault(Page p) {
        while (true) {
            Page.Fault f;
            boolean started = false;
            if (dsm.recovery != null && p.model != Page.RELEASE) {
                dsm.recovery.admit();
            } else {
                dsm.awaitManagers("a read fault");
            }
            synchronized (p) {
                if (p.recovering) {
                    dsm.awaitRecovered(p);
                }
                if (p.state != Page.INVALID) {
                    return p.data; // it came meanwhile: as for the access it came for, no use of it
                }
                f = p.fault;
                if (f == null) {
                    f = p.model == Page.RELEASE ? dsm.release.startFetch(p) : startRead(p);
                    started = true;
                }
            }
            long[] copy = await(p, f, started);
            if (copy != null) {
                return copy; // not a use of the copy: it came for this access
            }
        }
    }

    /** Obtains ownership of {@code p} with the only writable copy; the caller then retries its write. */
    void writeFault(Page p) {
        Page.Fault f;
        boolean started = false;
        if (dsm.recovery != null) {
            dsm.recovery.admit();
        } else {
            dsm.awaitManagers("a write fault");
        }
        synchronized (p) {
            if (p.recovering) {
                dsm.awaitRecovered(p);
            }
            if (p.state == Page.WRITE) {
                return;
            }
            f = p.fault;
            if (f == null) {
                if (p.owner && liveCopies(p) == 0) {
                    p.copyset.clear();
                    p.epochBase = p.version;
                    p.version++;
                    p.state = Page.WRITE;
                    return;
                }
                f = startWrite(p);
                started = true;
            } else if (f.refetch) {
                // a copy nobody asked for yet: the write does not wait for it (it is dropped when it
                // comes); readers waiting for it are completed with the write and find the page writable
                Page.Fault w = startWrite(p);
                w.displaced = f;
                f = w;
                started = true;
            } else if (f.orphan && dsm.backup != null && !p.owner && !dsm.isManager(p)) {
                f.orphan = false; // someone waits again; its request may have been lost with a dead node
                request(p, f);
            } else if (f.orphan && !p.owner && lostRequestSearched(p)) {
                f.orphan = false; // someone waits again: its request may have been lost
                searchAfterTimeOut(p, f);
            }
        }
        await(p, f, started);
    }

    /**
     * Starts a write fault on {@code p} if it needs one from another node and none is under way,
     * without waiting for it: a caller that starts several this way, then writes each page, waits
     * about one round trip for all of them instead of one each (a heap's new arena).
     */
    void startWriteFault(Page p) {
        if (dsm.recovery != null) {
            dsm.recovery.admit();
        } else {
            dsm.awaitManagers("a write fault");
        }
        synchronized (p) {
            if (!p.recovering && p.state != Page.WRITE && p.fault == null && !p.owner && p.model != Page.RELEASE
                    && p.pinned == null && p.replicating == null) {
                startWrite(p);
            }
        }
    }

    /**
     * The write a fault started with {@link #startWriteFault} was for will not come: its fault, if
     * still under way, completes without holding the page, and a page it already holds is served.
     */
    void abandonWrite(Page p) {
        synchronized (p) {
            Page.Fault f = p.fault;
            if (f != null && f.mode == PageWire.WRITE) {
                f.orphan = true;
            } else if (p.hold) {
                wrote(p);
            }
        }
    }

    /** A local write happened in state WRITE: if it was the one the page was held for, serve the queue. */
    void wrote(Page p) {
        if (p.hold) {
            p.hold = false;
            drain(p);
        }
    }

    /** Waits for {@code f}; {@code started}: by the thread that started it, which may wait on its loop's deadline. */
    private long[] await(Page p, Page.Fault f, boolean started) {
        return dsm.await(f.done, started ? f.wait : null, () -> (f.mode == PageWire.WRITE ? "the write fault on " : "the read fault on ")
                + Dsm.describe(p), timedOut -> {
                    synchronized (p) {
                        if (p.fault == f) {
                            if (f.mode == PageWire.WRITE) {
                                // ownership or acknowledgements may still come: the fault stays and takes
                                // them (never dropping an owned page or a copy not yet invalidated); only
                                // this waiter leaves
                                f.orphan = true;
                                if (timedOut && !p.owner && lostRequestSearched(p)) {
                                    searchAfterTimeOut(p, f); // its request may have been lost
                                }
                            } else if (timedOut) {
                                fail(p, f, "no copy arrived within " + dsm.config.faultTimeout().toMillis() + " ms");
                            } // an interrupted reader leaves alone: others may still wait for the copy
                        } else if (p.hold) {
                            wrote(p); // it arrived just now, for this writer that gives up
                        }
                    }
                });
    }

    /**
     * Makes {@code p} writable here and pins it for {@code tx}: until {@link #unpin}, nobody else
     * writes it or takes it away. Pages must be pinned in ascending page order (no deadlock).
     *
     * @return whether nobody wrote the page since it had {@code version}
     */
    boolean pin(Page p, Object tx, long version) {
        boolean faulted = false;
        while (true) {
            synchronized (p) {
                if (p.replicating != null) {
                    dsm.awaitStored(p);
                    continue;
                }
                if (p.state == Page.WRITE && p.pinned == null) {
                    p.pinned = tx;
                    p.hold = false; // the pin is the write it was held for; requests wait for the unpin
                    return p.version == version || faulted && p.epochBase == version && p.version == version + 1;
                }
                if (p.pinned != null) {
                    awaitUnpinned(p);
                    continue;
                }
            }
            writeFault(p);
            faulted = true;
        }
    }

    void unpin(Page p, Object tx) {
        synchronized (p) {
            if (p.pinned == tx) {
                p.pinned = null;
                p.notifyAll();
                if (dsm.backup != null && p.owner && p.backupNode != 0 && !dsm.link.isLive(p.backupNode)) {
                    dsm.backup.protect(p); // its backup died while it was pinned
                }
                drain(p);
            }
        }
    }

    /** Waits (holding p's monitor) until a committing transaction unpins p. */
    void awaitUnpinned(Page p) {
        dsm.awaitWhile(p, () -> p.pinned != null, Dsm.describe(p) + " stayed pinned by a committing transaction");
    }

    private int liveCopies(Page p) {
        p.copyset.removeIf(n -> !dsm.link.isLive(n));
        return p.copyset.size();
    }

    private Page.Fault startRead(Page p) {
        Page.Fault f = new Page.Fault(PageWire.READ, faultIds.incrementAndGet());
        p.fault = f;
        p.readFaults++;
        dsm.event(Kind.READ_FAULT, p.number, 0, p.region.name());
        f.wait = dsm.faultWait(f);
        request(p, f);
        return f;
    }

    /** Starts a write fault (it may already be complete when an owner has no live copies to invalidate). */
    private Page.Fault startWrite(Page p) {
        Page.Fault f = new Page.Fault(PageWire.WRITE, faultIds.incrementAndGet());
        p.fault = f;
        p.lastWriteFault = f.id;
        p.writeFaults++;
        dsm.event(Kind.WRITE_FAULT, p.number, 0, p.region.name());
        if (p.owner) {
            // an owner with read copies out: invalidate them, no transfer needed
            p.epochBase = p.version;
            p.version++;
            invalidate(p, f, p.copyset.stream().mapToInt(Integer::intValue).toArray());
            p.copyset.clear();
            if (f.awaitingAcks.isEmpty()) {
                finishWrite(p, f);
            }
        } else {
            f.wait = dsm.faultWait(f);
            request(p, f);
            if (dsm.isManager(p)) {
                p.probOwner = dsm.self; // the fixed manager's record: requests from now on queue here
            }
        }
        return f;
    }

    /** Sends the fault's request to the manager or probable owner; fails the fault if it is dead. */
    void request(Page p, Page.Fault f) {
        boolean dynamic = dynamic(p);
        int target = !dynamic && !dsm.isManager(p) ? dsm.manager(p) : p.probOwner;
        f.sentTo = target;
        if (dynamic && (target == dsm.self || !dsm.link.isLive(target))) {
            locate(p, f); // IVY's broadcast: the chain of probable owners ends here
            return;
        }
        if (target == dsm.self) {
            fail(p, f, "it routes to this node, which does not own it");
            return;
        }
        boolean sent = dsm.send(target, FrameKind.PAGE_REQUEST, PageWire.request(dsm.link.alloc(),
                new PageWire.Request(f.mode, p.number, dsm.self, f.id, dsm.tick(), 0)), f.unarmedWait());
        if (!sent && dynamic) {
            locate(p, f);
            return;
        }
        if (!sent && dsm.backup != null) {
            // the death of the owner (this node manages the page) or of the manager is being declared:
            // the link knows before the memory does. The census that follows it finds the page's owner
            // or takes it over and serves this fault: here if this node manages the page now (refault),
            // else the new manager's question makes this node send it again (Recovery.refaultAt)
            return;
        }
        if (!sent) {
            fail(p, f, "its " + role(p, target) + ", node '" + dsm.nameOf(target) + "', is not a live member");
        }
    }

    private String role(Page p, int node) {
        if (!dynamic(p) && node == dsm.manager(p)) {
            return "manager";
        }
        return dynamic(p) ? "probable owner" : "owner";
    }

    /**
     * Whether requests for {@code p} follow probable owners, as IVY's dynamic manager's do: with the
     * dynamic manager, and with a fixed manager that died where no backup copies rebuild its records
     * (the owners it recorded still point on to whom they gave the page), also once it is back:
     * it has lost its records.
     */
    private boolean dynamic(Page p) {
        if (dsm.config.management() == PageManagement.DYNAMIC) {
            return true;
        }
        int manager = dsm.manager(p);
        return dsm.backup == null && (died.contains(manager) || !dsm.link.isLive(manager));
    }

    /**
     * Starts the next round of IVY's broadcast for {@code f}: a locate to every live peer. The owner
     * serves it as a request; every other node answers at once where it last gave the page
     * ({@link #onNotOwner}), also one that waits for the page itself.
     */
    private void locate(Page p, Page.Fault f) {
        Page.Locate l = f.locate == null ? f.locate = new Page.Locate() : f.locate;
        if (++l.round > MAX_ROUNDS) {
            fail(p, f, "no node was found to own it: it changed hands during each of " + MAX_ROUNDS
                    + " searches of every live node");
            return;
        }
        l.waiting.clear();
        l.gaveTo = p.gave ? p.gaveTo : 0; // this node's own hand-over counts as an answer
        l.gaveVersion = p.gave ? p.gaveVersion : -1;
        LoopDeadline deadline = f.unarmedWait(); // the first request that leaves takes it along
        for (int node : dsm.link.peers()) {
            if (dsm.send(node, FrameKind.PAGE_REQUEST, PageWire.request(dsm.link.alloc(), new PageWire.Request(f.mode,
                    p.number, dsm.self, f.id, dsm.tick(), l.round, true)), deadline)) {
                l.waiting.add(node);
                deadline = null;
            }
        }
        if (l.waiting.isEmpty()) {
            settle(p, f);
        }
    }

    /**
     * Whether a write fault on {@code p} that timed out searches for the owner by broadcast (IVY's
     * fallback): with probable owners and no backup copies. Its request may have been lost: a node
     * forwarded it to a node that was closing and dropped it, after the requester had taken in that
     * node's death (so no death makes it search). Left as it was, the fault would stay for good,
     * and with it the requests queued behind it here, some of whose senders this node's own request
     * may wait behind in turn: the page would stay out of reach of both nodes.
     */
    private boolean lostRequestSearched(Page p) {
        return dsm.backup == null && dynamic(p) && p.model != Page.RELEASE;
    }

    /**
     * Asks every live node for {@code p}'s owner, for a write fault whose request may have been
     * lost, unless a round waits for answers: from the first round again, as the page may have
     * changed hands many times while the request waited in owners' queues.
     */
    private void searchAfterTimeOut(Page p, Page.Fault f) {
        if (f.locate == null || f.locate.waiting.isEmpty()) {
            if (f.locate != null) {
                f.locate.round = 0;
            }
            locate(p, f);
        }
    }

    /** Starts a round for {@code f} unless one waits for answers (holding p's monitor). */
    private void searchAgain(Page p, Page.Fault f) {
        if (f.locate == null || f.locate.waiting.isEmpty()) {
            locate(p, f);
        }
    }

    /** A live node does not own {@code p}: it last gave its ownership to {@code gaveTo} at {@code version}. */
    private void onNotOwner(Page p, Page.Fault f, int from, PageWire.Fail answer) {
        Page.Locate l = f.locate;
        if (l == null || answer.round() != l.round || !l.waiting.remove(from)) {
            return; // an answer to an earlier round
        }
        if (answer.node() != 0 && answer.version() > l.gaveVersion) {
            l.gaveTo = answer.node();
            l.gaveVersion = answer.version();
        }
        if (l.waiting.isEmpty()) {
            settle(p, f);
        }
    }

    /**
     * Every live node answered a round and none owns the page (holding its monitor). The newest
     * hand-over says where it went last: to this node (ownership is on its way: the fault waits
     * for it), to a live node (it moved while the round asked: ask again), or to a dead node, or
     * never from its dead home; then it is lost with that node, once a second round finds the same.
     */
    private void settle(Page p, Page.Fault f) {
        Page.Locate l = f.locate;
        if (l.gaveTo == dsm.self && l.gaveVersion >= p.version) {
            return; // the page's ownership was sent here and has not arrived: its arrival ends the fault
        }
        int holder = l.gaveTo != 0 ? l.gaveTo : p.home;
        if (holder != dsm.self && !dsm.link.isLive(holder)) {
            if (l.deadHolder == holder && l.deadVersion == l.gaveVersion) {
                // nodes that forwarded this fault's write request point here; from here on the chain
                // ends at the dead node, as every other chain to the page does (no cycle of waiting
                // requesters can form: each would queue the other's request)
                p.probOwner = holder;
                fail(p, f, "its owner, node '" + dsm.nameOf(holder) + "', is not a live member (the page is lost "
                        + "with it; no live node owns it)");
                return;
            }
            l.deadHolder = holder;
            l.deadVersion = l.gaveVersion;
        } else {
            l.deadHolder = 0;
        }
        locate(p, f);
    }

    /** Ends a fault with an error; requests queued behind it move on. */
    void fail(Page p, Page.Fault f, String why) {
        if (p.fault == f) {
            p.fault = null;
            if (f.mode == PageWire.WRITE && dsm.isManager(p) && !p.owner) {
                p.probOwner = f.sentTo; // undo the record: this node did not become the owner
            }
        }
        MemoryException failure = new MemoryException("cannot access " + Dsm.describe(p) + " from node '"
                + dsm.link.self().name() + "': " + why);
        f.fail(failure);
        if (f.displaced != null) {
            f.displaced.fail(failure); // its waiters waited for this one
        }
        drain(p);
    }

    // ------------------------------------------------------------------ frames

    void onFrame(int from, FrameKind kind, ByteBuf in) {
        switch (kind) {
            case PAGE_REQUEST -> onRequest(PageWire.readRequest(in));
            case PAGE -> onPage(from, PageWire.readPage(in, dsm.config.pageSize(), dsm.zeros()));
            case INVALIDATE -> onInvalidate(from, PageWire.readInvalidate(in));
            case INVALIDATE_ACK -> onAck(from, PageWire.readAck(in));
            case PAGE_FAIL -> onFail(from, PageWire.readFail(in));
            default -> throw new FrameFormatException("not a page frame: " + kind);
        }
    }

    private Page page(long number) {
        Page p = dsm.pageNumber(number);
        if (p == null) {
            throw new FrameFormatException("page " + number + " is in no region of node '" + dsm.link.self().name()
                    + "' (" + dsm.pages.length + " pages): do all nodes run the same system?");
        }
        return p;
    }

    private void onRequest(PageWire.Request r) {
        Page p = page(r.page());
        dsm.receive(r.clock());
        if (r.mode() == PageWire.FETCH || p.model == Page.RELEASE) {
            if (r.mode() != PageWire.FETCH || p.model != Page.RELEASE) {
                throw new FrameFormatException("page request mode " + r.mode() + " for " + Dsm.describe(p));
            }
            dsm.release.onFetch(p, r);
            return;
        }
        synchronized (p) {
            handle(p, r);
        }
    }

    /** Serves, queues or forwards a request (holding the page's monitor). */
    private void handle(Page p, PageWire.Request r) {
        if (r.requester() == dsm.self) {
            Page.Fault f = p.fault;
            if (!p.owner && f != null && f.id == r.faultId() && dsm.backup == null) {
                if (dynamic(p)) {
                    searchAgain(p, f); // probable owners that point back here: ask everyone
                } else {
                    fail(p, f, "its request came back to this node without finding the owner");
                }
            }
            return; // else: a request of an earlier fault, answered meanwhile
        }
        if (r.locate() && !p.owner) {
            // at once, also while this node waits for the page: two nodes that search for a page
            // must not wait for each other's answers; a hand-over on its way shows in the answers
            answer(p, r, PageWire.NOT_OWNER, r.hops(), p.gave ? p.gaveTo : 0, p.gave ? p.gaveVersion : 0, "");
        } else if (p.busy()) {
            p.queued.add(r);
        } else if (p.owner) {
            serve(p, r);
        } else {
            forward(p, r);
        }
    }

    private void serve(Page p, PageWire.Request r) {
        if (!dsm.link.isLive(r.requester())) {
            return; // the requester died meanwhile
        }
        // access is reduced before the page leaves: once the requester has it, no read here may
        // return what this node had (the requester may complete a write at once)
        if (r.mode() == PageWire.READ) {
            int before = p.state;
            p.state = Page.READ;
            if (dsm.sendUnordered(r.requester(), FrameKind.PAGE, PageWire.page(dsm.link.alloc(), PageWire.READ,
                    p.number, r.faultId(), dsm.tick(), p.version, new int[0], p.data, dsm.zeros()))) {
                p.copyset.add(r.requester());
                dsm.event(Kind.PAGE_SENT, p.number, r.requester(), p.region.name());
            } else {
                p.state = before;
            }
        } else {
            p.copyset.remove(r.requester());
            int[] copies = p.copyset.stream().mapToInt(Integer::intValue).toArray();
            int before = p.state;
            p.state = Page.INVALID;
            ByteBuf page = PageWire.page(dsm.link.alloc(), PageWire.WRITE, p.number, r.faultId(), dsm.tick(),
                    p.version, copies, p.data, dsm.zeros());
            if (sendUnorderedWithoutBackups(r.requester(), FrameKind.PAGE, page)) {
                p.owner = false;
                p.copyset.clear();
                p.probOwner = r.requester();
                p.gave = true;
                p.gaveTo = r.requester();
                p.gaveVersion = p.version;
                dsm.event(Kind.OWNERSHIP_LOST, p.number, r.requester(), p.region.name());
            } else {
                p.state = before;
            }
        }
    }

    private void forward(Page p, PageWire.Request r) {
        int target = p.probOwner;
        String why = null;
        if (r.hops() >= MAX_HOPS) {
            why = "its request was forwarded " + r.hops() + " times without reaching the owner";
        } else if (target == dsm.self || !dsm.link.isLive(target)) {
            why = "its " + role(p, target) + ", node '" + dsm.nameOf(target) + "', is not a live member (the page is "
                    + "lost with it)";
        }
        if (why != null && dynamic(p)) {
            // IVY's fallback: the requester asks every live node (the request may be a stale copy of
            // one already answered, so this node's probable owner stays as it is)
            answer(p, r, PageWire.LOST_TRACK, 0, target == dsm.self || dsm.link.isLive(target) ? 0 : target, 0, why);
            return;
        }
        if (why != null && dsm.backup != null && r.hops() < MAX_HOPS && target != dsm.self) {
            if (dsm.isManager(p)) {
                p.recovering = true; // the record died: its census is coming, and serves the request
                p.queued.add(r);
            } // else dropped: the requester sends it again when it learns of the death
            return;
        }
        if (why != null) {
            answer(p, r, PageWire.FAILED, 0, 0, 0, why);
            return;
        }
        if (r.mode() == PageWire.WRITE) {
            p.probOwner = r.requester();
        }
        sendUnorderedWithoutBackups(target, FrameKind.PAGE_REQUEST, PageWire.request(dsm.link.alloc(),
                new PageWire.Request(r.mode(), r.page(), r.requester(), r.faultId(), dsm.tick(), r.hops() + 1)));
    }


    /** Answers request {@code r} with a PAGE_FAIL of {@code code} (see {@link PageWire}). */
    private void answer(Page p, PageWire.Request r, int code, int round, int node, long version, String why) {
        dsm.send(r.requester(), FrameKind.PAGE_FAIL, PageWire.fail(dsm.link.alloc(), new PageWire.Fail(p.number,
                r.faultId(), dsm.tick(), code, round, node, version, why)));
    }

    /** Ownership and forwarded requests: in order with this node's replicas and census replies when there are backups. */
    private boolean sendUnorderedWithoutBackups(int node, FrameKind kind, ByteBuf payload) {
        return dsm.backup == null ? dsm.sendUnordered(node, kind, payload) : dsm.send(node, kind, payload);
    }

    private void onPage(int from, PageWire.Page g) {
        Page p = page(g.page());
        dsm.receive(g.clock());
        if (g.mode() == PageWire.FETCH) {
            dsm.release.onPage(from, p, g);
            return;
        }
        synchronized (p) {
            Page.Fault f = p.fault;
            boolean matches = f != null && f.id == g.faultId() && f.mode == g.mode();
            if (g.mode() == PageWire.READ) {
                if (!matches) {
                    return; // a copy for a fault that gave up; the owner's extra copyset entry is harmless
                }
                if (g.version() < p.minValid) {
                    request(p, f); // invalidated while it travelled: ask again
                    return;
                }
                p.data = g.data();
                p.version = g.version();
                p.used = false;
                p.state = Page.READ;
                if (dynamic(p)) {
                    p.probOwner = from;
                }
                p.fault = null;
                dsm.event(Kind.PAGE_RECEIVED, p.number, from, p.region.name());
                f.complete(g.data());
                drain(p);
                return;
            }
            // ownership: taken even if its fault gave up, or the page would be lost; but only for a
            // write fault this node made (also an earlier one, whose request was sent again after a death)
            if (p.owner) {
                return; // a request sent again after a death (or its search) was served twice
            }
            if (!matches && !(g.faultId() > firstFaultId && g.faultId() <= p.lastWriteFault)) {
                throw new FrameFormatException("node '" + dsm.nameOf(from) + "' sent ownership of " + Dsm.describe(p)
                        + " that node '" + dsm.link.self().name() + "' did not ask for");
            }
            p.data = g.data();
            p.owner = true;
            p.probOwner = dsm.self;
            p.epochBase = g.version();
            p.version = Math.max(g.version(), p.version) + 1;
            p.copyset.clear();
            dsm.event(Kind.OWNERSHIP_GAINED, p.number, from, p.region.name());
            Page.Fault w = f;
            if (!matches) {
                w = new Page.Fault(PageWire.WRITE, faultIds.incrementAndGet());
                w.orphan = true;
                w.displaced = f;
                p.fault = w;
            }
            invalidate(p, w, g.copyset());
            if (w.awaitingAcks.isEmpty()) {
                finishWrite(p, w);
            }
        }
    }

    private void invalidate(Page p, Page.Fault f, int[] nodes) {
        for (int node : nodes) {
            if (node != dsm.self && dsm.send(node, FrameKind.INVALIDATE, PageWire.invalidate(dsm.link.alloc(),
                    new PageWire.Invalidate(p.number, p.version, f.id, dsm.tick())))) {
                f.awaitingAcks.add(node);
            }
        }
    }

    void finishWrite(Page p, Page.Fault f) {
        p.state = Page.WRITE;
        p.fault = null;
        p.hold = !f.orphan; // the waiting writer writes once before anyone takes the page away
        f.complete(null);
        if (f.displaced != null) {
            f.displaced.complete(null); // its waiters find the page writable
        }
        drain(p);
    }

    /**
     * Drops this node's copy and acknowledges; a copy that was read since it arrived, by an access
     * that found it there, is asked for again with the acknowledgement ({@link #startRefetch}).
     */
    private void onInvalidate(int from, PageWire.Invalidate inv) {
        Page p = page(inv.page());
        dsm.receive(inv.clock());
        Page.Fault refetch = null;
        synchronized (p) {
            p.minValid = Math.max(p.minValid, inv.version());
            if (!p.owner && p.version < inv.version()) {
                if (p.state != Page.INVALID) {
                    p.state = Page.INVALID;
                    p.invalidations++;
                    dsm.event(Kind.INVALIDATED, p.number, from, p.region.name());
                    if (p.used && p.fault == null && dsm.backup == null) {
                        refetch = startRefetch(p, from);
                    }
                }
                if (dynamic(p)) {
                    p.probOwner = from;
                }
            }
        }
        if (!dsm.sendUnordered(from, FrameKind.INVALIDATE_ACK, PageWire.ack(dsm.link.alloc(), new PageWire.Ack(
                inv.page(), inv.faultId(), dsm.tick(), refetch == null ? 0 : refetch.id))) && refetch != null) {
            synchronized (p) {
                if (p.fault == refetch) {
                    refetch.refetch = false;
                    request(p, refetch); // the writer is gone: ask the usual way
                }
            }
        }
    }

    /**
     * A read fault whose request goes to {@code writer} with the acknowledgement of its
     * invalidation, so that a page that is read by many and written by one now and then costs a
     * reader one frame per write (the copy) instead of a fault. Nobody waits for it yet; local reads
     * that come meanwhile wait for it as for any fault. Not with backup copies, whose census must
     * see every request the usual way.
     */
    private Page.Fault startRefetch(Page p, int writer) {
        Page.Fault f = new Page.Fault(PageWire.READ, faultIds.incrementAndGet());
        f.refetch = true;
        f.sentTo = writer;
        p.fault = f;
        return f;
    }

    private void onAck(int from, PageWire.Ack a) {
        Page p = page(a.page());
        dsm.receive(a.clock());
        if (a.refetch() != 0 && p.model == Page.RELEASE) {
            throw new FrameFormatException("a refetch of " + Dsm.describe(p) + ", which is release-consistent");
        }
        synchronized (p) {
            Page.Fault f = p.fault;
            if (f != null && f.id == a.faultId() && f.awaitingAcks.remove(from) && f.awaitingAcks.isEmpty()
                    && p.owner) {
                finishWrite(p, f);
            }
            if (a.refetch() != 0) {
                // served once the write is done (the page is held for it), or forwarded if this
                // node gave the page away meanwhile
                handle(p, new PageWire.Request(PageWire.READ, a.page(), from, a.refetch(), a.clock(), 0));
            }
        }
    }

    private void onFail(int from, PageWire.Fail fail) {
        Page p = page(fail.page());
        dsm.receive(fail.clock());
        synchronized (p) {
            Page.Fault f = p.fault;
            if (f == null || f.id != fail.faultId()) {
                return;
            }
            switch (fail.code()) {
                case PageWire.NOT_OWNER -> onNotOwner(p, f, from, fail);
                case PageWire.LOST_TRACK -> searchAgain(p, f);
                default -> {
                    if (f.refetch) {
                        f.refetch = false;
                        request(p, f); // the writer's hint led nowhere: ask the usual way
                    } else if (f.locate == null) { // a search in progress decides (a forwarder may not know of a death yet)
                        fail(p, f, fail.reason());
                    }
                }
            }
        }
    }

    /** Handles the queued requests while the page is not busy (holding its monitor). */
    void drain(Page p) {
        for (int n = p.queued.size(); n > 0 && !p.queued.isEmpty() && !p.busy(); n--) {
            handle(p, p.queued.poll()); // at most once each: a request handled may be queued again
        }
    }

    /**
     * A write waits for the invalidation of {@code node}'s copy, and {@code node} was declared dead.
     * It may only be cut off, still reading its copy: it drops its copies once it declares this
     * node dead, which happens within about one failure timeout of this node's verdict. So the copy
     * counts as gone only one failure timeout later, and no read anywhere returns a value older
     * than a write that completed (the partition test checks this with a one-sided cut).
     */
    private void copyGone(Page p, Page.Fault f, int node) {
        dsm.link.schedule(() -> {
            synchronized (p) {
                if (p.fault == f && f.awaitingAcks.remove(node) && f.awaitingAcks.isEmpty() && p.owner) {
                    finishWrite(p, f);
                }
            }
        }, dsm.link.failureTimeout().toNanos());
    }

    /** Fails the fault in progress, if any (holding p's monitor). */
    void failFault(Page p, String why) {
        if (p.fault != null) {
            fail(p, p.fault, why);
        }
    }

    /**
     * After a census settled the page (holding its monitor): a fault in progress here completes if
     * this node owns the page now, else its request goes again to the page's owner.
     */
    void refault(Page p) {
        Page.Fault f = p.fault;
        if (f == null) {
            return;
        }
        if (p.owner) {
            if (f.mode == PageWire.WRITE) {
                finishWrite(p, f);
            } else {
                p.fault = null;
                f.complete(p.data);
            }
        } else {
            request(p, f);
        }
    }

    void nodeDied(int node) {
        died.add(node);
        for (Page p : dsm.pages) {
            synchronized (p) {
                p.copyset.remove(node);
                p.queued.removeIf(r -> r.requester() == node);
                if (!p.owner && p.state == Page.READ && p.model != Page.RELEASE) {
                    // the dead node (or one that only seemed dead and comes back) may have dropped
                    // this node from a copyset: no invalidation would reach this copy any more
                    p.state = Page.INVALID;
                }
                Page.Fault f = p.fault;
                if (f == null) {
                    continue;
                }
                if (f.awaitingAcks.contains(node) && p.owner) {
                    copyGone(p, f, node);
                } else if (!p.owner && dsm.backup != null) {
                    if (!p.recovering) {
                        request(p, f); // it may have been lost with the dead node; an answer to both is harmless
                    }
                } else if (!p.owner && f.refetch) {
                    // the writer may have passed it on to the dead node: nobody would send it again,
                    // and the next access would wait for it in vain; an answer to both is harmless
                    f.refetch = false;
                    request(p, f);
                } else if (!p.owner && dynamic(p) && p.model != Page.RELEASE) {
                    Page.Locate l = f.locate;
                    if (l != null && l.waiting.remove(node)) {
                        if (l.waiting.isEmpty()) {
                            settle(p, f);
                        }
                    } else {
                        // its request may have been lost with the dead node, or the hand-over a search
                        // waits for; answers to both are harmless
                        searchAgain(p, f);
                    }
                } else if (!p.owner && f.sentTo == node) {
                    fail(p, f, "node '" + dsm.nameOf(node) + "' died while serving the fault");
                }
            }
        }
    }
}
