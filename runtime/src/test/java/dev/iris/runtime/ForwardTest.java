package dev.iris.runtime;

import static dev.iris.runtime.Clusters.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Clusters.TestCluster;
import dev.iris.runtime.Clusters.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * V's Forward with process groups: a member that forwards a group request to a process outside
 * the group has that process's answer (its reply or its failure) counted in its place, in every
 * reply mode; the receiver knows the group; a forwarding loop ends after {@value Ipc#MAX_FORWARDS}
 * forwards with a clear failure at the sender.
 */
@Timeout(60)
class ForwardTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ProcessId GROUP = ProcessId.wellKnownGroup(11);

    static Stream<Arguments> modes() {
        return Stream.of(Transport.values()).flatMap(t -> Stream.of(ReplyMode.ALL, ReplyMode.FIRST, ReplyMode.MAJORITY,
                ReplyMode.atLeast(2)).map(m -> Arguments.of(t, m)));
    }

    /** Spawns a process on {@code node} that joins {@link #GROUP} and then runs {@code body}; waits for the join. */
    private static ProcessId member(Node node, String name, ProcessBody body) throws Exception {
        CompletableFuture<Void> joined = new CompletableFuture<>();
        ProcessId pid = node.spawn(name, k -> {
            k.join(GROUP);
            joined.complete(null);
            body.run(k);
        });
        joined.get(10, TimeUnit.SECONDS);
        return pid;
    }

    @ParameterizedTest
    @MethodSource("modes")
    void aGroupRequestForwardedOutOfTheGroupIsAnsweredInTheForwardersPlace(Transport transport, ReplyMode mode)
            throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of())) {
            CompletableFuture<Request> atWorker = new CompletableFuture<>();
            ProcessId worker = c.node(2).spawn("worker", k -> {
                while (true) {
                    Request r = k.receive();
                    atWorker.complete(r);
                    k.reply(r, "worker: " + r.message());
                }
            });
            member(c.node(1), "forwarder", k -> {
                while (true) {
                    k.forward(k.receive(), worker);
                }
            });
            ProcessId direct = member(c.node(2), "direct", k -> {
                while (true) {
                    Request r = k.receive();
                    k.reply(r, "direct: " + r.message());
                }
            });
            GroupReplies replies = call(c.node(0), k -> k.sendGroup(GROUP, "job", mode, TIMEOUT));
            assertEquals(2, replies.addressed());
            assertTrue(replies.failures().isEmpty(), replies.failures().toString());
            // at least what the mode requires; a reply that came in before the sender woke is there too
            assertTrue(replies.replies().size() >= mode.required(2) && replies.replies().size() <= 2,
                    replies.toString());
            assertTrue(replies.replies().stream().allMatch(r -> Set.of(worker, direct).contains(r.from())),
                    "the forward target replies for the forwarder: " + replies);
            if (mode.kind() == ReplyMode.Kind.ALL) {
                assertEquals(Set.of("worker: job", "direct: job"),
                        replies.replies().stream().map(r -> (String) r.message()).collect(Collectors.toSet()));
                Request received = atWorker.get(10, TimeUnit.SECONDS);
                assertEquals(Optional.of(GROUP), received.group(), "the worker knows the request came by the group");
                assertEquals(1, received.forwards());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aForwardToAMissingProcessFailsInTheForwardersPlaceAtOnce(Transport transport) throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of())) {
            ProcessId ghost = ProcessId.process(c.node(2).id().number(), 4242);
            ProcessId forwarder = member(c.node(1), "forwarder", k -> {
                while (true) {
                    k.forward(k.receive(), ghost);
                }
            });
            GroupReplies replies = call(c.node(0), k -> k.sendGroup(GROUP, "job", ReplyMode.ALL, TIMEOUT));
            assertEquals(List.of(), replies.replies());
            assertEquals(Set.of(forwarder), replies.failures().keySet(), "counted as the forwarder's failure");
            assertTrue(replies.failures().get(forwarder) instanceof NoSuchProcessException,
                    String.valueOf(replies.failures()));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aForwardingLoopFailsAtTheSenderAfterFifteenForwards(Transport transport) throws Exception {
        try (TestCluster c = transport.start(2, Codecs.of())) {
            ProcessId[] other = new ProcessId[1];
            CompletableFuture<Integer> lastForwards = new CompletableFuture<>();
            ProcessId pong = c.node(1).spawn("pong", k -> {
                while (true) {
                    Request r = k.receive();
                    lastForwards.obtrudeValue(r.forwards());
                    k.forward(r, other[0]);
                }
            });
            other[0] = c.node(0).spawn("ping", k -> {
                while (true) {
                    Request r = k.receive();
                    k.forward(r, pong);
                }
            });
            IpcException e = assertThrows(IpcException.class, () -> call(c.node(0), k -> k.send(pong, "loop",
                    TIMEOUT)));
            assertTrue(e.getMessage().contains("forwarded " + Ipc.MAX_FORWARDS + " times"), e.getMessage());
            assertEquals(Ipc.MAX_FORWARDS - 1, lastForwards.get(), "pong saw the request after every even number of forwards, up to the last");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void forwardingToAGroupIdIsRefusedSayingWhatToDo(Transport transport) throws Exception {
        try (TestCluster c = transport.start(1, Codecs.of())) {
            CompletableFuture<Throwable> refused = new CompletableFuture<>();
            ProcessId relay = c.node(0).spawn("relay", k -> {
                Request r = k.receive();
                refused.complete(assertThrows(IllegalArgumentException.class, () -> k.forward(r, GROUP)));
                k.reply(r, "answered myself");
            });
            assertEquals("answered myself", call(c.node(0), k -> k.send(relay, "hi", TIMEOUT)));
            assertTrue(refused.get(10, TimeUnit.SECONDS).getMessage().contains("forward to one of the group's members"));
        }
    }
    /**
     * The process a request was forwarded to is on a node that dies (here: is closed) while it holds
     * the request: the sender fails at once with its node's death, for a Send and for a group send's
     * member, instead of waiting out its time-out.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aForwardTargetWhoseNodeDiesFailsTheSenderAtOnce(Transport transport) throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of())) {
            CompletableFuture<Void> held = new CompletableFuture<>();
            ProcessId holder = c.node(2).spawn("holder", k -> {
                k.receive();
                k.receive(); // the group's request too; answers neither
                held.complete(null);
                k.receive();
            });
            ProcessId relay = c.node(1).spawn("relay", k -> {
                while (true) {
                    k.forward(k.receive(), holder);
                }
            });
            member(c.node(1), "member", k -> {
                while (true) {
                    k.forward(k.receive(), holder);
                }
            });
            Duration patient = Duration.ofSeconds(40); // far above the test's time for the death to be seen
            CompletableFuture<Throwable> send = new CompletableFuture<>();
            CompletableFuture<GroupReplies> group = new CompletableFuture<>();
            c.node(0).spawn("sender", k -> send.complete(assertThrows(IpcException.class,
                    () -> k.send(relay, "hold this", patient))));
            c.node(0).spawn("group-sender", k -> group.complete(k.sendGroup(GROUP, "hold this too", ReplyMode.ALL,
                    patient)));
            held.get(10, TimeUnit.SECONDS);
            c.node(2).close();

            Throwable failed = send.get(15, TimeUnit.SECONDS);
            assertTrue(failed instanceof NodeUnreachableException, String.valueOf(failed));
            GroupReplies replies = group.get(15, TimeUnit.SECONDS);
            assertEquals(List.of(), replies.replies());
            assertTrue(replies.failures().values().iterator().next() instanceof NodeUnreachableException,
                    replies.failures().toString());
        }
    }
}
