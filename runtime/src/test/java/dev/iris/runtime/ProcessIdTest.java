package dev.iris.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcessIdTest {
    @Test
    void processIdsNameTheirNode() {
        ProcessId pid = ProcessId.process(0xCAFE0001, 42);
        assertEquals(0xCAFE0001, pid.nodeNumber());
        assertEquals(42, pid.localId());
        assertFalse(pid.isGroup());
        assertEquals(pid, new ProcessId(pid.value()));
    }

    @Test
    void groupFlagsShareTheSpace() {
        ProcessId group = ProcessId.group(7, 42, false);
        ProcessId localGroup = ProcessId.group(7, 42, true);
        ProcessId wellKnown = ProcessId.wellKnownGroup(17);
        assertTrue(group.isGroup() && !group.isLocalGroup() && !group.isWellKnownGroup());
        assertTrue(localGroup.isLocalGroup());
        assertTrue(wellKnown.isWellKnownGroup());
        assertEquals(17, wellKnown.localId());
        assertEquals(0, wellKnown.nodeNumber());
        assertNotEquals(ProcessId.process(7, 42), group);
        assertEquals("group:17", wellKnown.toString());
    }

    @Test
    void outOfRangeIdsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ProcessId.process(0, 1));
        assertThrows(IllegalArgumentException.class, () -> ProcessId.process(1, 0));
        assertThrows(IllegalArgumentException.class, () -> ProcessId.process(1, ProcessId.MAX_LOCAL_ID + 1));
        assertThrows(IllegalArgumentException.class, () -> ProcessId.wellKnownGroup(0));
    }

    @Test
    void nodeNumbersAreStableNonZeroHashesOfNames() {
        assertEquals(NodeId.of("node1"), NodeId.of("node1"));
        assertNotEquals(NodeId.of("node1").number(), NodeId.of("node2").number());
        assertThrows(IllegalArgumentException.class, () -> NodeId.of(" "));
    }
}
