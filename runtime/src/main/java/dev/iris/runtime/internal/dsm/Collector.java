package dev.iris.runtime.internal.dsm;

import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.DistributedLock;
import dev.iris.runtime.dsm.HeapType;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.dsm.SharedHeap.Collection;
import dev.iris.runtime.dsm.SharedRegion;
import dev.iris.runtime.internal.Blocking;
import dev.iris.runtime.internal.Log;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.HeapWire;
import dev.iris.runtime.transport.HeapWire.Answer;
import dev.iris.runtime.transport.HeapWire.Step;
import io.netty.buffer.ByteBuf;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.StampedLock;
import java.util.function.LongConsumer;

/**
 * The collection of the shared heaps: a mostly concurrent mark and sweep over the whole cluster,
 * run by one node at a time (under a cluster-wide lock) while the processes of every node go on.
 *
 * <p>The collecting node sends each live node the steps of {@link HeapWire} and waits for every
 * answer before the next step. <b>Start</b>: each node (having its JVM collect its own garbage
 * first, if the collection asks, so that the handles its processes dropped are cleared) begins to
 * record the reference words its processes write and the objects they allocate, and answers
 * with the objects its handles keep alive; the collector marks from those and from the shared
 * objects' reference words, reading
 * the heap through the shared memory while it changes. <b>Remark</b>: each node stops its
 * processes' reference writes and allocations (the gate, {@link #enter}), and answers with its
 * handles, the words written and objects allocated since start, and where its next allocations
 * will go; the collector marks from all of that (the words' values now) and from the roots again,
 * which leaves every object that any root, handle or process can reach marked. <b>Resume</b>:
 * the nodes go on. The collector then frees every unmarked object in the arenas taken by the
 * time of the remark, except where allocation went on after it. <b>End</b>: the nodes forget the
 * collection and reuse freed blocks again.
 *
 * <p>A collection is abandoned, and frees nothing, if a node does not answer a step (it died, or
 * did not within the fault time-out), refuses one, joins before the remark, or resumed by itself:
 * a node resumes after the fault time-out without a resume, and when its collector dies. A node
 * refuses to start a collection while another is under way there (from its start to its end), so
 * two collections never overlap, even without the lock: a collector whose lock's manager is dead
 * collects without it.
 * Release-consistent memory cannot be read by the collector in its current state, so references
 * there are refused ({@link #collect}).
 *
 * <p>Threads: steps are answered on a virtual thread each (taking the gate may wait for a process
 * in a fault); the gate is a {@link StampedLock}, read-locked by every change of the heap,
 * write-locked for a start (briefly) and from remark to resume.
 */
final class Collector {
    private static final System.Logger LOG = Log.of(Collector.class);
    private static final String LOCK = "iris:heap-collector";

    private final Dsm dsm;
    private final Heap heap;

    // ------------------------------------------------------------ this node's processes
    private final StampedLock gate = new StampedLock();
    /** Counted down once a pending stop has the gate, or gave up; null when none is pending. */
    private volatile CountDownLatch stopping;
    private volatile boolean recording;
    /** The collection this node takes part in, or 0; guarded by this for changes. */
    private volatile long current;
    private final Set<Long> written = ConcurrentHashMap.newKeySet();
    private final Set<Long> allocated = ConcurrentHashMap.newKeySet();
    private final Set<Hold> holds = ConcurrentHashMap.newKeySet();
    private final ReferenceQueue<Object> dropped = new ReferenceQueue<>();
    // guarded by this
    private int collectorNode;
    private long ended;
    private long stopStamp;
    private CompletableFuture<Boolean> resumed;

    // ------------------------------------------------------------ collecting
    /** The answer awaited from each node for the step under way. */
    private final Map<Integer, Awaited> answers = new ConcurrentHashMap<>();
    /** Counts the nodes that joined: a join before the remark abandons a collection. */
    private volatile long joins;
    /** For tests: told, on the collecting thread, each object the marking has read. */
    volatile LongConsumer scanned = object -> { };

