package dev.iris.runtime;

import dev.iris.runtime.dsm.SharedMemory;
import dev.iris.runtime.internal.Blocking;
import dev.iris.runtime.internal.Log;
import dev.iris.runtime.internal.NodeTime;
import dev.iris.runtime.transport.IpcWire.FailCode;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;
import java.util.random.RandomGenerator;

/** The live processes of one node: ids, mailboxes, virtual threads, and their end. */
final class ProcessTable {
    private static final System.Logger LOG = Log.of(ProcessTable.class);

    private final Host node;
    /** An inline handler held at a breakpoint while the time stands (debug time) is not moved. */
    private final NodeTime time;
    private final BiFunction<String, Runnable, Thread> threads;
    private final Map<Integer, Entry> entries = new ConcurrentHashMap<>();
    // a random start makes it unlikely that a restarted node reuses the ids of its previous life
    private final AtomicInteger nextLocalId;

    /** One process. Its mailbox closes when it exits. */
    static final class Entry {
        final ProcessId pid;
        final String name;
        final Mailbox mailbox;
        /** Received and not answered; an answered one may linger a moment (see {@link #answer}). */
        final Set<Request> unanswered = ConcurrentHashMap.newKeySet(); // by identity
        volatile Thread thread;
        /** The handler run by the threads that deliver requests ({@link Dispatch#EVENT_LOOP}), else null. */
        volatile RequestHandler inline;
        /** A thread is running {@link #inline} (one at a time). */
        final AtomicBoolean handling = new AtomicBoolean();
        /** When the running inline handler started (by the node's time, odd), 0 when none runs. */
        volatile long handlingSince;
        /** A request whose inline handler blocked: the process's thread handles it again, first. */
        volatile Request retry;
        /** What an inline handler threw: the process ends with it. */
        volatile Throwable failure;

        Entry(ProcessId pid, String name, NodeTime time) {
            this.pid = pid;
            this.name = name;
            this.mailbox = new Mailbox(time);
        }
    }

    /**
     * What processes need of their node. The table is made before the protocols that deliver to it,
     * so they are looked up when used.
     */
    interface Host {
        NodeId id();

        /** Send/Receive/Reply/Forward. */
        Ipc ipc();

        /** Process groups. */
        Groups groups();

        SharedMemory memory();

        /** Where handlers run with {@link Dispatch#EVENT_LOOP}: the loop of the connections peers make to the node. */
        Executor inboundLoop();

        /** Logical names. */
        Names names();

        /** The segments of Sends, and moves from and to them. */
        Segments segments();

        /** Takes a process that exits out of all its groups (unless the node is closing). */
        void leaveAll(ProcessId member);
    }

    /**
     * A table whose processes run on virtual threads made by {@code threads} (name, body), or on the
     * JDK's, with {@code null}; their ids start at a number drawn from {@code random}.
     */
    ProcessTable(Host node, NodeTime time, BiFunction<String, Runnable, Thread> threads, RandomGenerator random) {
        this.nextLocalId = new AtomicInteger(random.nextInt(1, 1 << 20));
        this.node = node;
        this.time = time;
        this.threads = threads != null ? threads : (name, body) -> Thread.ofVirtual().name(name).unstarted(body);
    }

