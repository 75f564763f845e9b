package dev.iris.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * IPC events of two TCP nodes: a send, its receive, the reply and its arrival, and a group send,
 * each in causal order by the nodes' Lamport clocks, which now travel with every request and reply.
 */
@Timeout(60)
class MessageEventTest {
    @Test
    void requestsAndRepliesAreEventsInCausalOrderAcrossNodes() throws Exception {
        List<MessageEvent> events = new CopyOnWriteArrayList<>();
        try (Node a = Node.start(NodeConfig.of("a", "lab", new InetSocketAddress("127.0.0.1", 0), List.of()),
                Codecs.of())) {
            int port = Integer.parseInt(a.address().substring(a.address().lastIndexOf(':') + 1));
            try (Node b = Node.start(NodeConfig.of("b", "lab", new InetSocketAddress("127.0.0.1", 0),
                    List.of(new InetSocketAddress("127.0.0.1", port))), Codecs.of())) {
                assertTrue(a.awaitMembers(2, Duration.ofSeconds(20)) && b.awaitMembers(2, Duration.ofSeconds(20)));
                ProcessId group = ProcessId.wellKnownGroup(9);
                java.util.concurrent.CountDownLatch joined = new java.util.concurrent.CountDownLatch(1);
                ProcessId echo = b.spawn("echo", k -> {
                    k.join(group);
                    joined.countDown();
                    while (true) {
                        Request r = k.receive();
                        k.reply(r, "re: " + r.message());
                    }
                });
                assertTrue(joined.await(10, java.util.concurrent.TimeUnit.SECONDS));
                assertTrue(a.awaitMembers(2, Duration.ofSeconds(10)));
                java.util.function.Consumer<MessageEvent> listener = events::add;
                a.addMessageListener(listener);
                b.addMessageListener(listener);
                assertEquals("re: hi", a.call("client", Duration.ofSeconds(10), k -> k.send(echo, "hi",
                        Duration.ofSeconds(5))));
                MessageEvent send = one(events, MessageEvent.Kind.SEND, "a");
                MessageEvent receive = one(events, MessageEvent.Kind.RECEIVE, "b");
                MessageEvent reply = one(events, MessageEvent.Kind.REPLY, "b");
                MessageEvent back = one(events, MessageEvent.Kind.REPLY_RECEIVED, "a");
                assertEquals(List.of(send.requestId(), send.requestId(), send.requestId()),
                        List.of(receive.requestId(), reply.requestId(), back.requestId()));
                assertEquals("b", send.peer());
                assertEquals("a", receive.peer());
                assertEquals(echo, receive.target());
                assertEquals("String", receive.message());
                assertEquals(List.of("\"hi\"", "\"hi\"", "\"re: hi\"", "\"re: hi\""),
                        List.of(send.content(), receive.content(), reply.content(), back.content()),
                        "what each message said");
                assertTrue(send.clock() < receive.clock() && receive.clock() < reply.clock()
                        && reply.clock() < back.clock(), "causal order: " + List.of(send, receive, reply, back));

                events.clear();
                GroupReplies replies = a.call("client", Duration.ofSeconds(10), k -> k.sendGroup(group, "all",
                        ReplyMode.FIRST, Duration.ofSeconds(5)));
                assertEquals(1, replies.replies().size());
                MessageEvent groupSend = one(events, MessageEvent.Kind.GROUP_SEND, "a");
                MessageEvent groupReceive = one(events, MessageEvent.Kind.RECEIVE, "b");
                assertEquals(group, groupSend.target());
                assertEquals(group, groupReceive.target());
                assertTrue(groupSend.clock() < groupReceive.clock());

                // a forward: a relay on b passes a's request to a process on a, which answers a
                ProcessId back2 = a.spawn("echo-a", k -> {
                    while (true) {
                        Request r = k.receive();
                        k.reply(r, "re: " + r.message());
                    }
                });
                ProcessId relay = b.spawn("relay", k -> {
                    while (true) {
                        k.forward(k.receive(), back2);
                    }
                });
                events.clear();
                assertEquals("re: on", a.call("client", Duration.ofSeconds(10), k -> k.send(relay, "on",
                        Duration.ofSeconds(5))));
                MessageEvent forward = one(events, MessageEvent.Kind.FORWARD, "b");
                assertEquals("a", forward.peer());
                assertEquals(back2, forward.target());
                MessageEvent forwarded = events.stream().filter(e -> e.kind() == MessageEvent.Kind.RECEIVE
                        && e.node().equals("a")).findFirst().orElseThrow();
                assertEquals("b", forwarded.peer(), "a forwarded request comes from the forwarding node");
                assertEquals(forward.requestId(), forwarded.requestId());
                assertTrue(forward.clock() < forwarded.clock());

                // nobody listening: nothing is made
                a.removeMessageListener(listener);
                b.removeMessageListener(listener);
                events.clear();
                assertEquals("re: x", a.call("client", Duration.ofSeconds(10), k -> k.send(echo, "x",
                        Duration.ofSeconds(5))));
                assertEquals(List.of(), events);
            }
        }
    }

    private static MessageEvent one(List<MessageEvent> events, MessageEvent.Kind kind, String node) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<MessageEvent> found = events.stream().filter(e -> e.kind() == kind && e.node().equals(node)).toList();
            if (!found.isEmpty()) {
                return found.get(0);
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no " + kind + " on " + node + " in " + events);
    }

    @Test
    void aMessagesContentIsWhatAPersonReadsAndIsBounded() {
        record Transfer(int from, int to, long cents) {
        }
        assertEquals("Transfer[from=1, to=2, cents=5]", MessageEvent.contentOf(new Transfer(1, 2, 5)));
        assertEquals("byte[64]", MessageEvent.contentOf(new byte[64]));
        assertEquals("\"hi\"", MessageEvent.contentOf("hi"));
        String cut = MessageEvent.contentOf("x".repeat(1000));
        assertEquals(MessageEvent.CONTENT_CHARS, cut.length());
        assertTrue(cut.endsWith("\u2026"), cut);
    }
}
