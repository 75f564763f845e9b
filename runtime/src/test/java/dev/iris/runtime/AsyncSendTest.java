package dev.iris.runtime;

import static dev.iris.runtime.Clusters.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Clusters.TestCluster;
import dev.iris.runtime.Clusters.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** sendAsync and sendGroupAsync: many requests in flight from one process, failures and time-outs as stages. */
class AsyncSendTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static Throwable failure(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        return e.getCause();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void oneProcessKeepsAHundredRequestsInFlight(Transport transport) throws Exception {
        try (TestCluster c = transport.start(2, Codecs.of())) {
            ProcessId remote = Clusters.server(c.node(1), m -> "r:" + m);
            ProcessId local = Clusters.server(c.node(0), m -> "l:" + m);
            List<String> answers = call(c.node(0), k -> {
                List<CompletableFuture<Object>> inFlight = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    inFlight.add(k.sendAsync(i % 2 == 0 ? remote : local, String.valueOf(i), TIMEOUT)
                            .toCompletableFuture());
                }
                List<String> all = new ArrayList<>();
                for (CompletableFuture<Object> f : inFlight) {
                    all.add((String) f.get(10, TimeUnit.SECONDS));
                }
                return all;
            });
            for (int i = 0; i < 100; i++) {
                assertEquals((i % 2 == 0 ? "r:" : "l:") + i, answers.get(i));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void failuresAndTimeOutsCompleteTheStageExceptionally(Transport transport) throws Exception {
        try (TestCluster c = transport.start(2, Codecs.of())) {
            CountDownLatch received = new CountDownLatch(2);
            // a server that receives and never answers, on each node
            ProcessId[] silent = new ProcessId[2];
            for (int n = 0; n < 2; n++) {
                silent[n] = c.node(n).spawn("silent", k -> {
                    List<Request> kept = new ArrayList<>();
                    while (true) {
                        kept.add(k.receive());
                        received.countDown();
                    }
                });
            }
            ProcessId nobody = ProcessId.process(c.node(1).id().number(), 1);
            call(c.node(0), k -> {
                Duration short_ = Duration.ofMillis(300);
                CompletableFuture<Object> remote = k.sendAsync(silent[1], "x", short_).toCompletableFuture();
                CompletableFuture<Object> local = k.sendAsync(silent[0], "x", short_).toCompletableFuture();
                assertInstanceOf(IpcTimeoutException.class, failure(remote));
                assertInstanceOf(IpcTimeoutException.class, failure(local));
                assertInstanceOf(NoSuchProcessException.class,
                        failure(k.sendAsync(nobody, "x", TIMEOUT).toCompletableFuture()));
                assertThrows(IllegalArgumentException.class,
                        () -> k.sendAsync(ProcessId.wellKnownGroup(3), "x", TIMEOUT));
                return null;
            });
            assertTrue(received.await(10, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aGroupSendWithoutWaitingCollectsEveryReply(Transport transport) throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of())) {
            ProcessId group = ProcessId.wellKnownGroup(31);
            CountDownLatch joined = new CountDownLatch(3);
            for (int n = 0; n < 3; n++) {
                c.node(n).spawn("member", k -> {
                    k.join(group);
                    joined.countDown();
                    k.serve(r -> k.reply(r, k.self() + ":" + r.message()), Dispatch.EVENT_LOOP);
                });
            }
            assertTrue(joined.await(10, TimeUnit.SECONDS));
            List<GroupReplies> all = call(c.node(0), k -> {
                List<CompletableFuture<GroupReplies>> sends = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    sends.add(k.sendGroupAsync(group, "m" + i, ReplyMode.ALL, TIMEOUT).toCompletableFuture());
                }
                List<GroupReplies> done = new ArrayList<>();
                for (CompletableFuture<GroupReplies> f : sends) {
                    done.add(f.get(10, TimeUnit.SECONDS));
                }
                return done;
            });
            for (int i = 0; i < 20; i++) {
                GroupReplies r = all.get(i);
                assertTrue(r.satisfied());
                assertEquals(3, r.replies().size());
                for (GroupReplies.Reply reply : r.replies()) {
                    assertEquals(reply.from() + ":m" + i, reply.message());
                }
            }
            // a group with no member answers nothing: ALL is satisfied at once
            GroupReplies none = call(c.node(0), k -> k.sendGroupAsync(ProcessId.wellKnownGroup(32), "x", ReplyMode.ALL,
                    TIMEOUT).toCompletableFuture().get(10, TimeUnit.SECONDS));
            assertEquals(0, none.addressed());
        }
    }
}
