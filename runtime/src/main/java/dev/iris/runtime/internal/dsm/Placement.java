package dev.iris.runtime.internal.dsm;

import dev.iris.runtime.dsm.HeapType;
import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.internal.Blocking;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.PlaceWire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Allocation on a named node ({@link PlaceWire}): the asking node sends PLACE with the type and
 * length; the named node allocates from its own arenas, so the object's pages are its own, keeps
 * the object alive for the asking node and answers PLACED with the address; the asking node makes
 * its handle (inside its gate) and then sends PLACE taken, which ends the keeping. So no
 * collection frees the object between its allocation and the asking node's handle: until the
 * handle exists, the named node's hold is a root. A hold ends also when the asking node gives up
 * waiting (it sends taken for an answer that comes late) or dies.
 *
 * <p>Threads: frames arrive on an event loop; an allocation runs on a thread of its own (it may
 * wait at the gate or for an arena); the asking thread waits up to the fault time-out.
 */
final class Placement {
    private final Dsm dsm;
    private final Heap heap;
    /** The last request number; random at start, so that a node started again under its name asks with others. */
    private final AtomicLong requests;
    /** The answers this node waits for, by request. */
    private final Map<Long, Awaited> awaited = new ConcurrentHashMap<>();
    /** The objects this node keeps alive for peers that have not taken them yet: their holders. */
    private final Map<Lent, Object> lent = new ConcurrentHashMap<>();

    private record Awaited(int node, String what, CompletableFuture<Long> address) {
    }

    private record Lent(int node, long request) {
    }

    /** An object allocated on another node, kept there until {@link #taken}. */
    record Placed(int node, long request, long address) {
    }

    /** The most objects a node keeps for its peers at once; more allocations are refused until some are taken. */
    static final int MOST_LENT = 4096;

    Placement(Dsm dsm, Heap heap) {
        this.dsm = dsm;
        this.heap = heap;
        this.requests = new AtomicLong(dsm.link.random().nextLong(1, Long.MAX_VALUE / 2));
    }

    /**
     * The number of the live node named {@code name}.
     *
     * @throws MemoryException if none is
     */
    int node(String name) {
        if (dsm.link.self().name().equals(name)) {
            return dsm.self;
        }
        List<String> live = new ArrayList<>(List.of(dsm.link.self().name()));
        for (int peer : dsm.link.peers()) {
            if (dsm.link.isLive(peer)) {
                if (dsm.nameOf(peer).equals(name)) {
                    return peer;
                }
                live.add(dsm.nameOf(peer));
            }
        }
        live.sort(null);
        throw new MemoryException("no live node is named '" + name + "' (the live nodes: " + String.join(", ", live)
                + ")");
    }

    /** Allocates an object of {@code type} with {@code length} elements on peer {@code node}, waiting for its answer. */
    Placed place(int node, HeapType type, int length) {
        String what = "the allocation of a '" + type.name() + "' on node '" + dsm.nameOf(node) + "'";
        Blocking.check(what); // before anything is sent
        long request = requests.incrementAndGet();
        CompletableFuture<Long> address = new CompletableFuture<>();
        awaited.put(request, new Awaited(node, what, address));
        if (!dsm.send(node, FrameKind.PLACE, PlaceWire.place(dsm.link.alloc(),
                new PlaceWire.Place(PlaceWire.ALLOCATE, request, type.id(), length)))) {
            awaited.remove(request);
            throw new MemoryException(what + " failed: it is not a live member");
        }
        long placed = dsm.await(address, () -> what, timedOut -> {
            awaited.remove(request);
            address.thenRun(() -> taken(node, request)); // an answer taken meanwhile ends its hold
        });
        return new Placed(node, request, placed);
    }

    /** Tells {@code node} that this node holds the object of {@code request} now (or gave up on it). */
    void taken(int node, long request) {
        dsm.send(node, FrameKind.PLACE, PlaceWire.place(dsm.link.alloc(),
                new PlaceWire.Place(PlaceWire.TAKEN, request, 0, 0)));
    }

    /** A PLACE or PLACED from live peer {@code from}, on an event loop. */
    void onFrame(int from, FrameKind kind, ByteBuf payload) {
        if (kind == FrameKind.PLACED) {
            PlaceWire.Placed answer = PlaceWire.readPlaced(payload);
            Awaited waiting = awaited.get(answer.request());
            if (waiting == null || waiting.node() != from) {
                if (answer.status() == PlaceWire.PLACED) {
                    taken(from, answer.request()); // nobody waits for it any more
                }
                return;
            }
            awaited.remove(answer.request());
            if (answer.status() == PlaceWire.PLACED) {
                waiting.address().complete(answer.address());
            } else {
                waiting.address().completeExceptionally(new MemoryException(waiting.what() + " was refused there: "
                        + answer.reason()));
            }
            return;
        }
        PlaceWire.Place place = PlaceWire.readPlace(payload);
        Lent key = new Lent(from, place.request());
        if (place.op() == PlaceWire.TAKEN) {
            lent.remove(key);
            return;
        }
        HeapType type = heap.types.get(place.type());
        dsm.link.newThread("iris-heap-place", () -> allocate(key, type, place)).start();
    }

    /** Allocates for peer {@code key.node()} and answers, keeping the object alive until it is taken. */
    private void allocate(Lent key, HeapType type, PlaceWire.Place place) {
        Object holder = new Object();
        PlaceWire.Placed answer;
        Error error = null;
        try {
            if (type == null) {
                throw new IllegalArgumentException("no heap type of node '" + dsm.link.self().name() + "' has id "
                        + place.type() + ": list the same types in MemoryConfig.heapTypes on every node");
            }
            if (lent.size() >= MOST_LENT) {
                throw new IllegalStateException("node '" + dsm.link.self().name() + "' keeps " + MOST_LENT
                        + " objects allocated for other nodes that have not taken them yet");
            }
            if (lent.putIfAbsent(key, holder) != null) {
                throw new IllegalStateException("request " + place.request() + " is under way already");
            }
            if (!dsm.link.isLive(key.node())) {
                throw new IllegalStateException("the asking node died"); // its holds may have been dropped already
            }
            long address = heap.allocate(type, place.length(), a -> {
                heap.collector.hold(holder, a); // inside the gate, as a handle
                return a;
            });
            answer = new PlaceWire.Placed(place.request(), PlaceWire.PLACED, address, "");
        } catch (RuntimeException | Error e) {
            lent.remove(key, holder);
            answer = new PlaceWire.Placed(place.request(), PlaceWire.REFUSED, 0, String.valueOf(e.getMessage()));
            error = e instanceof Error err ? err : null;
        }
        if (!dsm.send(key.node(), FrameKind.PLACED, PlaceWire.placed(dsm.link.alloc(), answer))) {
            lent.remove(key, holder);
        }
        if (error != null) {
            throw error;
        }
    }

    /** This node closes: the allocations it waits for fail. */
    void close() {
        awaited.forEach((request, waiting) -> {
            if (awaited.remove(request, waiting)) {
                waiting.address().completeExceptionally(new MemoryException(waiting.what() + " failed: node '"
                        + dsm.link.self().name() + "' is shutting down"));
            }
        });
    }

    void nodeDied(int node) {
        lent.keySet().removeIf(k -> k.node() == node);
        awaited.forEach((request, waiting) -> {
            if (waiting.node() == node && awaited.remove(request, waiting)) {
                waiting.address().completeExceptionally(new MemoryException(waiting.what()
                        + " failed: the node died before it answered"));
            }
        });
    }
}
