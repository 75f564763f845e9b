package dev.iris.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Clusters.TestCluster;
import dev.iris.runtime.Clusters.Transport;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.transport.Frame;
import dev.iris.runtime.transport.FrameKind;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Debug time: while the nodes' time stands ({@link Node#pauseTime}), a request held far longer than
 * its time-out (as a handler stopped at a breakpoint holds it) still gets its answer, and a silent
 * peer is not found dead; once the time runs again, time-outs and failure detection work as before.
 * Each test waits, in real time, several times the time-out it proves did not fire.
 */
@Timeout(60)
class DebugTimeTest {
    private static final Duration SHORT = Duration.ofMillis(200);
    /** Real time to wait for what must not happen: well past {@link #SHORT}. */
    private static final long HELD_MILLIS = 1_000;

    /** A process on {@code node} that answers each request once {@code release} completes. */
    private static ProcessId heldServer(Node node, CompletableFuture<Void> release) {
        return heldServer(node, release, null, new CompletableFuture<>());
    }

    /** The same, a member of {@code group} (if not null) once {@code joined} completes. */
    private static ProcessId heldServer(Node node, CompletableFuture<Void> release, ProcessId group,
            CompletableFuture<Void> joined) {
        return node.spawn("held", k -> {
            if (group != null) {
                k.join(group);
                joined.complete(null);
            }
            while (true) {
                Request r = k.receive();
                release.join();
                k.reply(r, "answered: " + r.message());
            }
        });
    }

    private static void pauseAll(TestCluster c, int size) {
        for (int i = 0; i < size; i++) {
            c.node(i).pauseTime();
        }
    }

