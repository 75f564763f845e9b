package dev.iris.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.core.ClusterRegistry.Cluster;
import dev.iris.core.ClusterRegistry.Cluster.State;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ClusterRegistryTest {
    private final ClusterRegistry registry = new ClusterRegistry();

    @Test
    void putReplacesByNameAndKeepsOrder() {
        AtomicInteger changes = new AtomicInteger();
        registry.addListener(r -> changes.incrementAndGet());

        registry.put(new Cluster("local", List.of("n1", "n2"), State.STARTING));
        registry.put(new Cluster("lab", List.of("a"), State.RUNNING));
        registry.put(new Cluster("local", List.of("n1", "n2"), State.RUNNING));

        assertEquals(List.of("local", "lab"), registry.clusters().stream().map(Cluster::name).toList());
        assertEquals(State.RUNNING, registry.clusters().get(0).state());
        assertEquals(3, changes.get());

        assertTrue(registry.remove("local"));
        assertFalse(registry.remove("local"));
        assertEquals(4, changes.get(), "a remove of nothing tells no one");
    }

    /** Each example's {@code local} cluster is a cluster of its own, named with its project. */
    @Test
    void clustersOfTheSameNameInTwoProjectsAreTwo() {
        registry.put(new Cluster("local", "bank", List.of("n1"), State.RUNNING, null));
        registry.put(new Cluster("local", "names", List.of("n1", "n2"), State.RUNNING, null));
        registry.put(new Cluster("local", "bank", List.of("n1"), State.STOPPED, null));
        assertEquals(List.of("local (bank)", "local (names)"), registry.clusters().stream().map(Cluster::label).toList());
        assertEquals(State.STOPPED, registry.clusters().get(0).state(), "a project's cluster replaces its own entry");
        assertEquals("lab", new Cluster("lab", List.of("a"), State.RUNNING).label());
    }

    @Test
    void namesFollowTheWireLimit() {
        assertThrows(IllegalArgumentException.class, () -> new Cluster(" ", List.of(), State.RUNNING));
        assertThrows(IllegalArgumentException.class, () -> new Cluster("x".repeat(256), List.of(), State.RUNNING));
    }
}
