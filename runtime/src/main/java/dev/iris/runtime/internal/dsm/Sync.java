package dev.iris.runtime.internal.dsm;

import dev.iris.runtime.NodeId;
import dev.iris.runtime.dsm.DistributedBarrier;
import dev.iris.runtime.dsm.DistributedLock;
import dev.iris.runtime.dsm.MemoryEvent.Kind;
import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.internal.Blocking;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.SyncWire;
import dev.iris.runtime.transport.SyncWire.Op;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Distributed locks and barriers. Each lock or barrier has a manager node (its name's hash modulo
 * the managers) that queues lock requests first come first served and counts barrier arrivals.
 * Every request carries a ticket, unique on its node, that the answer names. Re-entrancy is
 * local: only a process's first acquire and last release travel.
 *
 * <p>With backup copies a lock outlives its manager: its manager is the first manager from that
 * index on that is not deposed ({@link Recovery}), waiting acquires go to the new one, and every
 * live manager, after a manager's death, asks every live node which of the locks it now manages
 * the node holds (a census), granting nothing until all have told. A barrier whose manager died
 * fails for its parties, as without backup copies.
 */
final class Sync {
    private final Dsm dsm;
    private final AtomicLong tickets;
    /** Requests of this node waiting for an answer, by ticket. */
    private final Map<Long, Waiter> waiting = new ConcurrentHashMap<>();
    private final Map<String, LockHandle> handles = new ConcurrentHashMap<>();
    // manager side, guarded by this
    private final Map<String, LockQueue> locks = new HashMap<>();
    private final Map<String, Arrivals> barriers = new HashMap<>();
    /** Write notices published by the releases of each lock (release consistency). */
    private final Map<String, Map<Long, Long>> lockNotices = new HashMap<>();
    /** The census of held locks under way here, or null: no lock is granted meanwhile. */
    private Census census;
    /** A manager's death is being taken in: no lock is granted until its census is set up. */
    private boolean frozen;
    /** Tickets released while a census runs: a later held for one of them is stale. */
    private final Set<Ticket> releasedInCensus = new HashSet<>();
    // guarded by deferred
    /** Asks about a death this node has not taken in yet: answered once it has. */
    private final List<Ask> deferred = new ArrayList<>();
    /** The nodes whose death Sync has taken in here (until they join again). */
    private final Set<Integer> dead = new HashSet<>();
    /** Grants that arrived and whose process has not taken the lock yet, by ticket: a census counts them as held. */
    private final Map<Long, String> granted = new ConcurrentHashMap<>();

    /** A request waiting for its answer from {@code manager} (an acquire moves to a new manager). */
    private static final class Waiter {
        final Op op;
        final String name;
        final CompletableFuture<Map<Long, Long>> answer = new CompletableFuture<>();
        /** The thread that waits for the answer. */
        final Thread thread = Thread.currentThread();
        volatile int manager;
        /** The requester gave up: a manager that dies meanwhile leaves it withdrawn, not moved (set holding this). */
        volatile boolean withdrawing;

        Waiter(Op op, int manager, String name) {
            this.op = op;
            this.manager = manager;
            this.name = name;
        }
    }

    private record Census(long id, Set<Integer> waiting) {
    }

    private record Ask(int asker, long census, int subject) {
    }

    /** A granted request: its ticket and the write notices that came with the answer. */
    private record Answer(long ticket, Map<Long, Long> notices) {
    }

    private record Ticket(int node, long ticket) {
    }

    private static final class LockQueue {
        Ticket holder;
        final ArrayDeque<Ticket> waiting = new ArrayDeque<>();
    }

    private static final class Arrivals {
        final int parties;
        final List<Ticket> arrived = new ArrayList<>();
        final Map<Long, Long> notices = new HashMap<>();

        Arrivals(int parties) {
            this.parties = parties;
        }
    }

    Sync(Dsm dsm) {
        this.dsm = dsm;
        this.tickets = new AtomicLong(dsm.link.random().nextLong(1, Long.MAX_VALUE / 2));
    }

    DistributedLock lock(String name) {
        checkName(name);
        return handles.computeIfAbsent(name, LockHandle::new);
    }