    ProcessId spawn(String name, ProcessBody body) {
        int localId = nextLocalId.getAndUpdate(i -> i >= ProcessId.MAX_LOCAL_ID ? 1 : i + 1);
        ProcessId pid = ProcessId.process(node.id().number(), localId);
        Entry entry = new Entry(pid, name, time);
        entries.put(localId, entry);
        KernelImpl kernel = new KernelImpl(node, this, entry);
        entry.thread = threads.apply("iris:" + node.id() + ":" + name + ":" + localId, () -> {
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
    Map<ProcessId, String> names() {
        Map<ProcessId, String> names = new HashMap<>();
        entries.values().forEach(e -> names.put(e.pid, e.name));
        return names;
    }

    boolean contains(int localId) {
        return entries.containsKey(localId);
    }

    /**
     * Hands a request to a process: to its inline handler here, unless another thread runs it or
     * requests are queued before it, else to its mailbox (and then runs the inline handler on what
     * is queued, unless another thread does); false if there is no such (live) process.
     */
    boolean deliver(int localId, Request request) {
        Entry entry = entries.get(localId);
        if (entry == null) {
            return false;
        }
        if (entry.inline != null && entry.mailbox.isEmpty() && entry.handling.compareAndSet(false, true)) {
            RequestHandler handler = entry.inline; // again: the process's thread may have taken over meanwhile
            try {
                if (entry.mailbox.isClosed()) {
                    return false;
                }
                if (handler == null) {
                    return offer(entry, request);
                }
                boolean forbidden = Blocking.forbid();
                try {
                    handleInline(entry, handler, request);
                } finally {
                    Blocking.restore(forbidden);
                }
            } finally {
                entry.handling.set(false);
            }
            drainInline(entry); // what others queued meanwhile; or wakes the process's thread to take over
            return true;
        }
        return offer(entry, request);
    }

    /** Queues {@code request} in {@code entry}'s mailbox, and runs the inline handler on the queue unless another thread does. */
    private boolean offer(Entry entry, Request request) {
        if (!entry.mailbox.offer(request)) {
            return false;
        }
        if (entry.inline != null) {
            drainInline(entry);
        }
        return true;
    }

    /**
     * Makes {@code entry}'s process serve requests with {@code handler} on the delivering threads;
     * what arrived before is handled by a task on {@code loop}, never by the process's own thread.
     */
    void serveInline(Entry entry, RequestHandler handler, Executor loop) {
        entry.inline = handler;
        if (!entry.mailbox.isEmpty()) {
            loop.execute(() -> drainInline(entry));
        }
    }

    /** Runs the inline handler on the queued requests, one thread at a time. */
    private void drainInline(Entry entry) {
        while (entry.inline != null && !entry.mailbox.isEmpty() && entry.handling.compareAndSet(false, true)) {
            boolean forbidden = Blocking.forbid();
            try {
                RequestHandler handler;
                Request r;
                while ((handler = entry.inline) != null && (r = entry.mailbox.poll()) != null) {
                    handleInline(entry, handler, r);
                }
            } finally {
                Blocking.restore(forbidden);
                entry.handling.set(false);
            }
        }
        if (entry.inline == null) {
            LockSupport.unpark(entry.thread); // the process's thread waits for the last inline handler
        }
    }

    /** Runs an inline handler on a request with {@link Blocking#forbid} in force. */
    private void handleInline(Entry entry, RequestHandler handler, Request r) {
        r.receiver = entry;
        entry.handlingSince = time.nanos() | 1;
        try {
            handler.handle(r);
        } catch (Blocking.Refused e) {
            entry.retry = r;
            toProcessThread(entry, "its handler tried to block (" + e.operation() + ")");
        } catch (Throwable t) {
            entry.failure = t;
            entry.inline = null;
        } finally {
            entry.handlingSince = 0;
            if (!r.isAnswered()) {
                unanswered(entry, r); // answered later, from another thread, or failed at exit
            }
        }
    }

    /**
     * Records a request {@code entry}'s process received and has not answered: its exit fails it. A
     * request recorded after the exit began (an inline handler's, kept for later) is failed here.
     */
    void unanswered(Entry entry, Request r) {
        r.receiver = entry;
        r.registered = true;
        entry.unanswered.add(r);
        if (r.isAnswered()) {
            entry.unanswered.remove(r); // answered meanwhile, by a thread that did not see it registered
        } else if (entry.mailbox.isClosed() && r.answer()) {
            entry.unanswered.remove(r);
            node.ipc().fail(r, entry.pid, FailCode.PROCESS_EXITED,
                    "process " + entry.pid + " (" + entry.name + ") exited before replying");
        }
    }

    /**
     * Takes the answer of request {@code r} for {@code entry}'s process: false if another process
     * received it or it was answered already.
     */
    static boolean answer(Entry entry, Request r) {
        if (r.receiver != entry || !r.answer()) {
            return false;
        }
        if (r.registered) {
            entry.unanswered.remove(r);
        }
        return true;
    }

    /** Moves a process's handler from the delivering threads to its own thread, for good. */
    private void toProcessThread(Entry entry, String why) {
        if (entry.inline == null) {
            return;
        }
        entry.inline = null;
        LOG.log(Level.WARNING, "Process {0} ({1}) on node ''{2}'': {3}; it handles its requests on its own thread "
                + "from now on (Dispatch.PROCESS_THREAD)", entry.pid, entry.name, node.id(), why);
        LockSupport.unpark(entry.thread);
    }

    /**
     * Moves every inline handler that has held its thread for more than {@code limitNanos} to its
     * process's thread; returns when the longest-running inline handler started (0: none runs), so
     * that the failure detector knows this node's reading may be stalled.
     */
    long watchInline(long limitNanos) {
        long now = time.nanos();
        long earliest = 0;
        for (Entry entry : entries.values()) {
            long since = entry.handlingSince;
            if (since == 0) {
                continue;
            }
            if (now - since > limitNanos) {
                toProcessThread(entry, "its handler has held an event loop for "
                        + TimeUnit.NANOSECONDS.toMillis(now - since) + " ms");
            }
            earliest = earliest == 0 || since - earliest < 0 ? since : earliest;
        }
        return earliest;
    }

    private void exit(Entry entry) {
        entries.remove(entry.pid.localId(), entry);
        node.names().exited(entry.pid); // before its senders learn that it exited
        // senders first: leaving the groups may wait for acknowledgements
        String reason = "process " + entry.pid + " (" + entry.name + ") exited before replying";
        for (Request r; (r = entry.mailbox.close()) != null; ) {
            node.ipc().fail(r, entry.pid, FailCode.PROCESS_EXITED, reason);
        }
        for (Request r : entry.unanswered) {
            if (r.answer()) {
                node.ipc().fail(r, entry.pid, FailCode.PROCESS_EXITED, reason);
            }
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
