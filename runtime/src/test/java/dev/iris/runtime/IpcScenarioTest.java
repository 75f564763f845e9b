package dev.iris.runtime;

import static dev.iris.runtime.Clusters.call;
import static dev.iris.runtime.Clusters.server;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Clusters.TestCluster;
import dev.iris.runtime.Clusters.Transport;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** V IPC scenarios, written once and run over the in-JVM and the TCP transport. */
class IpcScenarioTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A user message type with its own codec (what the language generates later). */
    record Transfer(String account, long cents) {
    }

    static final MessageCodec<Transfer> TRANSFER = new MessageCodec<>() {
        @Override
        public int id() {
            return 100;
        }

        @Override
        public Class<Transfer> type() {
            return Transfer.class;
        }

        @Override
        public void encode(Transfer t, ByteBuf out) {
            out.writeLong(t.cents());
            out.writeCharSequence(t.account(), StandardCharsets.UTF_8);
        }

        @Override
        public Transfer decode(ByteBuf in) {
            long cents = in.readLong();
            return new Transfer(in.toString(StandardCharsets.UTF_8), cents);
        }
    };

    private static TestCluster cluster(Transport transport, int size) throws InterruptedException {
        return transport.start(size, Codecs.of(TRANSFER));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void sendReceiveReplyAcrossNodes(Transport transport) throws Exception {
        try (TestCluster c = cluster(transport, 2)) {
            ProcessId upper = server(c.node(1), m -> ((String) m).toUpperCase());
            assertEquals("HELLO", call(c.node(0), k -> k.send(upper, "hello", TIMEOUT)));
            ProcessId local = server(c.node(0), m -> m + "!");
            assertEquals("same node!", call(c.node(0), k -> k.send(local, "same node", TIMEOUT)));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void tcpUsesNativeEpollWhereAvailable(Transport transport) throws Exception {
        try (TestCluster c = cluster(transport, 1)) {
            String expected = transport == Transport.IN_JVM ? "local"
                    : io.netty.channel.epoll.Epoll.isAvailable() ? "epoll" : "nio";
            assertEquals(expected, c.node(0).transport());
            if (transport == Transport.TCP && System.getProperty("os.name").equals("Linux")
                    && System.getProperty("os.arch").equals("amd64")) {
                assertEquals("epoll", c.node(0).transport(), "the native library ships for linux-x86_64");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void typedMessagesAndBulkBytesTravelByCodec(Transport transport) throws Exception {
        try (TestCluster c = cluster(transport, 2)) {
            ProcessId bank = server(c.node(1), m -> m instanceof Transfer t ? new Transfer(t.account(), t.cents() * 2) : m);
            assertEquals(new Transfer("alice", 4200), call(c.node(0), k -> k.send(bank, new Transfer("alice", 2100), TIMEOUT)));

            byte[] bulk = new byte[512 * 1024];
            new java.util.Random(7).nextBytes(bulk);
            assertArrayEquals(bulk, (byte[]) call(c.node(0), k -> k.send(bank, bulk, TIMEOUT)));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void forwardLetsAThirdProcessReplyToTheSender(Transport transport) throws Exception {
        try (TestCluster c = cluster(transport, 3)) {
            ProcessId worker = server(c.node(2), m -> "done by worker: " + m);
            CompletableFuture<Throwable> secondAnswer = new CompletableFuture<>();
            ProcessId dispatcher = c.node(1).spawn("dispatcher", k -> {
                Request r = k.receive();
                k.forward(r, worker);
                secondAnswer.complete(assertThrows(IllegalStateException.class, () -> k.reply(r, "too late")));
            });
            assertEquals("done by worker: job", call(c.node(0), k -> k.send(dispatcher, "job", TIMEOUT)));
            assertTrue(secondAnswer.get(5, TimeUnit.SECONDS).getMessage().contains("already answered"));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void sendToAMissingProcessOrNodeFailsClearly(Transport transport) throws Exception {
        try (TestCluster c = cluster(transport, 2)) {
            ProcessId ghost = ProcessId.process(c.node(1).id().number(), 12345);
            NoSuchProcessException e = assertThrows(NoSuchProcessException.class,
                    () -> call(c.node(0), k -> k.send(ghost, "anyone?", TIMEOUT)));
            assertTrue(e.getMessage().contains("no process " + ghost), e.getMessage());

            ProcessId nowhere = ProcessId.process(NodeId.of("not-a-member").number(), 1);
            NodeUnreachableException u = assertThrows(NodeUnreachableException.class,
                    () -> call(c.node(0), k -> k.send(nowhere, "hello?", TIMEOUT)));
            assertTrue(u.getMessage().contains("not a live member"), u.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void sendTimesOutWhenNobodyReplies(Transport transport) throws Exception {
        try (TestCluster c = cluster(transport, 2)) {
            ProcessId silent = c.node(1).spawn("silent", k -> {
                k.receive();
                new CountDownLatch(1).await();
            });
            IpcTimeoutException e = assertThrows(IpcTimeoutException.class,
                    () -> call(c.node(0), k -> k.send(silent, "hello", Duration.ofMillis(200))));
            assertTrue(e.getMessage().contains("within 200 ms"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aProcessThatExitsWithoutReplyingFailsItsSender(Transport transport) throws Exception {
        try (TestCluster c = cluster(transport, 2)) {
            ProcessId quitter = c.node(1).spawn("quitter", k -> k.receive());
            NoSuchProcessException e = assertThrows(NoSuchProcessException.class,
                    () -> call(c.node(0), k -> k.send(quitter, "bye?", TIMEOUT)));
            assertTrue(e.getMessage().contains("exited before replying"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aDyingNodeFailsTheSendsWaitingOnIt(Transport transport) throws Exception {
        try (TestCluster c = cluster(transport, 3)) {
            CountDownLatch received = new CountDownLatch(1);
            ProcessId doomed = c.node(2).spawn("doomed", k -> {
                k.receive();
                received.countDown();
                new CountDownLatch(1).await();
            });
            CompletableFuture<Object> outcome = new CompletableFuture<>();
            c.node(0).spawn("waiter", k -> {
                try {
                    outcome.complete(k.send(doomed, "wait for me", Duration.ofMinutes(1)));
                } catch (IpcException e) {
                    outcome.completeExceptionally(e);
                }
            });
            assertTrue(received.await(10, TimeUnit.SECONDS));
            c.node(2).close();

            var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> outcome.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof NodeUnreachableException, e.getCause().toString());
            assertTrue(e.getCause().getMessage().contains("node3"), e.getCause().getMessage());
            assertTrue(c.node(0).awaitMembers(2, TIMEOUT), () -> "node1 sees " + c.node(0).members());
            assertTrue(c.node(1).awaitMembers(2, TIMEOUT), () -> "node2 sees " + c.node(1).members());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aNodeJoiningAtRunTimeThroughOneSeedMeetsEveryone(Transport transport) throws Exception {
        try (TestCluster c = cluster(transport, 3)) {
            Node late = c.join("late");
            for (int i = 0; i < 3; i++) {
                Node n = c.node(i);
                assertTrue(n.awaitMembers(4, TIMEOUT), () -> n.id() + " sees " + n.members());
            }
            assertTrue(late.awaitMembers(4, TIMEOUT), () -> "late sees " + late.members());
            ProcessId echo = server(c.node(2), m -> m);
            assertEquals("hi from late", call(late, k -> k.send(echo, "hi from late", TIMEOUT)));
        }
    }
}