    private static void resumeAll(TestCluster c, int size) {
        for (int i = 0; i < size; i++) {
            c.node(i).resumeTime();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aSendHeldLongerThanItsTimeoutWhileTimeStandsGetsItsReply(Transport transport) throws Exception {
        try (TestCluster c = transport.start(2, Codecs.of())) {
            CompletableFuture<Void> release = new CompletableFuture<>();
            ProcessId held = heldServer(c.node(1), release);
            pauseAll(c, 2);
            assertTrue(c.node(0).timePaused());
            CompletableFuture<Object> reply = new CompletableFuture<>();
            c.node(0).spawn("client", k -> {
                try {
                    reply.complete(k.send(held, "hello", SHORT));
                } catch (Throwable t) {
                    reply.completeExceptionally(t);
                }
            });
            assertThrows(TimeoutException.class, () -> reply.get(HELD_MILLIS, TimeUnit.MILLISECONDS),
                    "nothing times out while the time stands");
            release.complete(null);
            assertEquals("answered: hello", reply.get(10, TimeUnit.SECONDS));
            resumeAll(c, 2);

            // with the time running again, a send to a silent process times out as before
            ProcessId silent = heldServer(c.node(1), new CompletableFuture<>());
            IpcTimeoutException e = assertThrows(IpcTimeoutException.class,
                    () -> Clusters.call(c.node(0), k -> k.send(silent, "anyone?", SHORT)));
            assertTrue(e.getMessage().contains("200 ms"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aGroupSendAndAnAsynchronousSendWaitOutTheStandingTime(Transport transport) throws Exception {
        try (TestCluster c = transport.start(2, Codecs.of())) {
            CompletableFuture<Void> release = new CompletableFuture<>();
            ProcessId group = ProcessId.wellKnownGroup(7);
            CompletableFuture<Void> joined = new CompletableFuture<>();
            ProcessId held = heldServer(c.node(1), release, group, joined);
            CompletableFuture<Void> quickJoined = new CompletableFuture<>();
            heldServer(c.node(0), CompletableFuture.completedFuture(null), group, quickJoined);
            joined.get(10, TimeUnit.SECONDS);
            quickJoined.get(10, TimeUnit.SECONDS);
            pauseAll(c, 2);
            CompletableFuture<GroupReplies> all = new CompletableFuture<>();
            CompletableFuture<Object> async = new CompletableFuture<>();
            c.node(0).spawn("client", k -> {
                k.sendAsync(held, "async", SHORT).whenComplete((r, t) -> {
                    if (t == null) {
                        async.complete(r);
                    } else {
                        async.completeExceptionally(t);
                    }
                });
                try {
                    all.complete(k.sendGroup(group, "all", ReplyMode.ALL, SHORT));
                } catch (Throwable t) {
                    all.completeExceptionally(t);
                }
            });
            assertThrows(TimeoutException.class, () -> all.get(HELD_MILLIS, TimeUnit.MILLISECONDS));
            assertFalse(async.isDone(), "the asynchronous send waits too");
            release.complete(null);
            assertEquals(2, all.get(10, TimeUnit.SECONDS).replies().size());
            assertEquals("answered: async", async.get(10, TimeUnit.SECONDS));
            resumeAll(c, 2);
        }
    }

    /**
     * A page fault's deadline is kept by the event loop that wrote its request (the faulting process
     * parks without a time-out): it waits out the standing time, and times out once the time runs.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aPageFaultWaitsOutTheStandingTimeAndTimesOutOnceItRuns(Transport transport) throws Exception {
        MemoryConfig memory = MemoryConfig.of(List.of(MemoryConfig.Region.of("cells", 4096))).withFaultTimeout(SHORT);
        AtomicReference<CompletableFuture<Void>> pages = new AtomicReference<>(new CompletableFuture<>());
        try (TestCluster c = transport.start(2, Codecs.of(), memory, holdPages("node2", pages))) {
            long cell = c.node(0).memory().region("cells").base();
            c.node(0).memory().setLong(cell, 42);
            pauseAll(c, 2);
            CompletableFuture<Long> read = read(c.node(1), cell);
            assertThrows(TimeoutException.class, () -> read.get(HELD_MILLIS, TimeUnit.MILLISECONDS),
                    "a fault does not time out while the time stands");
            pages.get().complete(null);
            assertEquals(42, read.get(10, TimeUnit.SECONDS));
            resumeAll(c, 2);

            pages.set(new CompletableFuture<>());
            c.node(0).memory().setLong(cell, 43); // node 2's copy is invalidated; its next read faults
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> read(c.node(1), cell).get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("read fault") && e.getCause().getMessage()
                    .contains("timed out after 200 ms on node 'node2'"), e.getCause().getMessage());
            pages.get().complete(null); // the late copy, for a fault that gave up, is dropped
            assertEquals(43, read(c.node(1), cell).get(10, TimeUnit.SECONDS), "the next fault gets the page");
        }
    }

    /** A fault's waiter parks without a time-out: closing its node fails the fault, for a thread that is not a process too. */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void closingTheNodeFailsAFaultUnderWay(Transport transport) throws Exception {
        MemoryConfig memory = MemoryConfig.of(List.of(MemoryConfig.Region.of("cells", 4096)));
        AtomicReference<CompletableFuture<Void>> pages = new AtomicReference<>(new CompletableFuture<>());
        try (TestCluster c = transport.start(2, Codecs.of(), memory, holdPages("node2", pages))) {
            long cell = c.node(0).memory().region("cells").base();
            c.node(0).memory().setLong(cell, 42);
            CountDownLatch faulting = new CountDownLatch(1);
            c.node(1).memory().addListener(event -> {
                if (event.kind() == MemoryEvent.Kind.READ_FAULT) {
                    faulting.countDown();
                }
            });
            CompletableFuture<Long> read = new CompletableFuture<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    read.complete(c.node(1).memory().getLong(cell));
                } catch (Throwable t) {
                    read.completeExceptionally(t);
                }
            });
            assertTrue(faulting.await(10, TimeUnit.SECONDS));
            c.node(1).close(); // its page never arrives: only the close ends the fault
            ExecutionException e = assertThrows(ExecutionException.class, () -> read.get(10, TimeUnit.SECONDS));
            assertInstanceOf(MemoryException.class, e.getCause());
            reader.join();
        }
    }

    /** {@code cell}'s value, read by a process of {@code node}. */
    private static CompletableFuture<Long> read(Node node, long cell) {
        CompletableFuture<Long> value = new CompletableFuture<>();
        node.spawn("reader", k -> {
            try {
                value.complete(k.memory().getLong(cell));
            } catch (Throwable t) {
                value.completeExceptionally(t);
            }
        });
        return value;
    }

    /** Node {@code node} gets no page from its peers until the future in {@code open} completes. */
    private static UnaryOperator<NodeConfig> holdPages(String node, AtomicReference<CompletableFuture<Void>> open) {
        return config -> !config.node().equals(node) ? config
                : config.withConnectionHandler(() -> new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        CompletableFuture<Void> held = open.get();
                        if (msg instanceof Frame frame && frame.kind() == FrameKind.PAGE && !held.isDone()) {
                            held.thenRunAsync(() -> ctx.fireChannelRead(msg), ctx.executor());
                        } else {
                            ctx.fireChannelRead(msg);
                        }
                    }
                });
    }

    @Test
    void aSilentPeerIsNotFoundDeadWhileTimeStandsAndIsOnceItRuns() throws Exception {
        Partition network = new Partition();
        try (TestCluster c = Transport.TCP.start(2, Codecs.of(), MemoryConfig.NONE,
                config -> network.install(config).withFailureDetection(Duration.ofMillis(50), SHORT))) {
            Node first = c.node(0);
            first.pauseTime();
            network.cut((receiver, sender) -> receiver.equals("node1")); // node1 hears nothing more
            // the first node's own waits stand with its time: the second node, which still hears the
            // first, measures the period
            assertFalse(c.node(1).awaitMembers(1, Duration.ofMillis(HELD_MILLIS)), "the second node keeps the first");
            assertEquals(List.of("node1", "node2"), first.members().stream().map(NodeId::name).toList(),
                    "no peer is found dead for its silence while the time stands");
            first.resumeTime();
            assertTrue(first.awaitMembers(1, Duration.ofSeconds(10)), "once the time runs, the silent peer is dead");
        }
    }
}
