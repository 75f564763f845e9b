package dev.iris.runtime;

import static dev.iris.runtime.Clusters.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Clusters.TestCluster;
import dev.iris.runtime.Clusters.Transport;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.transport.Frame;
import dev.iris.runtime.transport.FrameKind;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Request handlers run by the delivering thread ({@link Dispatch#EVENT_LOOP}), and their way back to the process's thread. */
class InlineHandlerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Whether each request was handled on a virtual thread (the process's) or not (an event loop). */
    private final List<Boolean> onVirtualThread = new CopyOnWriteArrayList<>();

    /** What a test server does first with each request, before it answers. */
    @FunctionalInterface
    private interface First {
        void handle(Kernel kernel, Request request) throws Exception;
    }

    /** A server that answers "handled:message" and notes the kind of thread it ran on; returns once serving. */
    private ProcessId server(Node node, Dispatch dispatch, First first) throws InterruptedException {
        CountDownLatch serving = new CountDownLatch(1);
        ProcessId self = node.spawn("server", k -> {
            serving.countDown();
            k.serve(r -> {
                onVirtualThread.add(Thread.currentThread().isVirtual());
                if (first != null) {
                    first.handle(k, r);
                }
                k.reply(r, "handled:" + r.message());
            }, dispatch);
        });
        assertTrue(serving.await(10, TimeUnit.SECONDS));
        return self;
    }

    /**
     * Requests that arrive before a process has switched to its inline handler are handled by its
     * own thread: sends pings from {@code client} until one is answered on an event loop (from then
     * on the process's thread waits in serve), then forgets what the pings noted.
     */
    private void awaitServingOnTheLoop(Node client, ProcessId server) throws Exception {
        for (int i = 0; i < 1_000 && !onVirtualThread.contains(false); i++) {
            assertEquals("handled:ready?", call(client, k -> k.send(server, "ready?", TIMEOUT)));
        }
        assertTrue(onVirtualThread.contains(false), "a remote request was handled on the event loop");
        onVirtualThread.clear();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aHandlerOnTheEventLoopAnswersRemoteAndLocalSendsAndGroupSends(Transport transport) throws Exception {
        try (TestCluster c = transport.start(2, Codecs.of())) {
            ProcessId server = server(c.node(1), Dispatch.EVENT_LOOP, null);
            awaitServingOnTheLoop(c.node(0), server);
            for (int i = 0; i < 50; i++) {
                int n = i;
                assertEquals("handled:" + n, call(c.node(0), k -> k.send(server, String.valueOf(n), TIMEOUT)));
            }
            assertEquals("handled:local", call(c.node(1), k -> k.send(server, "local", TIMEOUT)));
            // every remote request was handled on an event loop, none on the server's own thread
            assertEquals(51, onVirtualThread.size());
            assertFalse(onVirtualThread.subList(0, 50).contains(true), onVirtualThread.toString());

            ProcessId group = ProcessId.wellKnownGroup(23);
            CountDownLatch joined = new CountDownLatch(1);
            c.node(1).spawn("member", k -> {
                k.join(group);
                joined.countDown();
                k.serve(r -> k.reply(r, "member:" + r.message()), Dispatch.EVENT_LOOP);
            });
            assertTrue(joined.await(10, TimeUnit.SECONDS));
            GroupReplies replies = call(c.node(0), k -> k.sendGroup(group, "all", ReplyMode.ALL, TIMEOUT));
            assertTrue(replies.satisfied());
            assertEquals("member:all", replies.first());
        }
    }

    /**
     * A request an inline handler keeps (it answers it later, from another thread) is answered once,
     * only by its receiver; one kept when its process exits fails its sender at once.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aRequestKeptByAnInlineHandlerIsAnsweredOnceByItsProcessOrFailedAtItsExit(Transport transport)
            throws Exception {
        try (TestCluster c = transport.start(2, Codecs.of())) {
            BlockingQueue<Request> kept = new LinkedBlockingQueue<>();
            CompletableFuture<Kernel> keeperKernel = new CompletableFuture<>();
            ProcessId keeper = c.node(1).spawn("keeper", k -> {
                keeperKernel.complete(k);
                k.serve(r -> {
                    onVirtualThread.add(Thread.currentThread().isVirtual());
                    switch ((String) r.message()) {
                        case "ready?" -> k.reply(r, "handled:ready?");
                        case "boom" -> throw new IllegalStateException("boom"); // the process ends with it
                        default -> kept.add(r);
                    }
                }, Dispatch.EVENT_LOOP);
            });
            awaitServingOnTheLoop(c.node(0), keeper);
            ProcessId other = Clusters.server(c.node(1), m -> m);

            CompletableFuture<Object> later = async(c.node(0), keeper, "later");
            Request r = kept.poll(10, TimeUnit.SECONDS);
            assertEquals("later", r.message());
            Kernel k = keeperKernel.get();
            CompletableFuture<Throwable> byAnother = new CompletableFuture<>();
            c.node(1).spawn("another", another -> byAnother.complete(
                    assertThrows(IllegalStateException.class, () -> another.reply(r, "not mine"))));
            assertTrue(byAnother.get(10, TimeUnit.SECONDS).getMessage().contains("not received by this process"));
            k.reply(r, "answered later");
            assertEquals("answered later", later.get(10, TimeUnit.SECONDS));
            assertTrue(assertThrows(IllegalStateException.class, () -> k.reply(r, "again")).getMessage()
                    .contains("already answered"));

            CompletableFuture<Object> orphan = async(c.node(0), keeper, "orphan");
            assertEquals("orphan", kept.poll(10, TimeUnit.SECONDS).message());
            CompletableFuture<Object> boom = async(c.node(0), keeper, "boom");
            for (CompletableFuture<Object> f : List.of(orphan, boom)) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
                assertTrue(e.getCause().getMessage().contains("exited before replying"), e.getCause().toString());
            }
            assertEquals("still here", call(c.node(0), x -> x.send(other, "still here", TIMEOUT)));
        }
    }

    /** Sends {@code message} to {@code to} from a new process of {@code node}; the future has the answer. */
    private static CompletableFuture<Object> async(Node node, ProcessId to, Object message) {
        CompletableFuture<Object> answer = new CompletableFuture<>();
        node.spawn("client", k -> {
            try {
                answer.complete(k.send(to, message, TIMEOUT));
            } catch (IpcException e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aHandlerThatBlocksMovesToItsProcessThreadAndItsRequestIsHandledThere(Transport transport) throws Exception {
        try (TestCluster c = transport.start(2, Codecs.of())) {
            ProcessId echo = Clusters.server(c.node(1), m -> "echo:" + m);
            ProcessId server = server(c.node(1), Dispatch.EVENT_LOOP, (k, r) -> {
                if (!"ready?".equals(r.message())) {
                    // a send blocks: refused on the event loop, done again on the process's thread
                    assertEquals("echo:inner", k.send(echo, "inner", TIMEOUT));
                }
            });
            awaitServingOnTheLoop(c.node(0), server);
            assertEquals("handled:one", call(c.node(0), k -> k.send(server, "one", TIMEOUT)));
            assertEquals("handled:two", call(c.node(0), k -> k.send(server, "two", TIMEOUT)));
            // one refused try on the loop, then everything on the process's (virtual) thread
            assertEquals(List.of(false, true, true), onVirtualThread);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aHandlerThatFaultsOnAPageMovesToItsProcessThread(Transport transport) throws Exception {
        MemoryConfig memory = MemoryConfig.of(List.of(MemoryConfig.Region.of("cells", 4096)));
        CompletableFuture<Void> movedToItsThread = new CompletableFuture<>();
        try (TestCluster c = transport.start(2, Codecs.of(), memory, holdPagesUntil("node2", movedToItsThread))) {
            long cell = c.node(0).memory().region("cells").base();
            c.node(0).memory().setLong(cell, 42);
            ProcessId server = server(c.node(1), Dispatch.EVENT_LOOP, (k, r) -> {
                if (!"ready?".equals(r.message())) {
                    if (Thread.currentThread().isVirtual()) {
                        movedToItsThread.complete(null);
                    }
                    // node 2 holds no copy of the page node 1 wrote: a read fault waits for it
                    assertEquals(42, k.memory().getLong(cell));
                }
            });
            awaitServingOnTheLoop(c.node(0), server);
            assertEquals("handled:x", call(c.node(0), k -> k.send(server, "x", TIMEOUT)));
            assertEquals(List.of(false, true), onVirtualThread);
        }
    }

    /**
     * Node {@code node} gets no page from its peers until {@code open} completes: a page fault there
     * cannot be answered before the faulting thread would wait (else, on a fast machine, the page
     * may arrive on the other event loop first, and a handler on the loop need not move).
     */
    private static UnaryOperator<NodeConfig> holdPagesUntil(String node, CompletableFuture<Void> open) {
        return config -> !config.node().equals(node) ? config
                : config.withConnectionHandler(() -> new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof Frame frame && frame.kind() == FrameKind.PAGE && !open.isDone()) {
                            open.thenRunAsync(() -> ctx.fireChannelRead(msg), ctx.executor());
                        } else {
                            ctx.fireChannelRead(msg);
                        }
                    }
                });
    }

    @Test
    void aHandlerThatHoldsTheEventLoopIsMovedAndNoPeerIsDeclaredDead() throws Exception {
        try (TestCluster c = Transport.TCP.start(2, Codecs.of())) {
            CountDownLatch holding = new CountDownLatch(1);
            ProcessId server = server(c.node(1), Dispatch.EVENT_LOOP, (k, r) -> {
                if (!"slow".equals(r.message())) {
                    return;
                }
                holding.countDown();
                // longer than the failure timeout (2 s): the loop that reads node 1's peers is held
                TimeUnit.MILLISECONDS.sleep(3_000);
            });
            awaitServingOnTheLoop(c.node(0), server);
            CompletableFuture<Object> slow = new CompletableFuture<>();
            c.node(0).spawn("client", k -> slow.complete(k.send(server, "slow", TIMEOUT)));
            assertTrue(holding.await(10, TimeUnit.SECONDS));
            assertEquals("handled:next", call(c.node(0), k -> k.send(server, "next", TIMEOUT)));
            // the next request was handled on the process's thread while the first still held the loop
            assertEquals(List.of(false, true), onVirtualThread.subList(0, 2));
            assertEquals("handled:slow", slow.get(10, TimeUnit.SECONDS), "the held request was answered too");
            for (Node n : List.of(c.node(0), c.node(1))) {
                assertEquals(2, n.members().size(), n.id() + " sees " + n.members());
            }
        }
    }

    @Test
    void nodesWithOneEventLoopServeInlineToo() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.of("x", "one", new InetSocketAddress(
                "127.0.0.1", 0), List.of()).withEventLoops(0));
        try (Node a = Node.start(NodeConfig.of("a", "one", new InetSocketAddress("127.0.0.1", 0), List.of())
                .withEventLoops(1), Codecs.of());
                Node b = Node.start(NodeConfig.of("b", "one", new InetSocketAddress("127.0.0.1", 0),
                        List.of(Node.parse(a.address()))).withEventLoops(1), Codecs.of())) {
            assertTrue(a.awaitMembers(2, TIMEOUT) && b.awaitMembers(2, TIMEOUT));
            ProcessId server = server(b, Dispatch.EVENT_LOOP, null);
            awaitServingOnTheLoop(a, server);
            for (int i = 0; i < 20; i++) {
                int n = i;
                assertEquals("handled:" + n, call(a, k -> k.send(server, String.valueOf(n), TIMEOUT)));
            }
            assertFalse(onVirtualThread.contains(true), onVirtualThread.toString());
        }
    }
}
