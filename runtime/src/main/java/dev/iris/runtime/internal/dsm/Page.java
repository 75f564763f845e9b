package dev.iris.runtime.internal.dsm;

import dev.iris.runtime.dsm.SharedRegion;
import dev.iris.runtime.transport.PageWire;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One entry of a node's page table. {@link #state} and {@link #data} are read without a lock on
 * the fast path; every change, and everything else, happens while holding the page's monitor.
 */
final class Page {
    static final int INVALID = 0;
    static final int READ = 1;
    static final int WRITE = 2;

    /** Consistency models, as in {@link dev.iris.runtime.dsm.Consistency}. */
    static final int SEQUENTIAL = 0;
    static final int RELEASE = 1;
    static final int TRANSACTIONAL = 2;

    final long number;
    final SharedRegion region;
    final int model;
    /** The node that owns the page at start; under release consistency the keeper of its master copy. */
    final int home;
    /** INVALID, READ or WRITE; written after {@link #data}, so a reader that sees READ sees its copy. */
    volatile int state;
    /** This node's copy; a new array for every copy that arrives, written in place only in state WRITE. */
    volatile long[] data;
    /**
     * Whether an access found this node's copy here since it arrived (the accesses that waited for it
     * do not count): an invalidated copy that was so read is fetched again with the acknowledgement.
     * A page is thus fetched ahead once it was read twice between two writes (a fault and a read),
     * and goes on being fetched while it is read once. Set without a lock on the read path: a hint.
     */
    boolean used;

    // guarded by this
    boolean owner;
    /** Where a fault is sent: the owner as far as this node knows (at a fixed manager: the owner). */
    int probOwner;
    /** At the owner: the nodes holding read copies. */
    final Set<Integer> copyset = new LinkedHashSet<>();
    long version;
    /** Copies older than this were invalidated before they arrived: they are discarded. */
    long minValid;
    /** The fault in progress on this node, or null. */
    Fault fault;
    /** The id of this node's latest write fault: the only ownership this node accepts unasked-for. */
    long lastWriteFault;
    /** Ownership just arrived for a waiting writer: requests wait until it wrote once (no livelock). */
    boolean hold;
    /** Requests that arrived while this node was becoming the owner or holding the page. */
    final ArrayDeque<PageWire.Request> queued = new ArrayDeque<>();
    long readFaults;
    long writeFaults;
    long invalidations;

    /** The version before the write epoch this node holds started (set when it starts). */
    long epochBase;
    /** The transaction committing with this page, or null: no one else may write or take it. */
    Object pinned;
    // release consistency
    /** Under release consistency: the copy before this node's first write since its last release. */
    long[] twin;
    /** At the home under release consistency: the master copy, where diffs are applied, and its version. */
    long[] master;
    long masterVersion;
    /** At the home of a persistent page under release consistency: a new master is being logged. */
    boolean masterLogging;
    /** What waits for the master: while it is being logged, and at start until the memory opens (null: nothing yet). */
    ArrayDeque<Runnable> masterWaiting;
    // backup copies (MemoryConfig.backup)
    /** A write of this node waiting for its backup's acknowledgement: requests and other writers wait. */
    Backup.Pending replicating;
    /** The node this node's latest write of the page was copied to (0: none). */
    int backupNode;
    /** A backup copy this node keeps for the page's owner, and its version (null: none). */
    long[] replica;
    long replicaVersion;
    /** Whether this node gave the page's ownership away: to {@link #gaveTo} (0: dropped it, fenced) at {@link #gaveVersion}. */
    boolean gave;
    int gaveTo;
    long gaveVersion;
    /** At the page's manager after a death: its owner is being found; requests and local faults wait. */
    boolean recovering;

    Page(long number, SharedRegion region, int home) {
        this.number = number;
        this.region = region;
        this.model = region.consistency().ordinal();
        this.home = home;
    }

    /** The version of the newest copy this node holds, its own or a backup copy; -1 if none (holding this). */
    long copyVersion() {
        return Math.max(data != null ? version : -1, replica != null ? replicaVersion : -1);
    }

    /** The words of the copy {@link #copyVersion} names (holding this). */
    long[] newestCopy() {
        return replica != null && (data == null || replicaVersion > version) ? replica : data;
    }

    /** Whether requests must wait here rather than be served or forwarded. */
    boolean busy() {
        return hold || pinned != null || replicating != null || recovering
                || fault != null && (owner || fault.mode == PageWire.WRITE);
    }

    /**
     * IVY's broadcast for a fault whose chain of probable owners ended at a dead node: a round asks
     * every live node; the newest hand-over of ownership that the answers (and this node) know tells
     * where the page went last.
     */
    static final class Locate {
        /** The round in progress (1 to {@code Coherence.MAX_ROUNDS}). */
        int round;
        /** The nodes whose answer to this round is outstanding. */
        final Set<Integer> waiting = new LinkedHashSet<>();
        /** The newest hand-over known in this round: to {@code gaveTo} at {@code gaveVersion} (gaveTo 0: none). */
        int gaveTo;
        long gaveVersion = -1;
        /** The previous round's verdict: the page's last holder is the dead node {@code deadHolder} (0: not so). */
        int deadHolder;
        long deadVersion = -1;
    }

    /** A fault this node started: one per page at a time; concurrent local accesses wait for it. */
    static final class Fault {
        final int mode;
        final long id;
        /** Completes with the copy installed (read) or null (write), or fails. */
        final CompletableFuture<long[]> done = new CompletableFuture<>();
        /** The node the request went to first. */
        int sentTo;
        /** Made for ownership that arrived after its fault gave up: nobody waits to write. */
        boolean orphan;
        /** A read request sent with an invalidation's acknowledgement, not by a local access (until it fails once). */
        boolean refetch;
        /** A read fault this one replaced; completed with it. */
        Fault displaced;
        /** Copy holders that have not yet acknowledged their invalidation. */
        final Set<Integer> awaitingAcks = new LinkedHashSet<>();
        /** The wait of the thread that started the fault, if its request left with a deadline. */
        FaultWait wait;
        /** The dynamic manager's search for the owner by broadcast, once one started; then stays. */
        Locate locate;

        Fault(int mode, long id) {
            this.mode = mode;
            this.id = id;
        }

        /** The starter's wait while no event loop keeps its deadline: the request that leaves next takes it along. */
        FaultWait unarmedWait() {
            return wait != null && !wait.loopDeadline() ? wait : null;
        }

        /** Completes the fault: {@code copy} (read) or null (write). */
        void complete(long[] copy) {
            done.complete(copy);
            disarm();
        }

        /** Ends the fault with {@code error}. */
        void fail(Throwable error) {
            done.completeExceptionally(error);
            disarm();
        }

        /** Drops the starter's deadline when this is its loop (elsewhere it passes later, doing nothing). */
        private void disarm() {
            if (wait != null) {
                wait.disarm();
            }
        }
    }
}
