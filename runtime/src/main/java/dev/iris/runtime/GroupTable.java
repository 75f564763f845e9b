package dev.iris.runtime;

import dev.iris.runtime.internal.NodeTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This node's copy of the cluster's group memberships. Reads (a group send's members and fan-out)
 * take no lock: they see an immutable snapshot, replaced whole by each change (copy on write:
 * groups change rarely, and are read on every group send). Changes are serialized by this object's
 * monitor.
 */
final class GroupTable {
    /**
     * A group's members: in a fixed order, each with its index in it, and by node. Immutable, so a
     * send reads it without a lock.
     */
    record View(List<ProcessId> order, Map<ProcessId, Integer> index, List<NodeMembers> byNode, int mostOnANode) {
        static final View EMPTY = new View(List.of(), Map.of(), List.of(), 0);

        static View of(Set<ProcessId> members) {
            List<ProcessId> order = List.copyOf(members);
            Map<ProcessId, Integer> index = new LinkedHashMap<>(); // in order: the same in every JVM
            Map<Integer, List<ProcessId>> byNode = new LinkedHashMap<>();
            for (ProcessId m : order) {
                index.put(m, index.size());
                byNode.computeIfAbsent(m.nodeNumber(), n -> new ArrayList<>()).add(m);
            }
            List<NodeMembers> nodes = new ArrayList<>(byNode.size());
            byNode.forEach((node, list) -> nodes.add(new NodeMembers(node, List.copyOf(list),
                    list.stream().mapToInt(ProcessId::localId).toArray())));
            int most = byNode.values().stream().mapToInt(List::size).max().orElse(0);
            return new View(order, Collections.unmodifiableMap(index), List.copyOf(nodes), most);
        }

        Set<ProcessId> members() {
            return index.keySet();
        }
    }

    /** The members of a group on one node, with their local ids as a group send's frame lists them. */
    record NodeMembers(int node, List<ProcessId> members, int[] localIds) {
    }

    private volatile Map<ProcessId, View> views = Map.of();

    View view(ProcessId group) {
        View v = views.get(group);
        return v == null ? View.EMPTY : v;
    }

    Set<ProcessId> members(ProcessId group) {
        return view(group).members();
    }

    boolean contains(ProcessId group, ProcessId member) {
        return view(group).members().contains(member);
    }

    /** Every group with its members. */
    Map<ProcessId, Set<ProcessId>> all() {
        Map<ProcessId, Set<ProcessId>> all = new HashMap<>();
        views.forEach((g, v) -> all.put(g, v.members()));
        return all;
    }

    /** The groups {@code member} belongs to. */
    List<ProcessId> groupsOf(ProcessId member) {
        List<ProcessId> groups = new ArrayList<>();
        views.forEach((g, v) -> {
            if (v.members().contains(member)) {
                groups.add(g);
            }
        });
        return groups;
    }

    /** Every (group, member) pair whose member lives on node {@code nodeNumber}. */
    List<ProcessId[]> entriesOfNode(int nodeNumber) {
        List<ProcessId[]> entries = new ArrayList<>();
        views.forEach((g, v) -> v.members().forEach(m -> {
            if (m.nodeNumber() == nodeNumber) {
                entries.add(new ProcessId[] {g, m});
            }
        }));
        return entries;
    }

    synchronized boolean add(ProcessId group, ProcessId member) {
        Set<ProcessId> now = view(group).members();
        if (now.contains(member)) {
            return false;
        }
        Set<ProcessId> next = new LinkedHashSet<>(now);
        next.add(member);
        publish(group, next);
        return true;
    }

    synchronized boolean remove(ProcessId group, ProcessId member) {
        Set<ProcessId> now = view(group).members();
        if (!now.contains(member)) {
            return false;
        }
        Set<ProcessId> next = new LinkedHashSet<>(now);
        next.remove(member);
        publish(group, next);
        return true;
    }

    /** Removes every member that lives on node {@code nodeNumber}. */
    synchronized void removeNode(int nodeNumber) {
        Map<ProcessId, View> next = new HashMap<>();
        views.forEach((g, v) -> {
            Set<ProcessId> left = new LinkedHashSet<>(v.members());
            if (!left.removeIf(m -> m.nodeNumber() == nodeNumber)) {
                next.put(g, v);
            } else if (!left.isEmpty()) {
                next.put(g, View.of(left));
            }
        });
        views = Collections.unmodifiableMap(next); // not Map.copyOf: its order changes from JVM to JVM
        notifyAll(); // awaitMembers
    }

    /**
     * Waits until {@code group} has at least {@code n} members, up to {@code deadline} on
     * {@code time}; whether it has.
     */
    synchronized boolean awaitMembers(ProcessId group, int n, long deadline, NodeTime time)
            throws InterruptedException {
        while (members(group).size() < n) {
            if (time.timedWait(this, deadline)) {
                return false;
            }
        }
        return true;
    }

    private void publish(ProcessId group, Set<ProcessId> members) {
        Map<ProcessId, View> next = new HashMap<>(views);
        if (members.isEmpty()) {
            next.remove(group);
        } else {
            next.put(group, View.of(members));
        }
        views = Collections.unmodifiableMap(next); // not Map.copyOf: its order changes from JVM to JVM
        notifyAll(); // awaitMembers
    }
}
