package dev.iris.runtime;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The requests of one node waiting for their answers, by request id. The node hands out ids in
 * sequence, so the requests in flight at one time nearly always fall into different slots of an
 * array indexed by the id's low bits; a request whose slot is taken (more than {@value #SLOTS} in
 * flight, or one waiting very long) goes to a map. Lock-free, and nothing is allocated per request
 * on the common path (a map would box the id and allocate an entry for every request).
 */
final class PendingTable {
    private static final int SLOTS = 1 << 14;
    private final AtomicReferenceArray<Pending> slots = new AtomicReferenceArray<>(SLOTS);
    private final ConcurrentHashMap<Long, Pending> overflow = new ConcurrentHashMap<>();

    private static int slot(long requestId) {
        return (int) requestId & (SLOTS - 1);
    }

    void put(Pending p) {
        if (!slots.compareAndSet(slot(p.requestId), null, p)) {
            overflow.put(p.requestId, p);
        }
    }

    /** The request with id {@code requestId}, or null if it is not waiting (any more). */
    Pending get(long requestId) {
        Pending p = slots.get(slot(requestId));
        if (p != null && p.requestId == requestId) {
            return p;
        }
        return overflow.isEmpty() ? null : overflow.get(requestId);
    }

    /** Removes {@code p} if it is still the request waiting under {@code requestId}; whether it was. */
    boolean remove(long requestId, Pending p) {
        int i = slot(requestId);
        return slots.get(i) == p ? slots.compareAndSet(i, p, null) : overflow.remove(requestId, p);
    }

    /** Removes the request waiting under {@code requestId}, if any. */
    void remove(long requestId) {
        Pending p = get(requestId);
        if (p != null) {
            remove(requestId, p);
        }
    }

    /** Every waiting request (those that come or go meanwhile may be missed). */
    void forEach(Consumer<Pending> action) {
        for (int i = 0; i < SLOTS; i++) {
            Pending p = slots.get(i);
            if (p != null) {
                action.accept(p);
            }
        }
        overflow.values().forEach(action);
    }
}