    /** The heap collection for which this JVM last collected its own garbage ({@link #collectThisJvm}). */
    private static final long[] JVM_COLLECTED = {0};

    /** A handle's hold on an object: the object stays while the handle is reachable. */
    private static final class Hold extends WeakReference<Object> {
        final long object;

        Hold(Object holder, long object, ReferenceQueue<Object> queue) {
            super(holder, queue);
            this.object = object;
        }
    }

    Collector(Dsm dsm, Heap heap) {
        this.dsm = dsm;
        this.heap = heap;
    }

    // ------------------------------------------------------------ the gate

    /**
     * Enters a change of the heap: waits while a collection stops this node, or is about to. (A
     * {@link StampedLock}'s readers pass a writer that waits: changes that overlap would keep a stop
     * waiting for ever, so none enters while one is pending.)
     */
    long enter() {
        if (stopping == null) {
            long stamp = gate.tryReadLock();
            if (stamp != 0) {
                return stamp;
            }
        }
        Blocking.check("a change of a shared heap while a collection stops node '" + dsm.link.self().name() + "'");
        boolean interrupted = false;
        try {
            while (true) {
                CountDownLatch pending = stopping;
                if (pending == null) {
                    return gate.readLock(); // waits while stopped
                }
                try {
                    pending.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    void exit(long stamp) {
        gate.unlockRead(stamp);
    }

    /** A reference word is being written (inside the gate). */
    void wrote(long word) {
        if (recording) {
            written.add(word);
        }
    }

    /** An object is being allocated (inside the gate, before its header is written). */
    void allocated(long object) {
        if (recording) {
            allocated.add(object);
        }
    }

    /** Whether a collection is under way here (freed blocks are not reused then). */
    boolean collecting() {
        return current != 0;
    }

    void hold(Object holder, long object) {
        Reference<?> gone;
        while ((gone = dropped.poll()) != null) {
            holds.remove(gone);
        }
        holds.add(new Hold(holder, object, dropped));
    }

    // ------------------------------------------------------------ answering steps

    /** A HEAP step or answer from live peer {@code from}, on an event loop. */
    void onFrame(int from, FrameKind kind, ByteBuf payload) {
        if (kind == FrameKind.HEAP_REPLY) {
            Answer answer = HeapWire.readAnswer(payload);
            Awaited waiting = answers.get(from);
            if (waiting != null && waiting.op() == answer.op() && waiting.collection() == answer.collection()) {
                waiting.answer().complete(answer);
            } // else the answer to an earlier step: the END of a collection that was abandoned
            return;
        }
        Step step = HeapWire.readStep(payload);
        dsm.link.newThread("iris-heap-step", () -> {
            Answer answer = answer(from, step);
            dsm.send(from, FrameKind.HEAP_REPLY, HeapWire.answer(dsm.link.alloc(), answer));
        }).start();
    }

    private Answer answer(int from, Step step) {
        long c = step.collection();
        return switch (step.op()) {
            case HeapWire.START, HeapWire.START_CLEARING -> start(from, c, step.op());
            case HeapWire.REMARK -> remark(c);
            case HeapWire.RESUME -> resume(c);
            default -> end(c);
        };
    }

    private Answer start(int from, long c, int op) {
        if (op == HeapWire.START_CLEARING && holds.stream().anyMatch(h -> !h.refersTo(null))) {
            collectThisJvm(c);
        }
        long stamp = stop();
        if (stamp == 0) {
            return refused(op, c, "its processes' changes of the heap did not pause within the fault "
                    + "time-out");
        }
        try {
            synchronized (this) {
                if (ended == c || current != 0) { // another one's sweep must not meet blocks reused after its end
                    return refused(op, c, ended == c ? "that collection has ended here"
                            : "collection " + Long.toHexString(current) + " is under way here");
                }
                current = c;
                collectorNode = from;
                written.clear();
                allocated.clear();
                recording = true;
            }
        } finally {
            gate.unlockWrite(stamp);
        }
        return new Answer(op, c, HeapWire.DONE, handles().stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * Has this JVM collect its garbage, once per heap collection however many of its nodes start
     * it: a handle keeps its object until the JVM finds the handle unreachable, so without this the
     * objects of handles dropped since the JVM last collected would wait for a later collection.
     */
    private static void collectThisJvm(long collection) {
        synchronized (JVM_COLLECTED) { // a node that comes second waits for the first one's collection
            if (JVM_COLLECTED[0] != collection) {
                System.gc();
                JVM_COLLECTED[0] = collection;
            }
        }
    }

    private Answer remark(long c) {
        synchronized (this) {
            if (current != c) {
                return refused(HeapWire.REMARK, c, "it does not take part in that collection (any more)");
            }
        }
        long stamp = stop();
        if (stamp == 0) {
            return refused(HeapWire.REMARK, c, "its processes' changes of the heap did not pause within the fault "
                    + "time-out");
        }
        CompletableFuture<Boolean> resume = new CompletableFuture<>();
        synchronized (this) {
            if (current != c) {
                gate.unlockWrite(stamp);
                return refused(HeapWire.REMARK, c, "that collection ended here meanwhile");
            }
            recording = false;
            stopStamp = stamp;
            resumed = resume;
        }
        List<Long> addresses = new ArrayList<>();
        List<Long> handles = handles();
        addresses.add((long) handles.size());
        addresses.addAll(handles);
        addresses.add((long) written.size());
        addresses.addAll(written);
        addresses.add((long) allocated.size());
        addresses.addAll(allocated);
        List<long[]> open = new ArrayList<>();
        for (Heap.Allocator a : heap.heaps()) {
            open.addAll(a.open());
        }
        addresses.add(2L * open.size());
        for (long[] range : open) {
            addresses.add(range[0]);
            addresses.add(range[1]);
        }
        written.clear();
        allocated.clear();
        if (addresses.size() > HeapWire.MAX_ADDRESSES) {
            end(c);
            return refused(HeapWire.REMARK, c, "its processes changed " + addresses.size()
                    + " references and objects during it, more than one answer carries");
        }
        dsm.link.newThread("iris-heap-stop", () -> {
            try {
                dsm.link.time().get(resume, dsm.link.time().nanos() + dsm.config.faultTimeout().toNanos());
            } catch (TimeoutException | InterruptedException | ExecutionException e) {
                giveUp(resume);
            }
        }).start();
        return new Answer(HeapWire.REMARK, c, HeapWire.DONE, addresses.stream().mapToLong(Long::longValue).toArray());
    }

    private Answer resume(long c) {
        CompletableFuture<Boolean> resume;
        synchronized (this) {
            if (current != c || resumed == null) {
                return refused(HeapWire.RESUME, c, current != c ? "it does not take part in that collection (any "
                        + "more)" : "it has resumed by itself");
            }
            resume = resumed;
            resumed = null;
            gate.unlockWrite(stopStamp);
        }
        resume.complete(true);
        return new Answer(HeapWire.RESUME, c, HeapWire.DONE, new long[0]);
    }

    private Answer end(long c) {
        synchronized (JVM_COLLECTED) {
            if (JVM_COLLECTED[0] == c) {
                JVM_COLLECTED[0] = 0; // a simulation's seed run again draws the same id: it collects again
            }
        }
        synchronized (this) {
            ended = c;
            if (current == c) {
                if (resumed != null) {
                    resumed.complete(false);
                    resumed = null;
                    gate.unlockWrite(stopStamp);
                }
                current = 0;
                recording = false;
                written.clear();
                allocated.clear();
            }
        }
        return new Answer(HeapWire.END, c, HeapWire.DONE, new long[0]);
    }

    /** The stop has lasted the fault time-out without a resume: go on (the collection will be abandoned). */
    private synchronized void giveUp(CompletableFuture<Boolean> resume) {
        if (resumed == resume) {
            LOG.log(System.Logger.Level.WARNING, "Node ''{0}'': the collector stopped its processes for longer "
                    + "than {1} ms; they go on", dsm.link.self().name(), dsm.config.faultTimeout().toMillis());
            resumed = null;
            gate.unlockWrite(stopStamp);
        }
    }

    /** Write-locks the gate, waiting for the changes under way up to the fault time-out; 0 if it could not. */
    private long stop() {
        CountDownLatch pending = new CountDownLatch(1);
        synchronized (this) { // one stop pending at a time (a start and a remark may overlap)
            while (stopping != null) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0;
                }
            }
            stopping = pending;
        }
        try {
            return gate.tryWriteLock(dsm.config.faultTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } finally {
            synchronized (this) {
                stopping = null;
                notifyAll();
            }
            pending.countDown();
        }
    }

    private List<Long> handles() {
        List<Long> live = new ArrayList<>();
        for (Hold h : holds) {
            if (!h.refersTo(null)) {
                live.add(h.object);
            }
        }
        return live;
    }

    /** A refusal; the reason goes to this node's log (the collecting node learns only that it was refused). */
    private Answer refused(int op, long c, String why) {
        LOG.log(System.Logger.Level.WARNING, "Node ''{0}'' refuses step {1} ({2}) of heap collection {3}: {4}",
                dsm.link.self().name(), op, HeapWire.stepName(op), Long.toHexString(c), why);
        return new Answer(op, c, HeapWire.REFUSED, new long[0]);
    }

    /** Peer {@code node} died: a collection it ran here ends; its answers fail. */
    void nodeDied(int node) {
        long c;
        synchronized (this) {
            c = current != 0 && collectorNode == node ? current : 0;
        }
        if (c != 0) {
            end(c);
        }
        Awaited waiting = answers.get(node);
        if (waiting != null) {
            waiting.answer().completeExceptionally(new MemoryException("it died"));
        }
    }

    void nodeJoined(int node) {
        joins++;
    }

    // ------------------------------------------------------------ collecting

    /**
     * Collects on a thread of its own: the caller's may be in a transaction, whose reads see its
     * snapshot. With {@code clearing}, every node's JVM collects its own garbage first.
     */
    Collection collect(boolean clearing) {
        refuseReleaseReferences();
        CompletableFuture<Collection> done = new CompletableFuture<>();
        dsm.link.newThread("iris-heap-collector", () -> {
            try {
                DistributedLock lock = dsm.lock(LOCK);
                boolean locked = false;
                try {
                    lock.lock();
                    locked = true;
                } catch (MemoryException e) {
                    if (dsm.sync.managerLive(LOCK)) {
                        throw e;
                    }
                    // safe without it: a node refuses to start a collection while another is under way there
                    LOG.log(System.Logger.Level.WARNING, "Node ''{0}'' collects without the collectors'' lock: {1}; "
                            + "a collection started elsewhere meanwhile abandons this one or that one",
                            dsm.link.self().name(), e.getMessage());
                }
                try {
                    done.complete(collectOnce(clearing));
                } finally {
                    if (locked) {
                        lock.unlock();
                    }
                }
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        }).start();
        try {
            return done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private void refuseReleaseReferences() {
        for (HeapType type : dsm.config.heapTypes()) {
            boolean release = dsm.config.regions().stream()
                    .anyMatch(r -> r.name().equals(type.heap()) && r.consistency() == Consistency.RELEASE);
            if (release && (!type.references().isEmpty() || type.referenceElements())) {
                throw new IllegalStateException("cannot collect: heap type '" + type.name() + "' has references in "
                        + "release-consistent heap '" + type.heap() + "', which the collector cannot read; free its "
                        + "objects explicitly, or give the heap another consistency model");
            }
        }
        for (MemoryConfig.Region region : dsm.config.regions()) {
            if (region.consistency() == Consistency.RELEASE && !region.references().isEmpty()) {
                throw new IllegalStateException("cannot collect: shared object '" + region.name() + "' holds "
                        + "references in release-consistent memory, which the collector cannot read");
            }
        }
    }

    private Collection collectOnce(boolean clearing) {
        long c = dsm.link.random().nextLong(1, Long.MAX_VALUE);
        int[] peers = dsm.link.peers();
        int[] nodes = new int[peers.length + 1];
        nodes[0] = dsm.self;
        System.arraycopy(peers, 0, nodes, 1, peers.length);
        Map<Integer, String> names = new HashMap<>();
        for (int node : nodes) {
            names.put(node, dsm.link.nameOf(node));
        }
        long joined = joins;
        Marker marker = new Marker();
        long freed = 0;
        long bytes = 0;
        long pause;
        try {
            for (Answer a : ask(nodes, names, clearing ? HeapWire.START_CLEARING : HeapWire.START, c).values()) {
                marker.addAll(a.addresses(), 0, a.addresses().length);
            }
            marker.roots();
            marker.drain();
            Map<Integer, Answer> remarked = ask(nodes, names, HeapWire.REMARK, c);
            long stopped = System.nanoTime();
            if (joins != joined) {
                throw new MemoryException("a node joined the cluster during it");
            }
            List<long[]> open = new ArrayList<>();
            for (Answer a : remarked.values()) {
                long[] x = a.addresses();
                int i = 0;
                for (int list = 0; list < 4; list++) {
                    int n = (int) x[i++];
                    if (list == 1) {
                        for (int k = i; k < i + n; k++) {
                            marker.add(dsm.scanLong(x[k]));
                        }
                    } else if (list == 3) {
                        for (int k = i; k < i + n; k += 2) {
                            open.add(new long[] {x[k], x[k + 1]});
                        }
                    } else {
                        marker.addAll(x, i, n);
                    }
                    i += n;
                }
            }
            Map<Heap.Allocator, Long> taken = new LinkedHashMap<>();
            for (Heap.Allocator a : heap.heaps()) {
                if (a.region.consistency() != Consistency.RELEASE) {
                    taken.put(a, a.taken());
                }
            }
            marker.roots();
            marker.drain();
            ask(nodes, names, HeapWire.RESUME, c);
            pause = System.nanoTime() - stopped;
            open.sort(Comparator.comparingLong(r -> r[0]));
            for (Map.Entry<Heap.Allocator, Long> e : taken.entrySet()) {
                long[] swept = sweep(e.getKey(), e.getValue(), marker.marked, open);
                freed += swept[0];
                bytes += swept[1];
            }
        } catch (RuntimeException | Error e) {
            end(nodes, names, c); // else the nodes would refuse every later collection
            if (!(e instanceof MemoryException)) {
                throw e;
            }
            throw new MemoryException("the collection of the shared heaps from node '" + dsm.link.self().name()
                    + "' was abandoned" + (freed == 0 ? " and freed nothing" : " after freeing " + freed + " objects")
                    + ": " + e.getMessage());
        }
        end(nodes, names, c);
        return new Collection(marker.marked.size(), freed, bytes, pause);
    }

    /**
     * Ends collection {@code c} on every node that answers, before the lock is passed on: a node
     * refuses the next collection's start until this one's end has reached it.
     */
    private void end(int[] nodes, Map<Integer, String> names, long c) {
        for (int node : nodes) {
            try {
                ask(new int[] {node}, names, HeapWire.END, c);
            } catch (MemoryException e) {
                // a node that died since has nothing to end
            }
        }
    }

    /**
     * Frees the unmarked objects of {@code heap}'s first {@code arenas} arenas, outside {@code open},
     * and lists them for reuse here, with the blocks freed before (outside a release-consistent
     * heap, where a reuse claims a block by a compare-and-set, so that a block another node lists
     * too is allocated once).
     */
    private long[] sweep(Heap.Allocator a, long arenas, Set<Long> marked, List<long[]> open) {
        long[] freed = new long[2];
        Heap.Visitor before = a.region.consistency() == Consistency.RELEASE ? null
                : (at, header, type, size) -> a.recycle(at, size);
        heap.walk(a, arenas, open, before, (at, header, type, size) -> {
            if (!marked.contains(at) && heap.release(a, at, header, size)) {
                freed[0]++;
                freed[1] += size;
                a.recycle(at, size);
            }
        });
        return freed;
    }

    /** Step {@code op} of collection {@code collection}, sent to a node: its answer completes {@code answer}. */
    private record Awaited(int op, long collection, CompletableFuture<Answer> answer) {
    }

    /** Sends step {@code op} to every node and waits for every answer; a refusal or a missing answer abandons. */
    private Map<Integer, Answer> ask(int[] nodes, Map<Integer, String> names, int op, long c) {
        Map<Integer, CompletableFuture<Answer>> waiting = new LinkedHashMap<>();
        for (int node : nodes) {
            if (node == dsm.self) {
                waiting.put(node, CompletableFuture.completedFuture(answer(node, new Step(op, c))));
                continue;
            }
            CompletableFuture<Answer> answer = new CompletableFuture<>();
            Awaited awaited = new Awaited(op, c, answer);
            answers.put(node, awaited);
            waiting.put(node, answer);
            if (!dsm.send(node, FrameKind.HEAP, HeapWire.step(dsm.link.alloc(), new Step(op, c)))) {
                answer.completeExceptionally(new MemoryException("node '" + names.get(node) + "' is not live"));
            }
        }
        Map<Integer, Answer> all = new LinkedHashMap<>();
        for (Map.Entry<Integer, CompletableFuture<Answer>> e : waiting.entrySet()) {
            String name = names.get(e.getKey());
            Answer answer;
            try {
                answer = dsm.await(e.getValue(), () -> "the answer of node '" + name + "' to a collection step",
                        timedOut -> { });
            } catch (MemoryException failed) {
                throw new MemoryException("node '" + name + "' did not answer step " + op + ": " + failed.getMessage());
            }
            answers.computeIfPresent(e.getKey(), (node, a) -> a.answer() == e.getValue() ? null : a);
            if (answer.status() != HeapWire.DONE || answer.collection() != c || answer.op() != op) {
                throw new MemoryException("node '" + name + "' refused step " + op + " ("
                        + HeapWire.stepName(op) + "; its log says why)");
            }
            all.put(e.getKey(), answer);
        }
        return all;
    }

    /** The marking: objects reached so far, and those still to read. */
    private final class Marker {
        final Set<Long> marked = new HashSet<>();
        private final ArrayDeque<Long> work = new ArrayDeque<>();

        void add(long object) {
            if (object != 0 && (object & 7) == 0 && !marked.contains(object) && collectable(object)) {
                work.push(object);
            }
        }

        void addAll(long[] objects, int from, int count) {
            for (int i = from; i < from + count; i++) {
                add(objects[i]);
            }
        }

        /** The reference words of the shared objects, and the heaps' named roots. */
        void roots() {
            List<SharedRegion> layout = dsm.regions();
            for (int r = 0; r < layout.size(); r++) {
                for (long offset : dsm.config.regions().get(r).references()) {
                    add(dsm.scanLong(layout.get(r).base() + offset));
                }
            }
            for (Heap.Allocator a : heap.heaps()) {
                a.roots(this::add);
            }
        }

        void drain() {
            while (!work.isEmpty()) {
                long object = work.pop();
                if (!marked.add(object)) {
                    continue;
                }
                long header = dsm.scanLong(object);
                HeapType type = heap.types.get((int) header);
                if (type == null) {
                    continue; // freed, or never allocated: a stale reference holds nothing
                }
                for (int offset : type.references()) {
                    add(dsm.scanLong(object + HeapType.HEADER + offset));
                }
                if (type.referenceElements()) {
                    long elements = object + type.elementsOffset();
                    for (long i = 0, n = header >>> 32; i < n; i++) {
                        add(dsm.scanLong(elements + 8 * i));
                    }
                }
                scanned.accept(object);
            }
        }

        private boolean collectable(long address) {
            for (Heap.Allocator a : heap.heaps()) {
                if (a.region.contains(address)) {
                    return a.region.consistency() != Consistency.RELEASE && address >= a.arenaBase(0);
                }
            }
            return false;
        }
    }
}
