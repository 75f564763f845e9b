package dev.iris.ui.internal.views;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.iris.core.monitor.ClusterMonitor;
import dev.iris.runtime.NameScope;
import dev.iris.runtime.NodeId;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.RegisteredName;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.monitor.MonitorMessage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the Process Groups view lists for a cluster: its groups, then the names registered at run time. */
class ProcessGroupsViewTest {
    @Test
    void theNamesProcessesRegisteredShowAfterTheGroupsWithTheirHolderAndScope() {
        ProcessId teller = ProcessId.process(NodeId.of("n2").number(), 4);
        ProcessId tellers = ProcessId.wellKnownGroup(2);
        ClusterMonitor recording = ClusterMonitor.recording("lab", List.of(
                new MonitorMessage.State("n2", "h:2", List.of("n1", "n2"), Map.of(teller, "Teller"),
                        Map.of(tellers, Set.of(teller)), List.of(),
                        List.of(new RegisteredName("cashier", teller, NameScope.CLUSTER),
                                new RegisteredName("till", teller, NameScope.NODE))),
                new MonitorMessage.Memory(new MemoryEvent(MemoryEvent.Kind.OWNERSHIP_GAINED, "n2", 0, "n1", "data", 0,
                        3))));

        List<ProcessGroupsView.Row> rows = ProcessGroupsView.rows(recording);
        assertEquals(2, rows.size(), rows::toString);
        assertEquals(List.of("n2 (1)"), rows.get(0).children().stream().map(ProcessGroupsView.Row::label).toList());
        assertEquals("names \u2014 2 registered", rows.get(1).label());
        assertEquals(List.of("cashier \u2192 Teller  " + teller + " (cluster)", "till \u2192 Teller  " + teller + " (node)"),
                rows.get(1).children().stream().map(ProcessGroupsView.Row::label).toList());
    }
}
