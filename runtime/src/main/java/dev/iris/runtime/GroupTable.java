package dev.iris.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** This node's copy of the cluster's group memberships. Thread-safe. */
final class GroupTable {
    private final Map<ProcessId, Set<ProcessId>> members = new HashMap<>();

    synchronized boolean add(ProcessId group, ProcessId member) {
        return members.computeIfAbsent(group, g -> new HashSet<>()).add(member);
    }

    synchronized boolean remove(ProcessId group, ProcessId member) {
        Set<ProcessId> set = members.get(group);
        boolean removed = set != null && set.remove(member);
        if (set != null && set.isEmpty()) {
            members.remove(group);
        }
        return removed;
    }

    synchronized boolean contains(ProcessId group, ProcessId member) {
        Set<ProcessId> set = members.get(group);
        return set != null && set.contains(member);
    }

    synchronized Set<ProcessId> members(ProcessId group) {
        Set<ProcessId> set = members.get(group);
        return set == null ? Set.of() : Set.copyOf(set);
    }

    /** Every group with its members. */
    synchronized Map<ProcessId, Set<ProcessId>> all() {
        Map<ProcessId, Set<ProcessId>> all = new HashMap<>();
        members.forEach((g, set) -> all.put(g, Set.copyOf(set)));
        return all;
    }

    /** The groups {@code member} belongs to. */
    synchronized List<ProcessId> groupsOf(ProcessId member) {
        List<ProcessId> groups = new ArrayList<>();
        members.forEach((g, set) -> {
            if (set.contains(member)) {
                groups.add(g);
            }
        });
        return groups;
    }

    /** Every (group, member) pair whose member lives on node {@code nodeNumber}. */
    synchronized List<ProcessId[]> entriesOfNode(int nodeNumber) {
        List<ProcessId[]> entries = new ArrayList<>();
        members.forEach((g, set) -> set.forEach(m -> {
            if (m.nodeNumber() == nodeNumber) {
                entries.add(new ProcessId[] {g, m});
            }
        }));
        return entries;
    }

    /** Removes every member that lives on node {@code nodeNumber}. */
    synchronized void removeNode(int nodeNumber) {
        members.values().forEach(set -> set.removeIf(m -> m.nodeNumber() == nodeNumber));
        members.values().removeIf(Set::isEmpty);
    }
}
