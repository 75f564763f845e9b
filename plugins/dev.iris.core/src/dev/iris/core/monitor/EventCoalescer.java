package dev.iris.core.monitor;

import dev.iris.runtime.dsm.MemoryEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Collects memory events from any thread (the nodes' event threads, a monitor connection) and
 * hands them to a model in batches: a view asks a few times a second ({@link #drainInto}) and
 * repaints only the pages that changed, however many events arrived in between.
 *
 * <p>Threading: {@link #accept} from any thread; {@link #drainInto} from one thread (the UI's
 * timer, or a job) at a time. Memory is bounded by the events of one interval.
 */
public final class EventCoalescer implements Consumer<MemoryEvent> {
    private List<MemoryEvent> pending = new ArrayList<>();

    @Override
    public synchronized void accept(MemoryEvent event) {
        pending.add(event);
    }

    /** Applies the events that arrived since the last call, in causal order; returns the pages they touched. */
    public Set<Long> drainInto(PageOwnership model) {
        List<MemoryEvent> batch;
        synchronized (this) {
            batch = pending;
            pending = new ArrayList<>();
        }
        model.applyAll(batch);
        Set<Long> changed = new TreeSet<>();
        for (MemoryEvent e : batch) {
            if (e.page() >= 0) {
                changed.add(e.page());
            }
        }
        return changed;
    }
}
