package dev.iris.runtime;

import dev.iris.runtime.internal.LamportClock;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * V's logical names (SetPid and GetPid) on one node: a process registers a name at run time, found
 * on its node only or in the whole cluster ({@link NameScope}), and processes look names up, on
 * their own node first.
 *
 * <p>Protocol: no frames of its own, only processes that talk. Each node keeps the names its own
 * processes registered. A node with cluster-wide names runs a name server, a process that joins
 * the well-known group {@link #SERVERS} and answers on the event loop. A lookup that the asking
 * node cannot answer itself is a group send of a {@link Query} to that group with all replies;
 * each server answers with an {@link Answer}: the process that holds the name on its node, with
 * the Lamport time of its registration and whether that registration is still pending, or none. A
 * name goes with its process (when it exits) and with its node (whose server leaves the group when
 * the node leaves or dies).
 *
 * <p>Conflicts: one process holds a name on a node; another's registration fails, naming it. A
 * cluster-wide registration enters the name in this node's table, pending, and then asks the
 * cluster. It withdraws and fails if a process elsewhere holds the name for good, if a pending
 * registration elsewhere is earlier (by Lamport time, then the lower process id), or if the cluster
 * cannot be asked; otherwise it holds the name for good. Of two registrations that race on nodes
 * that were live members of each other's view when their servers joined, at least one sees the
 * other (each server joined {@link #SERVERS}, with every live node's acknowledgement, before its
 * node entered the name). If both see each other pending, both compare the same way and exactly one
 * withdraws; if only one sees the other, the one seen asked before the other entered the name, so
 * its time is the earlier and the one that sees it withdraws (a registration takes its time where
 * it enters the table, and a server reads the table under the same lock). So exactly one succeeds.
 * A registration still pending holds nothing: lookups and {@link #registered()} skip it, unless only
 * pending ones are known elsewhere, when a lookup answers the earliest. A node that joins, or a
 * partition that heals, while a name is held on both sides can leave two holders; lookups then
 * answer the earlier.
 *
 * <p>Threading: the table is a concurrent map; registrations and lookups run on the calling
 * process's thread; the server answers on the event loop that decoded the query.
 */
final class Names {
    /** The well-known group of the nodes' name servers: the runtime's own number, above a program's. */
    static final ProcessId SERVERS = ProcessId.wellKnownGroup(ProcessId.MAX_LOCAL_ID);
    /** The longest name, in UTF-8 bytes. */
    static final int MAX_NAME_BYTES = 255;

    /** Who holds {@code name} on your node? */
    record Query(String name) {
    }

    /**
     * The holder of the name on the answering node ({@code 0}: none), registered at Lamport time
     * {@code stamp}; {@code pending} while that registration still asks the cluster.
     */
    record Answer(long holder, long stamp, boolean pending) {
    }

    /** Built-in codec 5: the name as a short string. */
    static final MessageCodec<Query> QUERY = new MessageCodec<>() {
        @Override
        public int id() {
            return 5;
        }

        @Override
        public Class<Query> type() {
            return Query.class;
        }

        @Override
        public void encode(Query m, ByteBuf out) {
            byte[] name = m.name().getBytes(StandardCharsets.UTF_8);
            out.writeByte(name.length);
            out.writeBytes(name);
        }

        @Override
        public Query decode(ByteBuf in) {
            int length = in.readUnsignedByte();
            return new Query(in.readCharSequence(length, StandardCharsets.UTF_8).toString());
        }
    };

    /** Built-in codec 6: holder and stamp, 8 bytes each, and whether it is pending (a byte). */
    static final MessageCodec<Answer> ANSWER = new MessageCodec<>() {
        @Override
        public int id() {
            return 6;
        }

        @Override
        public Class<Answer> type() {
            return Answer.class;
        }

        @Override
        public void encode(Answer m, ByteBuf out) {
            out.writeLong(m.holder()).writeLong(m.stamp()).writeBoolean(m.pending());
        }

        @Override
        public Answer decode(ByteBuf in) {
            return new Answer(in.readLong(), in.readLong(), in.readBoolean());
        }

        @Override
        public int sizeHint(Answer m) {
            return 17;
        }
    };

    /** A registration; {@code pending} while it asks the cluster whether another holds the name. */
    private record Entry(ProcessId holder, NameScope scope, long stamp, boolean pending) {
    }

    private static final Comparator<Answer> EARLIEST = Comparator.comparingLong(Answer::stamp)
            .thenComparingLong(Answer::holder);
    /** Final holders before pending ones, then the earliest. */
    private static final Comparator<Answer> FINAL_FIRST = Comparator.comparing(Answer::pending).thenComparing(EARLIEST);

    private final NodeId self;
    private final LamportClock clock;
    private final Groups groups;
    private final Ipc ipc;
    private final BiFunction<String, ProcessBody, ProcessId> spawn;
    /** How long a lookup in the cluster, and the start of the name server, may take. */
    private final Duration patience;
    private final ConcurrentHashMap<String, Entry> table = new ConcurrentHashMap<>();
    /** Completed once this node's name server is in {@link #SERVERS}; null before the first start. */
    private final AtomicReference<CompletableFuture<ProcessId>> server = new AtomicReference<>();

    Names(NodeId self, LamportClock clock, Groups groups, Ipc ipc, BiFunction<String, ProcessBody, ProcessId> spawn,
            Duration patience) {
        this.self = self;
        this.clock = clock;
        this.groups = groups;
        this.ipc = ipc;
        this.spawn = spawn;
        this.patience = patience;
    }

    /** The names this node's processes hold now (not those still being registered), by name. */
    List<RegisteredName> registered() {
        return table.entrySet().stream().filter(e -> !e.getValue().pending())
                .map(e -> new RegisteredName(e.getKey(), e.getValue().holder(),
                e.getValue().scope())).sorted(Comparator.comparing(RegisteredName::name)).toList();
    }

    /** SetPid: {@code process} holds {@code name} in {@code scope} (again, possibly in another scope). */
    void register(ProcessId process, String name, NameScope scope) {
        check(name);
        if (scope == NameScope.CLUSTER) {
            startServer();
        }
        Entry[] before = new Entry[1];
        Entry[] mine = new Entry[1];
        // the stamp is taken where the entry becomes visible to this node's server, so that a query
        // the server answered without it came before it (and moved the clock past the asker's stamp)
        table.compute(name, (n, old) -> {
            before[0] = old;
            if (old != null && (!old.holder().equals(process) || old.pending())) {
                return old; // another's, or this process's own registration still asking
            }
            if (old != null && old.scope() == scope) {
                mine[0] = old; // held already, as asked
                return old;
            }
            mine[0] = new Entry(process, scope, clock.tick(), scope == NameScope.CLUSTER);
            return mine[0];
        });
        if (mine[0] == null) {
            throw taken(name, before[0].holder());
        }
        if (!mine[0].pending()) {
            return;
        }
        Optional<Answer> winner;
        try {
            Answer me = new Answer(process.value(), mine[0].stamp(), true);
            // a final holder elsewhere keeps the name; of pending ones, the earliest gets it
            winner = askCluster(process, name, true).stream()
                    .filter(a -> !a.pending() || EARLIEST.compare(a, me) < 0).min(FINAL_FIRST);
        } catch (RuntimeException e) {
            withdraw(name, mine[0], before[0]);
            throw e;
        }
        if (winner.isPresent()) {
            withdraw(name, mine[0], before[0]);
            throw taken(name, new ProcessId(winner.get().holder()));
        }
        table.replace(name, mine[0], new Entry(process, scope, mine[0].stamp(), false));
    }

    /** Takes {@code mine} back: to the process's earlier registration of the name (node-wide), if it had one. */
    private void withdraw(String name, Entry mine, Entry before) {
        if (before != null && before.holder().equals(mine.holder())) {
            table.replace(name, mine, before);
        } else {
            table.remove(name, mine);
        }
    }

    /** Drops {@code process}'s registration of {@code name}; nothing if it holds none. */
    void unregister(ProcessId process, String name) {
        table.computeIfPresent(name, (n, e) -> e.holder().equals(process) ? null : e);
    }

    /**
     * GetPid: the holder of {@code name} on this node (in either scope); for {@link NameScope#CLUSTER},
     * else the cluster's holder of a cluster-wide registration; empty if none.
     */
    Optional<ProcessId> lookup(ProcessId asker, String name, NameScope scope) {
        check(name);
        Entry here = table.get(name);
        if (here != null && !here.pending()) {
            return Optional.of(here.holder());
        }
        return scope == NameScope.NODE ? Optional.empty()
                : askCluster(asker, name, false).stream().min(FINAL_FIRST).map(a -> new ProcessId(a.holder()));
    }

    /** A process exits: its names go. */
    void exited(ProcessId process) {
        table.values().removeIf(e -> e.holder().equals(process));
    }

    /**
     * The holders of {@code name} that other nodes' servers know; if {@code everyone}, a server
     * that fails to answer fails this (the cluster cannot be asked).
     */
    private List<Answer> askCluster(ProcessId asker, String name, boolean everyone) {
        boolean others = groups.members(SERVERS).stream().anyMatch(p -> p.nodeNumber() != self.number());
        if (!others) {
            return List.of();
        }
        long[] call = {0};
        try {
            GroupReplies replies = groups.sendGroup(asker, SERVERS, new Query(name), null, ReplyMode.ALL, patience, 0,
                    id -> call[0] = id);
            if (everyone && !replies.failures().isEmpty()) {
                var failed = replies.failures().entrySet().iterator().next();
                throw new IpcException("the name server " + failed.getKey() + " could not be asked about '" + name
                        + "': " + failed.getValue().getMessage());
            }
            return replies.replies().stream().map(r -> (Answer) r.message())
                    .filter(a -> a.holder() != 0 && new ProcessId(a.holder()).nodeNumber() != self.number())
                    .toList();
        } finally {
            if (call[0] != 0) {
                ipc.discard(call[0]);
            }
        }
    }

    /**
     * Starts this node's name server once, and waits until it is in {@link #SERVERS}; a server
     * whose join failed is started again by the next registration.
     */
    private void startServer() {
        CompletableFuture<ProcessId> started = server.get();
        if (started == null || started.isCompletedExceptionally()) {
            CompletableFuture<ProcessId> fresh = new CompletableFuture<>();
            if (server.compareAndSet(started, fresh)) {
                spawn.apply("names", k -> {
                    try {
                        k.join(SERVERS);
                    } catch (RuntimeException e) {
                        fresh.completeExceptionally(e);
                        return;
                    }
                    fresh.complete(k.self());
                    k.serve(r -> k.reply(r, answer((Query) r.message())), Dispatch.EVENT_LOOP);
                });
            }
            started = server.get();
        }
        try {
            started.get(patience.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IpcException("the name server of node '" + self + "' did not start within "
                    + patience.toMillis() + " ms" + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IpcException("interrupted while the name server of node '" + self + "' started");
        }
    }

    private Answer answer(Query query) {
        Entry[] found = new Entry[1];
        table.compute(query.name(), (n, e) -> found[0] = e); // after, or before, a registration's stamp and entry
        Entry e = found[0];
        return e != null && e.scope() == NameScope.CLUSTER ? new Answer(e.holder().value(), e.stamp(), e.pending())
                : new Answer(0, 0, false);
    }

    private static void check(String name) {
        if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("a name is 1 to " + MAX_NAME_BYTES + " bytes of UTF-8: "
                    + (name == null ? "null" : "'" + name + "'"));
        }
    }

    private static IllegalStateException taken(String name, ProcessId holder) {
        return new IllegalStateException("the name '" + name + "' is registered by process " + holder);
    }
}
