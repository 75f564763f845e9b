package dev.iris.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A check of the nodes of one JVM for a deadlock on distributed locks: a cycle of process threads,
 * each waiting for a lock that the next one holds. A lock waits without a time-out, so such a cycle
 * never ends by itself. It may end through a failure: a cycle through a node cut off from the others
 * breaks once the failure detector counts that node as dead and the lock is passed on. So a cycle
 * is reported only when the same one has lasted {@code patience} of the nodes' time.
 *
 * <p>Threads: called by a simulation's driver between steps, when nothing else runs.
 */
final class Deadlocks implements Supplier<String> {
    private final Supplier<List<Node>> nodes;
    private final LongSupplier nanos;
    private final long patience;
    /** The cycle found at the last look, and since when. */
    private List<Thread> seen;
    private long since;

    Deadlocks(Supplier<List<Node>> nodes, LongSupplier nanos, Duration patience) {
        this.nodes = nodes;
        this.nanos = nanos;
        this.patience = patience.toNanos();
    }

    /** The deadlock, described, once the same cycle has lasted long enough; else null. */
    @Override
    public String get() {
        Map<Thread, String> waits = new LinkedHashMap<>();
        Map<String, Thread> holders = new HashMap<>();
        Set<String> twice = new HashSet<>();
        for (Node node : nodes.get()) {
            if (!node.closed()) {
                node.dsm().locks(waits::put, (lock, holder) -> {
                    if (holders.putIfAbsent(lock, holder) != null) {
                        twice.add(lock);
                    }
                });
            }
        }
        // a lock two nodes hold: one of them was cut off and counted as dead, and the lock passed on;
        // which holder is real is not known here, so no cycle goes through it
        twice.forEach(holders::remove);
        List<Thread> cycle = waits.isEmpty() ? null : cycle(waits, holders);
        if (cycle == null || !cycle.equals(seen)) {
            seen = cycle;
            since = nanos.getAsLong();
            return null;
        }
        long lasted = nanos.getAsLong() - since;
        if (lasted < patience) {
            return null;
        }
        StringBuilder b = new StringBuilder("a deadlock on distributed locks, for ")
                .append(Duration.ofNanos(lasted).toSeconds()).append(" s of simulated time: ");
        for (int i = 0; i < cycle.size(); i++) {
            Thread t = cycle.get(i);
            b.append(i == 0 ? "" : "; ").append("process thread '").append(t.getName()).append("' waits for lock '")
                    .append(waits.get(t)).append("', which '").append(cycle.get((i + 1) % cycle.size()).getName())
                    .append("' holds");
        }
        return b.append(" (a lock waits without a time-out: take locks in the same order everywhere)").toString();
    }

    /** A cycle of waiting threads, begun at the one whose name comes first; null if there is none. */
    private static List<Thread> cycle(Map<Thread, String> waits, Map<String, Thread> holders) {
        for (Thread start : waits.keySet()) {
            List<Thread> path = new ArrayList<>();
            for (Thread t = start; t != null && waits.containsKey(t); t = holders.get(waits.get(t))) {
                int at = path.indexOf(t);
                if (at >= 0) {
                    List<Thread> cycle = new ArrayList<>(path.subList(at, path.size()));
                    Thread first = cycle.stream().min(Comparator.comparing(Thread::getName)).orElseThrow();
                    Collections.rotate(cycle, -cycle.indexOf(first));
                    return cycle;
                }
                path.add(t);
            }
        }
        return null;
    }
}
