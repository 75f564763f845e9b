package dev.iris.runtime;

import static dev.iris.runtime.Clusters.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Clusters.TestCluster;
import dev.iris.runtime.Clusters.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Process-group scenarios, written once and run over the in-JVM and the TCP transport. */
class GroupScenarioTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static TestCluster cluster(Transport transport, int size) throws InterruptedException {
        return transport.start(size, Codecs.of());
    }

    /** A member that joins {@code group} and answers "pid:message" until interrupted; returns once joined. */
    private static ProcessId member(Node node, ProcessId group) throws InterruptedException {
        CountDownLatch joined = new CountDownLatch(1);
        ProcessId pid = node.spawn("member", k -> {
            k.join(group);
            joined.countDown();
            while (true) {
                Request r = k.receive();
                k.reply(r, k.self() + ":" + r.message());
            }
        });
        assertTrue(joined.await(10, TimeUnit.SECONDS), "join completed");
        return pid;
    }

    private static Set<ProcessId> senders(GroupReplies replies) {
        return replies.replies().stream().map(GroupReplies.Reply::from).collect(Collectors.toSet());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void awaitMembersReturnsOnceTheGroupHasEnoughMembersOnAnyNode(Transport transport) throws Exception {
        try (TestCluster c = cluster(transport, 2)) {
            ProcessId group = ProcessId.wellKnownGroup(21);
            boolean one = c.node(0).call("await", Duration.ofSeconds(10), k -> k.awaitMembers(group, 1,
                    Duration.ofMillis(100)));
            assertFalse(one, "nobody joined");
            CompletableFuture<Boolean> two = new CompletableFuture<>();
            c.node(0).spawn("client", k -> two.complete(k.awaitMembers(group, 2, Duration.ofSeconds(20))));
            CountDownLatch stay = new CountDownLatch(1);
            c.node(1).spawn("far", k -> {
                k.join(group);
                stay.await();
            });
            c.node(0).spawn("near", k -> {
                k.join(group);
                stay.await();
            });
            assertTrue(two.get(20, TimeUnit.SECONDS), "two members, one on each node");
            stay.countDown();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void groupSendReachesEveryMemberOnEveryNode(Transport transport) throws Exception {
        try (TestCluster c = cluster(transport, 3)) {
            ProcessId group = ProcessId.wellKnownGroup(17);
            Set<ProcessId> members = Set.of(member(c.node(0), group), member(c.node(1), group), member(c.node(1), group),
                    member(c.node(2), group));
            for (int i = 0; i < 3; i++) {
                Node n = c.node(i);
                assertEquals(members, call(n, k -> k.members(group)), "view of " + n.id());
            }

            GroupReplies all = call(c.node(0), k -> k.sendGroup(group, "all", ReplyMode.ALL, TIMEOUT));
            assertTrue(all.satisfied());
            assertEquals(4, all.addressed());
            assertEquals(members, senders(all));
            assertTrue(all.failures().isEmpty());

            // FIRST returns on the first reply; getReply hands out the others exactly once
            List<ProcessId> seen = call(c.node(2), k -> {
                GroupReplies first = k.sendGroup(group, "first", ReplyMode.FIRST, TIMEOUT);
                List<ProcessId> from = new ArrayList<>();
                first.replies().forEach(r -> from.add(r.from()));
                for (GroupReplies.Reply r; (r = k.getReply(TIMEOUT)) != null; ) {
                    assertEquals(r.from() + ":first", r.message());
                    from.add(r.from());
                }
                return from;
            });
            assertEquals(4, seen.size());
            assertEquals(members, new HashSet<>(seen));

            // a group id works wherever a process id does
            String reply = (String) call(c.node(1), k -> k.send(group, "plain send", TIMEOUT));
            assertTrue(reply.endsWith(":plain send"), reply);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void replyModesWaitForWhatTheySay(Transport transport) throws Exception {
        try (TestCluster c = cluster(transport, 3)) {
            ProcessId group = call(c.node(0), k -> k.createGroup(false));
            member(c.node(1), group);
            member(c.node(2), group);
            CountDownLatch mute = new CountDownLatch(1);
            c.node(2).spawn("mute", k -> {
                k.join(group);
                mute.countDown();
                while (true) {
                    k.receive(); // never replies
                }
            });
            assertTrue(mute.await(10, TimeUnit.SECONDS));
            // members: the creator (a finished call process has left), two answering, one mute
            GroupReplies majority = call(c.node(0), k -> k.sendGroup(group, "m", ReplyMode.MAJORITY, TIMEOUT));
            assertEquals(3, majority.addressed());
            assertTrue(majority.satisfied());
            assertTrue(majority.replies().size() >= 2);

            GroupReplies two = call(c.node(0), k -> k.sendGroup(group, "n", ReplyMode.atLeast(2), TIMEOUT));
            assertTrue(two.satisfied() && two.replies().size() >= 2);

            GroupReplies none = call(c.node(0), k -> k.sendGroup(group, "x", ReplyMode.NONE, TIMEOUT));
            assertTrue(none.satisfied());
            assertEquals(0, none.replies().size());

            IpcTimeoutException t = assertThrows(IpcTimeoutException.class,
                    () -> call(c.node(0), k -> k.sendGroup(group, "all", ReplyMode.ALL, Duration.ofMillis(300))));
            assertTrue(t.getMessage().contains("2 of 3 required replies"), t.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void repliesToAnEarlierSendAreDiscardedOnTheNextSend(Transport transport) throws Exception {
        try (TestCluster c = cluster(transport, 2)) {
            ProcessId group = ProcessId.wellKnownGroup(3);
            member(c.node(1), group);
            member(c.node(1), group);
            member(c.node(0), group);
            List<Object> later = call(c.node(0), k -> {
                k.sendGroup(group, "old", ReplyMode.FIRST, TIMEOUT);
                k.sendGroup(group, "new", ReplyMode.ALL, TIMEOUT);
                List<Object> rest = new ArrayList<>();
                for (GroupReplies.Reply r; (r = k.getReply(Duration.ofMillis(200))) != null; ) {
                    rest.add(r.message());
                }
                return rest;
            });
            assertEquals(List.of(), later, "ALL handed out every reply of the new send; none of the old one remain");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void localGroupsStayOnTheirNodeAndLeavingStopsDelivery(Transport transport) throws Exception {
        try (TestCluster c = cluster(transport, 2)) {
            ProcessId local = call(c.node(0), k -> k.createGroup(true));
            assertTrue(local.isLocalGroup());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> call(c.node(1), k -> {
                        k.join(local);
                        return null;
                    }));
            assertTrue(e.getMessage().contains("local group"), e.getMessage());

            ProcessId group = ProcessId.wellKnownGroup(5);
            ProcessId stays = member(c.node(0), group);
            CountDownLatch left = new CountDownLatch(1);
            ProcessId leaver = c.node(1).spawn("leaver", k -> {
                k.join(group);
                k.leave(group);
                left.countDown();
                new CountDownLatch(1).await();
            });
            assertTrue(left.await(10, TimeUnit.SECONDS));
            GroupReplies replies = call(c.node(0), k -> k.sendGroup(group, "after leave", ReplyMode.ALL, TIMEOUT));
            assertEquals(Set.of(stays), senders(replies));
            assertFalse(call(c.node(0), k -> k.members(group)).contains(leaver));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aDeadNodesMembersFailAndMembershipConverges(Transport transport) throws Exception {
        try (TestCluster c = cluster(transport, 3)) {
            ProcessId group = ProcessId.wellKnownGroup(9);
            ProcessId a = member(c.node(0), group);
            ProcessId b = member(c.node(1), group);
            CountDownLatch received = new CountDownLatch(1);
            CountDownLatch joined = new CountDownLatch(1);
            ProcessId doomed = c.node(2).spawn("doomed", k -> {
                k.join(group);
                joined.countDown();
                k.receive();
                received.countDown();
                new CountDownLatch(1).await();
            });
            assertTrue(joined.await(10, TimeUnit.SECONDS));
            var result = new java.util.concurrent.CompletableFuture<GroupReplies>();
            c.node(0).spawn("sender", k -> result.complete(k.sendGroup(group, "x", ReplyMode.ALL, Duration.ofMinutes(1))));
            assertTrue(received.await(10, TimeUnit.SECONDS));
            c.node(2).close();

            GroupReplies replies = result.get(10, TimeUnit.SECONDS);
            assertEquals(Set.of(a, b), senders(replies));
            assertFalse(replies.satisfied());
            assertInstanceOf(NodeUnreachableException.class, replies.failures().get(doomed));
            assertTrue(replies.failures().get(doomed).getMessage().contains("node3"));
            for (int i = 0; i < 2; i++) {
                assertEquals(Set.of(a, b), call(c.node(i), k -> k.members(group)));
            }
        }
    }

    /**
     * Members join and leave concurrently while group sends run: every send reaches each member
     * whose join completed before the send started (and that did not start leaving before it
     * ended), and never one whose leave completed before the send started.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void concurrentJoinsAndLeavesKeepSendsConsistent(Transport transport) throws Exception {
        try (TestCluster c = cluster(transport, 3)) {
            ProcessId group = ProcessId.wellKnownGroup(21);
            Set<ProcessId> stable = Set.of(member(c.node(0), group), member(c.node(1), group), member(c.node(2), group));

            int churners = 6;
            // state per churner: JOINED (join returned, no leave started), else OUT; epoch counts changes
            Map<ProcessId, AtomicInteger> epoch = new ConcurrentHashMap<>();
            Set<ProcessId> joinedNow = ConcurrentHashMap.newKeySet();
            Set<ProcessId> goneForever = ConcurrentHashMap.newKeySet();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch finished = new CountDownLatch(churners);
            for (int i = 0; i < churners; i++) {
                Node node = c.node(i % 3);
                boolean leaveForever = i % 2 == 0;
                node.spawn("churner" + i, k -> {
                    AtomicInteger e = epoch.computeIfAbsent(k.self(), p -> new AtomicInteger());
                    try {
                        for (int round = 0; round < 30 && !stop.get(); round++) {
                            k.join(group);
                            joinedNow.add(k.self());
                            e.incrementAndGet();
                            drain(k);
                            e.incrementAndGet();
                            joinedNow.remove(k.self());
                            k.leave(group);
                            drain(k);
                        }
                        if (!leaveForever) {
                            k.join(group);
                            joinedNow.add(k.self());
                            e.incrementAndGet();
                        } else {
                            goneForever.add(k.self());
                        }
                    } finally {
                        finished.countDown();
                    }
                    while (!leaveForever) {
                        Request r = k.receive();
                        k.reply(r, "late");
                    }
                });
            }
            int sends = call(c.node(0), k -> {
                int n = 0;
                while (finished.getCount() > 0 || n < 5) {
                    Set<ProcessId> mustReach = new HashSet<>(stable);
                    Map<ProcessId, Integer> epochs = new java.util.HashMap<>();
                    for (ProcessId p : joinedNow) {
                        epochs.put(p, epoch.get(p).get());
                    }
                    Set<ProcessId> mustNotReach = Set.copyOf(goneForever);
                    GroupReplies r = k.sendGroup(group, "round", ReplyMode.ALL, TIMEOUT);
                    for (Map.Entry<ProcessId, Integer> e : epochs.entrySet()) {
                        if (epoch.get(e.getKey()).get() == e.getValue() && e.getValue() % 2 == 1) {
                            mustReach.add(e.getKey()); // joined before the send, no leave started until now
                        }
                    }
                    Set<ProcessId> reached = senders(r);
                    if (!reached.containsAll(mustReach)) {
                        throw new AssertionError("send " + n + " missed " + diff(mustReach, reached));
                    }
                    for (ProcessId p : mustNotReach) {
                        if (reached.contains(p) || r.failures().containsKey(p)) {
                            throw new AssertionError("send " + n + " addressed " + p + ", which had left");
                        }
                    }
                    n++;
                }
                return n;
            });
            stop.set(true);
            assertTrue(finished.await(30, TimeUnit.SECONDS));
            assertTrue(sends >= 5, "sends: " + sends);
        }
    }

    private static Set<ProcessId> diff(Set<ProcessId> a, Set<ProcessId> b) {
        Set<ProcessId> d = new HashSet<>(a);
        d.removeAll(b);
        return d;
    }

    private static void drain(Kernel k) throws InterruptedException {
        for (Request r; (r = k.receive(Duration.ZERO)) != null; ) {
            k.reply(r, "churn");
        }
    }
}
