package dev.iris.runtime;

import dev.iris.runtime.transport.IpcWire.FailCode;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** The live processes of one node: ids, mailboxes, virtual threads, and their end. */
final class ProcessTable {
    private static final System.Logger LOG = System.getLogger(ProcessTable.class.getName());

    private final Node node;
    private final Map<Integer, Entry> entries = new ConcurrentHashMap<>();
    // a random start makes it unlikely that a restarted node reuses the ids of its previous life
    private final AtomicInteger nextLocalId = new AtomicInteger(ThreadLocalRandom.current().nextInt(1, 1 << 20));

    /** One process. Its mailbox closes when it exits, under the entry's lock. */
    static final class Entry {
        final ProcessId pid;
        final String name;
        final Mailbox mailbox = new Mailbox();
        final java.util.Set<Request> unanswered = ConcurrentHashMap.newKeySet(); // by identity
        volatile Thread thread;

        Entry(ProcessId pid, String name) {
            this.pid = pid;
            this.name = name;
        }
    }

    ProcessTable(Node node) {
        this.node = node;
    }

    ProcessId spawn(String name, ProcessBody body) {
        int localId = nextLocalId.getAndUpdate(i -> i >= ProcessId.MAX_LOCAL_ID ? 1 : i + 1);
        ProcessId pid = ProcessId.process(node.id().number(), localId);
        Entry entry = new Entry(pid, name);
        entries.put(localId, entry);
        KernelImpl kernel = new KernelImpl(node, entry);
        entry.thread = Thread.ofVirtual().name("iris:" + node.id() + ":" + name + ":" + localId).unstarted(() -> {
            try {
                body.run(kernel);
            } catch (InterruptedException e) {
                LOG.log(Level.DEBUG, "Process {0} ({1}) interrupted", pid, name);
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "Process " + pid + " (" + name + ") failed", t);
            } finally {
                kernel.discardGroupReplies();
                exit(entry);
            }
        });
        entry.thread.start();
        return pid;
    }

    /** The live processes with their names. */
    java.util.Map<ProcessId, String> names() {
        java.util.Map<ProcessId, String> names = new java.util.HashMap<>();
        entries.values().forEach(e -> names.put(e.pid, e.name));
        return names;
    }

    boolean contains(int localId) {
        return entries.containsKey(localId);
    }

    /** Puts a request in a process's mailbox; false if there is no such (live) process. */
    boolean deliver(int localId, Request request) {
        Entry entry = entries.get(localId);
        return entry != null && entry.mailbox.offer(request);
    }

    private void exit(Entry entry) {
        entries.remove(entry.pid.localId(), entry);
        // senders first: leaving the groups may wait for acknowledgements
        String reason = "process " + entry.pid + " (" + entry.name + ") exited before replying";
        for (Request r; (r = entry.mailbox.close()) != null; ) {
            node.ipc().fail(r, entry.pid, FailCode.PROCESS_EXITED, reason);
        }
        for (Request r : entry.unanswered) {
            node.ipc().fail(r, entry.pid, FailCode.PROCESS_EXITED, reason);
        }
        entry.unanswered.clear();
        try {
            node.leaveAll(entry.pid);
        } catch (IpcException e) {
            LOG.log(Level.WARNING, "Process {0} ({1}) exited; leaving its groups: {2}", entry.pid, entry.name,
                    e.getMessage());
        }
    }

    void interruptAll() {
        for (Entry entry : entries.values()) {
            Thread t = entry.thread;
            if (t != null) {
                t.interrupt();
            }
        }
    }
}
