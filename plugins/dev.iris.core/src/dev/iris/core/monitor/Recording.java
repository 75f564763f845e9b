package dev.iris.core.monitor;

import dev.iris.runtime.dsm.ClusterPageTable;
import dev.iris.runtime.dsm.MemoryEvent;
import java.util.List;

/**
 * A recorded run: the page table at its start and every memory event after it, in causal order.
 * {@link #at} replays it to any moment, which is what the views' time slider shows.
 */
public record Recording(ClusterPageTable start, List<MemoryEvent> events) {
    public Recording {
        events = events.stream().sorted(PageOwnership.ORDER).toList();
    }

    /** The model after every event whose Lamport clock is at most {@code clock}. */
    public PageOwnership at(long clock) {
        PageOwnership model = PageOwnership.of(start);
        for (MemoryEvent e : events) {
            if (e.clock() > clock) {
                break;
            }
            model.apply(e);
        }
        return model;
    }

    /** The model after the whole run. */
    public PageOwnership end() {
        return at(Long.MAX_VALUE);
    }
}