    DistributedBarrier barrier(String name, int parties) {
        checkName(name);
        if (parties < 1) {
            throw new IllegalArgumentException("barrier '" + name + "' needs at least one party, not " + parties);
        }
        return new BarrierHandle(name, parties);
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > SyncWire.MAX_NAME_BYTES) {
            throw new IllegalArgumentException("a lock or barrier name has 1 to " + SyncWire.MAX_NAME_BYTES
                    + " bytes: '" + name + "'");
        }
    }

    private int managerOf(String name) {
        return managerOf(name, 0);
    }

    /** The manager of {@code name}, with {@code gone} (if not 0) counted as deposed too. */
    private int managerOf(String name, int gone) {
        if (dsm.managers.length == 0) {
            throw new MemoryException("no manager nodes are configured for locks and barriers");
        }
        int start = Math.floorMod(NodeId.of(name).number(), dsm.managers.length);
        int manager = dsm.recovery == null ? 0
                : dsm.firstManager(start, n -> n != gone && !dsm.recovery.deposed(n));
        return manager != 0 ? manager : dsm.managers[start];
    }

    /** Whether the manager of lock or barrier {@code name} is this node or a live peer. */
    boolean managerLive(String name) {
        int manager = managerOf(name);
        return manager == dsm.self || dsm.link.isLive(manager);
    }

    /**
     * Gives {@code waits} each thread that waits here for a lock (not one giving up), with the
     * lock's name, and {@code holds} each lock held here with its holder: what a simulation looks
     * for a deadlock in. Nothing if no request of this node waits: every thread of a deadlock waits,
     * so no lock held here is part of one then.
     */
    void locks(BiConsumer<Thread, String> waits, BiConsumer<String, Thread> holds) {
        if (waiting.isEmpty()) {
            return;
        }
        for (Waiter w : waiting.values()) {
            if (w.op == Op.ACQUIRE && !w.withdrawing) {
                waits.accept(w.thread, w.name);
            }
        }
        for (LockHandle h : handles.values()) {
            Thread holder = h.holder;
            if (holder != null) {
                holds.accept(h.name, holder);
            }
        }
    }

    // ------------------------------------------------------------------ requesting side

    /** Sends a request to the manager of {@code name} and waits for its answer. */
    private Answer call(Op op, String name, int parties, Map<Long, Long> notices, String what) {
        Blocking.check(what);
        dsm.awaitOpen(what);
        int manager = managerOf(name);
        long ticket = tickets.incrementAndGet();
        Waiter w = new Waiter(op, manager, name);
        waiting.put(ticket, w);
        if (!send(manager, new SyncWire.Sync(op, ticket, dsm.tick(), parties, name, "", notices))) {
            waiting.remove(ticket);
            throw new MemoryException(what + ": its manager, node '" + dsm.nameOf(manager) + "', is not a live member");
        }
        try {
            return new Answer(ticket, w.answer.get());
        } catch (InterruptedException e) {
            return withdraw(ticket, w, what);
        } catch (ExecutionException e) {
            throw new MemoryException(e.getCause().getMessage());
        }
    }

    /**
     * An interrupted request: asks the manager to withdraw it and waits (uninterruptibly, up to
     * the fault timeout) for the outcome. If the grant or pass was already on its way, the request
     * succeeded after all and this returns it, with the thread's interrupt status set again; the
     * manager confirms a withdrawal with a FAIL.
     */
    private Answer withdraw(long ticket, Waiter w, String what) {
        synchronized (w) { // with a move to a new manager (nodeDied): the withdrawal goes where the acquire went
            w.withdrawing = true;
            send(w.manager, new SyncWire.Sync(Op.WITHDRAW, ticket, dsm.tick(), 0, w.name, ""));
        }
        boolean interrupted = true;
        try {
            long deadline = dsm.link.time().nanos() + dsm.config.faultTimeout().toNanos();
            while (true) {
                try {
                    Map<Long, Long> answer = dsm.link.time().get(w.answer, deadline);
                    return new Answer(ticket, answer);
                } catch (InterruptedException again) {
                    interrupted = true;
                } catch (ExecutionException withdrawn) {
                    throw new MemoryException(what + " was interrupted on node '" + dsm.link.self().name() + "'");
                } catch (TimeoutException e) {
                    waiting.remove(ticket);
                    throw new MemoryException(what + " was interrupted on node '" + dsm.link.self().name()
                            + "', and its manager did not confirm the withdrawal");
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean send(int node, SyncWire.Sync s) {
        if (node == dsm.self) {
            try {
                dsm.link.executor().execute(() -> onSync(dsm.self, s));
                return true;
            } catch (RejectedExecutionException e) {
                return false; // the node is closing
            }
        }
        return dsm.send(node, FrameKind.SYNC, SyncWire.sync(dsm.link.alloc(), s));
    }

    private final class LockHandle implements DistributedLock {
        private final String name;
        private volatile Thread holder;
        private int holds;
        private volatile long ticket;

        LockHandle(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void lock() {
            if (holder == Thread.currentThread()) {
                holds++;
                return;
            }
            Answer granted = call(Op.ACQUIRE, name, 0, Map.of(), "acquiring lock '" + name + "'");
            ticket = granted.ticket(); // before the holder: a census reads the ticket of a lock held
            holder = Thread.currentThread();
            holds = 1;
            Sync.this.granted.remove(ticket);
            try {
                dsm.release.acquire(granted.notices());
            } catch (RuntimeException e) {
                holder = null; // the caller never holds a lock whose acquire failed
                holds = 0;
                send(managerOf(name), new SyncWire.Sync(Op.RELEASE, ticket, dsm.tick(), 0, name, ""));
                throw e;
            }
            dsm.event(Kind.LOCK_GRANTED, -1, 0, name);
        }

        @Override
        public void unlock() {
            if (holder != Thread.currentThread()) {
                throw new IllegalMonitorStateException("lock '" + name + "' is not held by " + Thread.currentThread());
            }
            if (--holds == 0) {
                Map<Long, Long> notices = Map.of();
                RuntimeException failure = null;
                try {
                    notices = dsm.release.flush();
                } catch (RuntimeException e) {
                    failure = e; // the lock is released all the same, or it would be held forever
                    notices = dsm.release.published(); // with the notices of the diffs that were applied
                }
                holder = null;
                send(managerOf(name), new SyncWire.Sync(Op.RELEASE, ticket, dsm.tick(), 0, name, "", notices));
                dsm.event(Kind.LOCK_RELEASED, -1, 0, name);
                if (failure != null) {
                    throw failure;
                }
            }
        }

        @Override
        public boolean isHeldByCurrentThread() {
            return holder == Thread.currentThread();
        }
    }

    private final class BarrierHandle implements DistributedBarrier {
        private final String name;
        private final int parties;

        BarrierHandle(String name, int parties) {
            this.name = name;
            this.parties = parties;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int parties() {
            return parties;
        }

        @Override
        public void await() {
            Answer passed = call(Op.ARRIVE, name, parties, dsm.release.flush(), "waiting at barrier '" + name + "'");
            dsm.release.acquire(passed.notices());
            dsm.event(Kind.BARRIER_PASSED, -1, 0, name);
        }
    }

    // ------------------------------------------------------------------ frames

    void onFrame(int from, ByteBuf in) {
        onSync(from, SyncWire.readSync(in));
    }

    private void onSync(int from, SyncWire.Sync s) {
        dsm.receive(s.clock());
        switch (s.op()) {
            case ACQUIRE -> acquire(new Ticket(from, s.ticket()), s.name());
            case RELEASE -> release(new Ticket(from, s.ticket()), s.name(), s.notices());
            case WITHDRAW -> withdrawn(new Ticket(from, s.ticket()), s.name());
            case ARRIVE -> arrive(new Ticket(from, s.ticket()), s.name(), s.parties(), s.notices());
            case GRANT -> {
                if (!answer(from, s.ticket(), null, s.notices()) && dsm.recovery != null) {
                    // nobody waits for it (the acquire gave up while its manager moved): let it go
                    send(from, new SyncWire.Sync(Op.RELEASE, s.ticket(), dsm.tick(), 0, s.name(), ""));
                }
            }
            case PASS -> answer(from, s.ticket(), null, s.notices());
            case FAIL -> answer(from, s.ticket(), s.reason(), Map.of());
            case ASK -> tell(new Ask(from, s.ticket(), s.parties()));
            case HELD -> held(new Ticket(from, s.ticket()), s.name());
            case TOLD -> told(from, s.ticket());
        }
    }

    /** Completes the request {@code ticket} with an answer from {@code from}; false if none waits for it. */
    private boolean answer(int from, long ticket, String failure, Map<Long, Long> notices) {
        Waiter w = waiting.get(ticket);
        if (w == null || w.manager != from || !waiting.remove(ticket, w)) {
            return false; // withdrawn, or not from the manager that was asked
        }
        if (failure == null) {
            if (w.op == Op.ACQUIRE) {
                granted.put(ticket, w.name);
            }
            w.answer.complete(notices);
        } else {
            w.answer.completeExceptionally(new MemoryException(failure));
        }
        return true;
    }

    private void reply(Ticket to, Op op, String name, String reason) {
        reply(to, op, name, reason, Map.of());
    }

    /** Answers a ticket; false if its node is not live (it cannot be granted anything). */
    private boolean reply(Ticket to, Op op, String name, String reason, Map<Long, Long> notices) {
        return dsm.link.isLive(to.node())
                && send(to.node(), new SyncWire.Sync(op, to.ticket(), dsm.tick(), 0, name, reason, notices));
    }

    private Map<Long, Long> noticesOf(String lock) {
        return new TreeMap<>(lockNotices.getOrDefault(lock, Map.of())); // by page: the same order in every JVM
    }

    private synchronized void acquire(Ticket t, String name) {
        LockQueue q = locks.computeIfAbsent(name, n -> new LockQueue());
        q.waiting.add(t);
        if (managerOf(name) != dsm.self) {
            // a node that counts the lock's manager as dead before this one does asks here early: it
            // waits until this node takes the lock over after its census, or fails if it never does
            expireLater(t, name);
        } else if (q.holder == null) {
            passOn(q, name);
        }
    }

    /**
     * In six failure time-outs, fails acquire {@code t} if this node still does not manage the
     * lock then: it counts as live the manager that the asking node counted as dead (a cut between
     * those two alone), and would otherwise keep it waiting for ever.
     */
    private void expireLater(Ticket t, String name) {
        // more than the five failure time-outs for which a node whose reader stalled holds its verdicts back
        dsm.link.schedule(() -> expire(t, name), 6 * dsm.link.failureTimeout().toNanos());
    }

    private synchronized void expire(Ticket t, String name) {
        LockQueue q = locks.get(name);
        if (q == null || !q.waiting.contains(t) || managerOf(name) == dsm.self) {
            return; // granted, withdrawn, or to be granted in turn
        }
        if (frozen || census != null) {
            expireLater(t, name); // this node may be about to take it over
            return;
        }
        q.waiting.remove(t);
        if (q.holder == null && q.waiting.isEmpty()) {
            locks.remove(name);
        }
        reply(t, Op.FAIL, name, "lock '" + name + "': node '" + dsm.link.self().name() + "' was asked for it as its "
                + "manager, but counts node '" + dsm.nameOf(managerOf(name)) + "' as its manager (the asking node and "
                + "that one are cut off from each other)");
    }

    private synchronized void release(Ticket t, String name, Map<Long, Long> notices) {
        if (census != null) {
            releasedInCensus.add(t); // a held for it that comes later is stale
        }
        LockQueue q = locks.get(name);
        if (q == null) {
            return;
        }
        if (t.equals(q.holder)) {
            if (!notices.isEmpty()) {
                notices.forEach((page, version) -> lockNotices.computeIfAbsent(name, n -> new HashMap<>())
                        .merge(page, version, Math::max));
            }
            passOn(q, name);
        } else {
            q.waiting.remove(t);
        }
    }

    /**
     * Withdraws a waiting acquire or arrival, confirmed with a FAIL; one already granted or passed
     * stays (its answer is on the way).
     */
    private synchronized void withdrawn(Ticket t, String name) {
        LockQueue q = locks.get(name);
        Arrivals a = barriers.get(name);
        if (q != null && q.waiting.remove(t) || a != null && a.arrived.remove(t)) {
            reply(t, Op.FAIL, name, "withdrawn");
        }
    }

    /** Grants the lock to the first waiter that can take it (its node is live); none while a census runs. */
    private void passOn(LockQueue q, String name) {
        if (census != null || frozen || dsm.link.stopping()) {
            q.holder = null; // passed on once every node has told what it holds; never by a node being stopped
            return;
        }
        do {
            q.holder = q.waiting.poll();
        } while (q.holder != null && !reply(q.holder, Op.GRANT, name, "", noticesOf(name)));
        if (q.holder == null) {
            locks.remove(name);
        }
    }

    private synchronized void arrive(Ticket t, String name, int parties, Map<Long, Long> notices) {
        if (parties < 1) {
            reply(t, Op.FAIL, name, "barrier '" + name + "' needs at least one party, not " + parties);
            return;
        }
        Arrivals a = barriers.computeIfAbsent(name, n -> new Arrivals(parties));
        if (a.parties != parties) {
            reply(t, Op.FAIL, name, "barrier '" + name + "' is for " + a.parties + " parties, not " + parties);
            return;
        }
        a.arrived.add(t);
        notices.forEach((page, version) -> a.notices.merge(page, version, Math::max));
        if (a.arrived.size() == parties) {
            barriers.remove(name);
            for (Ticket each : a.arrived) {
                reply(each, Op.PASS, name, "", a.notices);
            }
        }
    }

    void nodeDied(int node) {
        String who = "node '" + dsm.nameOf(node) + "'";
        // backup copies: the locks it managed move to the next managers, which take a census
        boolean moved = dsm.recovery != null && dsm.isManagerNode(node) && dsm.recovery.deposed(node)
                && !dsm.recovery.fenced();
        // a node being stopped sees its peers go, and passes no lock on (passOn): its grants would
        // reach nodes that do not count it as dead yet, while the holder it dropped still holds
        synchronized (this) {
            if (census != null && census.waiting().remove(node)) {
                endCensusIfTold();
            }
            for (Map.Entry<String, LockQueue> e : new ArrayList<>(locks.entrySet())) {
                LockQueue q = e.getValue();
                q.waiting.removeIf(t -> t.node() == node);
                if (q.holder != null && q.holder.node() == node) {
                    passOn(q, e.getKey()); // the dead holder's writes under the lock stay as they are
                }
            }
            for (Map.Entry<String, Arrivals> e : new ArrayList<>(barriers.entrySet())) {
                if (e.getValue().arrived.stream().anyMatch(t -> t.node() == node)) {
                    barriers.remove(e.getKey());
                    for (Ticket t : e.getValue().arrived) {
                        if (t.node() != node) {
                            reply(t, Op.FAIL, e.getKey(), "barrier '" + e.getKey() + "' cannot complete: " + who
                                    + ", where a party waited, died");
                        }
                    }
                }
            }
        }
        if (moved && dsm.isManagerNode(dsm.self)) {
            startCensus(node);
        } else {
            synchronized (this) {
                frozen = false;
                endCensusIfTold(); // grants held back while the death was taken in
                passOnFree();
            }
        }
        waiting.forEach((ticket, w) -> {
            boolean withdrawn;
            synchronized (w) { // with withdraw: an acquire given up is not moved, or its withdrawal follows it
                if (w.manager != node) {
                    return;
                }
                // a request being withdrawn was not granted (no frame of the dead manager comes now): it is withdrawn
                withdrawn = w.withdrawing;
                int manager = moved && w.op == Op.ACQUIRE && !withdrawn ? managerOf(w.name) : node;
                if (manager != node) {
                    w.manager = manager; // the new manager queues it, and grants it after its census
                    if (send(manager, new SyncWire.Sync(Op.ACQUIRE, ticket, dsm.tick(), 0, w.name, ""))) {
                        return;
                    }
                }
            }
            answer(w.manager, ticket, withdrawn ? "withdrawn"
                    : "lock or barrier '" + w.name + "': its manager, " + who + ", died", Map.of());
        });
        List<Ask> due = new ArrayList<>();
        synchronized (deferred) {
            dead.add(node);
            // an ask from the dead node goes unanswered; one about it is answered now
            deferred.removeIf(a -> a.asker() == node || a.subject() == node && due.add(a));
        }
        due.forEach(this::tell);
    }

    /** Before the rest of the memory hears of a death: a new manager grants nothing until its census is set up. */
    synchronized void managerDying(int node) {
        if (dsm.recovery != null && dsm.isManagerNode(node)) {
            frozen = true;
        }
    }

    void nodeJoined(int node) {
        synchronized (deferred) {
            dead.remove(node); // a death of its next incarnation is a new one
        }
    }

    // ------------------------------------------------------------------ census of held locks (backup copies)

    /**
     * Asks every live node which locks that this node manages now it holds, once it counts
     * {@code dead} as dead too; grants nothing until all told.
     */
    private void startCensus(int dead) {
        Census c;
        List<Integer> asked;
        synchronized (this) {
            Set<Integer> peers = new HashSet<>();
            for (int peer : dsm.link.peers()) {
                peers.add(peer);
            }
            c = new Census(dsm.link.random().nextLong(), peers);
            census = c; // an earlier census's answers are not awaited any more: all are asked again
            frozen = false;
            for (LockHandle h : handles.values()) {
                if (h.holder != null && managerOf(h.name) == dsm.self) {
                    held(new Ticket(dsm.self, h.ticket), h.name); // written before the holder
                }
            }
            granted.forEach((ticket, name) -> {
                if (managerOf(name) == dsm.self) {
                    held(new Ticket(dsm.self, ticket), name);
                }
            });
            asked = List.copyOf(c.waiting());
        }
        for (int peer : asked) {
            if (!send(peer, new SyncWire.Sync(Op.ASK, c.id(), dsm.tick(), dead, "", ""))) {
                synchronized (this) {
                    c.waiting().remove(peer); // it died: no lock is held there any more
                }
            }
        }
        synchronized (this) {
            endCensusIfTold();
        }
    }

    /**
     * Tells {@code ask}'s asker which locks this node holds that it manages now, once this node counts
     * the dead manager as dead too (before, a grant of the old manager may still come).
     */
    private void tell(Ask ask) {
        synchronized (deferred) { // with the drain in nodeDied: an ask deferred is answered
            if (dsm.link.isLive(ask.subject()) && !dead.contains(ask.subject())) { // its grants may still come
                deferred.add(ask);
                return;
            }
        }
        for (LockHandle h : handles.values()) {
            if (h.holder != null && managerOf(h.name, ask.subject()) == ask.asker()) {
                send(ask.asker(), new SyncWire.Sync(Op.HELD, h.ticket, dsm.tick(), 0, h.name, "")); // after the holder
            }
        }
        granted.forEach((ticket, name) -> {
            if (managerOf(name, ask.subject()) == ask.asker()) {
                send(ask.asker(), new SyncWire.Sync(Op.HELD, ticket, dsm.tick(), 0, name, ""));
            }
        });
        send(ask.asker(), new SyncWire.Sync(Op.TOLD, ask.census(), dsm.tick(), 0, "", ""));
    }

    /** A node holds {@code name} with {@code t}: it is the lock's holder here. */
    private synchronized void held(Ticket t, String name) {
        if (census == null || releasedInCensus.contains(t)
                || t.node() != dsm.self && !census.waiting().contains(t.node())) {
            return; // not asked, or released since
        }
        LockQueue q = locks.computeIfAbsent(name, n -> new LockQueue());
        q.waiting.remove(t);
        if (q.holder == null) {
            q.holder = t;
        }
    }

    private synchronized void told(int from, long id) {
        if (census != null && census.id() == id && census.waiting().remove(from)) {
            endCensusIfTold();
        }
    }

    /** Once every live node told (holding this): the locks nobody holds go to their first waiters. */
    private void endCensusIfTold() {
        if (census == null || !census.waiting().isEmpty()) {
            return;
        }
        census = null;
        releasedInCensus.clear();
        passOnFree();
    }

    /** Grants each lock this node manages that nobody holds to its first waiter (holding this). */
    private void passOnFree() {
        for (Map.Entry<String, LockQueue> e : new ArrayList<>(locks.entrySet())) {
            if (e.getValue().holder == null && managerOf(e.getKey()) == dsm.self) {
                passOn(e.getValue(), e.getKey());
            }
        }
    }
}
