package dev.iris.runtime.monitor;

import dev.iris.runtime.MessageEvent;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.RegisteredName;
import dev.iris.runtime.dsm.Durability;
import dev.iris.runtime.dsm.HeapCensus;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.dsm.PageInfo;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a node's monitor endpoint ({@link MonitorServer}) tells a debugger. A client first gets the
 * node's {@link State} and {@link Pages}, then its {@link Memory} and {@link Message} events as they happen, a new
 * {@code State} whenever membership, processes or groups change, and a new {@code Pages} after
 * events were dropped because the client did not keep up (it replaces what the client knew of
 * that node's pages), and {@link Leaving} last if the node is closed on purpose. A node of a
 * persistent memory also sends its {@link Durable} state first and whenever it changes.
 */
public sealed interface MonitorMessage {
    /** The node that sent this. */
    String node();

    /**
     * A node's view of the cluster.
     *
     * @param node      the node's name
     * @param address   where it listens for peers
     * @param members   the live members it sees, itself included, by name
     * @param processes its live processes, with the names they were spawned with
     * @param groups    its copy of the cluster's group memberships: every group with its members
     * @param left      the nodes it saw leave on purpose (closed, not dead), by name
     * @param names     the names its processes registered at run time
     */
    record State(String node, String address, List<String> members, Map<ProcessId, String> processes,
            Map<ProcessId, Set<ProcessId>> groups, List<String> left, List<RegisteredName> names)
            implements MonitorMessage {
        public State {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(address, "address");
            members = List.copyOf(members);
            processes = Map.copyOf(processes);
            groups = Map.copyOf(groups);
            left = List.copyOf(left);
            names = List.copyOf(names);
        }

        /** A state without registered names. */
        public State(String node, String address, List<String> members, Map<ProcessId, String> processes,
                Map<ProcessId, Set<ProcessId>> groups, List<String> left) {
            this(node, address, members, processes, groups, left, List.of());
        }

        /** A state that names no node that left. */
        public State(String node, String address, List<String> members, Map<ProcessId, String> processes,
                Map<ProcessId, Set<ProcessId>> groups) {
            this(node, address, members, processes, groups, List.of(), List.of());
        }
    }

    /**
     * A node's page table, as {@link dev.iris.runtime.dsm.SharedMemory#snapshot()} gives it.
     *
     * @param node  the node's name
     * @param pages its pages, in page order
     */
    record Pages(String node, List<PageInfo> pages) implements MonitorMessage {
        public Pages {
            Objects.requireNonNull(node, "node");
            pages = List.copyOf(pages);
        }
    }

    /** One IPC step of a node. */
    record Message(MessageEvent event) implements MonitorMessage {
        public Message {
            Objects.requireNonNull(event, "event");
        }

        @Override
        public String node() {
            return event.node();
        }
    }

    /** The node is being closed on purpose: it leaves the cluster (it did not die). Its last message. */
    record Leaving(String node) implements MonitorMessage {
        public Leaving {
            Objects.requireNonNull(node, "node");
        }
    }

    /**
     * Where a node's persistent memory stands: open or waiting for the other managers, and how far
     * its page log is on the disk ({@link dev.iris.runtime.dsm.SharedMemory#durability()}).
     */
    record Durable(String node, Durability durability) implements MonitorMessage {
        public Durable {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(durability, "durability");
        }
    }

    /**
     * The blocks of a node's heaps as it read them ({@link dev.iris.runtime.dsm.SharedHeap#census}):
     * sent when a client asks ({@link MonitorClient#census()}) and after each collection the node runs.
     */
    record Heap(String node, HeapCensus census) implements MonitorMessage {
        public Heap {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(census, "census");
        }
    }

    /** One event of a node's shared memory. */
    record Memory(MemoryEvent event) implements MonitorMessage {
        public Memory {
            Objects.requireNonNull(event, "event");
        }

        @Override
        public String node() {
            return event.node();
        }
    }
}
