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
import java.util.concurrent.CompletionException;
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
 * reply mode; the receiver knows the group; a request forwarded to a group is answered by the first
 * member that replies (VMTP); a forwarding loop ends after {@value Ipc#MAX_FORWARDS} forwards with a
 * clear failure at the sender.
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

    private static final ProcessId WORKERS = ProcessId.wellKnownGroup(12);

    /** What a test process does with each request, with its kernel. */
    @FunctionalInterface
    private interface Handler {
        void handle(Kernel k, Request r) throws Exception;
    }

    /** Spawns a process on {@code node} that joins {@code group}, then handles each request; waits for the join. */
    private static ProcessId joined(Node node, String name, ProcessId group, Handler handler) throws Exception {
        CompletableFuture<Void> joined = new CompletableFuture<>();
        ProcessId pid = node.spawn(name, k -> {
            k.join(group);
            joined.complete(null);
            while (true) {
                handler.handle(k, k.receive());
            }
        });
        joined.get(10, TimeUnit.SECONDS);
        return pid;
    }

    /** Spawns a process on {@code node} that forwards every request to {@code to}. */
    private static ProcessId forwarder(Node node, ProcessId to) {
        return node.spawn("forwarder", k -> {
            while (true) {
                k.forward(k.receive(), to);
            }
        });
    }

    /**
     * VMTP's forward to a group: a Send forwarded to a group is answered by a member that replies;
     * a member that exits without replying, first, reports nothing, since another may answer.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aSendForwardedToAGroupIsAnsweredByAMemberThatRepliesNotByOneThatFailed(Transport transport)
            throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of())) {
            CompletableFuture<Thread> quitter = new CompletableFuture<>();
            joined(c.node(0), "quitter", WORKERS, (k, r) -> {
                quitter.complete(Thread.currentThread());
                throw new InterruptedException("exits without replying"); // its node fails the request here
            });
            CompletableFuture<Void> go = new CompletableFuture<>();
            CompletableFuture<Request> atReplier = new CompletableFuture<>();
            joined(c.node(2), "replier", WORKERS, (k, r) -> {
                go.get(10, TimeUnit.SECONDS);
                atReplier.complete(r);
                k.reply(r, "replier: " + r.message());
            });
            ProcessId dispatcher = forwarder(c.node(1), WORKERS);
            CompletableFuture<Object> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return call(c.node(0), k -> k.send(dispatcher, "job", TIMEOUT));
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            // the quitter's failure is settled on the sender's own node before the replier answers
            quitter.get(10, TimeUnit.SECONDS).join();
            go.complete(null);
            assertEquals("replier: job", answer.get(10, TimeUnit.SECONDS));
            assertEquals(1, atReplier.get(10, TimeUnit.SECONDS).forwards());
        }
    }

    /**
     * A member that got its copy by a forward to a group passes it on to a process that does not
     * exist: that failure is not reported either (the copy stays one of the group's), and the
     * member that replies answers the sender.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aGroupCopyForwardedOnStaysQuietWhenItFails(Transport transport) throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of())) {
            ProcessId ghost = ProcessId.process(c.node(0).id().number(), 4242);
            CompletableFuture<Void> passedOn = new CompletableFuture<>();
            joined(c.node(0), "passer", WORKERS, (k, r) -> {
                k.forward(r, ghost); // fails at once, here on the sender's node, and says nothing
                passedOn.complete(null);
            });
            joined(c.node(2), "replier", WORKERS, (k, r) -> {
                passedOn.get(10, TimeUnit.SECONDS);
                k.reply(r, "replier: " + r.message());
            });
            ProcessId dispatcher = forwarder(c.node(1), WORKERS);
            assertEquals("replier: job", call(c.node(0), k -> k.send(dispatcher, "job", TIMEOUT)));
        }
    }

    /**
     * A group send's member forwards its request to another group: the first of that group's
     * replies counts as the member's answer.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aGroupRequestForwardedToAnotherGroupCountsItsFirstReplyAsTheForwarders(Transport transport)
            throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of())) {
            ProcessId one = joined(c.node(1), "one", WORKERS, (k, r) -> k.reply(r, "one: " + r.message()));
            ProcessId two = joined(c.node(2), "two", WORKERS, (k, r) -> k.reply(r, "two: " + r.message()));
            ProcessId member = member(c.node(1), "member", k -> {
                while (true) {
                    k.forward(k.receive(), WORKERS);
                }
            });
            GroupReplies replies = call(c.node(0), k -> k.sendGroup(GROUP, "job", ReplyMode.ALL, TIMEOUT));
            assertEquals(1, replies.addressed());
            assertEquals(1, replies.replies().size(), replies.toString());
            assertTrue(Set.of(one, two).contains(replies.replies().get(0).from()), replies.toString());
            assertTrue(replies.failures().isEmpty(), replies.toString());
            assertEquals(member.nodeNumber(), c.node(1).id().number());
        }
    }

    /** A forward to a group without (other) members fails the sender at once, saying so. */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aForwardToAnEmptyGroupFailsTheSenderAtOnce(Transport transport) throws Exception {
        try (TestCluster c = transport.start(2, Codecs.of())) {
            ProcessId dispatcher = forwarder(c.node(1), WORKERS);
            NoSuchProcessException e = assertThrows(NoSuchProcessException.class,
                    () -> call(c.node(0), k -> k.send(dispatcher, "job", Duration.ofSeconds(60))));
            assertTrue(e.getMessage().contains("has no members"), e.getMessage());
        }
    }

    /** A request that came by a forward to a group goes on to a process only, so that its copies stay few. */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aRequestForwardedToAGroupIsNotForwardedToAGroupAgain(Transport transport) throws Exception {
        try (TestCluster c = transport.start(2, Codecs.of())) {
            CompletableFuture<Throwable> refused = new CompletableFuture<>();
            joined(c.node(1), "worker", WORKERS, (k, r) -> {
                refused.complete(assertThrows(IllegalArgumentException.class, () -> k.forward(r, GROUP)));
                k.reply(r, "answered myself");
            });
            ProcessId dispatcher = forwarder(c.node(0), WORKERS);
            assertEquals("answered myself", call(c.node(0), k -> k.send(dispatcher, "hi", TIMEOUT)));
            assertTrue(refused.get(10, TimeUnit.SECONDS).getMessage().contains("came by a forward to a group"));
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
