package dev.iris.core.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.MessageEvent;
import dev.iris.runtime.NodeId;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.monitor.MonitorMessage;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The time-space diagram's model: lanes, causal order, and each arrow from its send to its receive. */
class MessageTraceTest {
    private static final ProcessId CLIENT = ProcessId.process(NodeId.of("a").number(), 5);
    private static final ProcessId SERVER = ProcessId.process(NodeId.of("b").number(), 7);
    private static final ProcessId GROUP = ProcessId.wellKnownGroup(2);

    private static MonitorMessage msg(MessageEvent.Kind kind, String node, String peer, long request, ProcessId sender,
            ProcessId target, long clock) {
        boolean reply = kind == MessageEvent.Kind.REPLY || kind == MessageEvent.Kind.REPLY_RECEIVED;
        return new MonitorMessage.Message(new MessageEvent(kind, node, peer, request, sender, target,
                reply ? "Done" : "Transfer", clock * 1000, clock, reply ? "Done[ok=true]" : "Transfer[from=1, to=2, cents=5]"));
    }

    private static MonitorMessage mem(MemoryEvent.Kind kind, String node, String peer, long clock) {
        return new MonitorMessage.Memory(new MemoryEvent(kind, node, 3, peer, "Accounts", 0, clock));
    }

    @Test
    void anArrowSaysWhatItsMessageSaidWhoSentItToWhomAndWhatAnsweredIt() {
        MessageTrace trace = MessageTrace.of(List.of("a", "b"), List.of(
                msg(MessageEvent.Kind.SEND, "a", "b", 1, CLIENT, SERVER, 4),
                msg(MessageEvent.Kind.RECEIVE, "b", "a", 1, CLIENT, SERVER, 5),
                msg(MessageEvent.Kind.REPLY, "b", "a", 1, CLIENT, SERVER, 8),
                // as the node traces it: the arrival of a reply does not name the sender
                msg(MessageEvent.Kind.REPLY_RECEIVED, "a", "b", 1, null, SERVER, 9),
                msg(MessageEvent.Kind.SEND, "a", "b", 2, CLIENT, SERVER, 10),
                msg(MessageEvent.Kind.RECEIVE, "b", "a", 2, CLIENT, SERVER, 11)));
        Function<ProcessId, Optional<String>> names = id -> Optional.ofNullable(
                id.equals(CLIENT) ? "desk" : id.equals(SERVER) ? "teller" : null);
        List<MessageTrace.Arrow> arrows = trace.arrows();
        assertEquals("Transfer[from=1, to=2, cents=5] from desk (" + CLIENT + ") on a to teller (" + SERVER
                + ") on b (request 1); reply Done[ok=true] from teller (" + SERVER + ") after 5 \u00b5s",
                trace.details(arrows.get(0), names));
        assertEquals("reply Done[ok=true] from teller (" + SERVER + ") on b to desk (" + CLIENT
                + ") on a, 5 \u00b5s after its Transfer left", trace.details(arrows.get(1), names));
        assertTrue(trace.details(arrows.get(2), id -> Optional.empty()).endsWith(" on b (request 2); no reply in the trace"),
                trace.details(arrows.get(2), id -> Optional.empty()));

        // the sender's node is not watched: the reply's time is counted from the request's arrival
        MessageTrace unwatched = MessageTrace.of(List.of("b"), List.of(
                msg(MessageEvent.Kind.RECEIVE, "b", "a", 1, CLIENT, SERVER, 5),
                msg(MessageEvent.Kind.REPLY, "b", "a", 1, CLIENT, SERVER, 8)));
        assertEquals("Transfer[from=1, to=2, cents=5] from desk (" + CLIENT + ") on a to teller (" + SERVER
                + ") on b (request 1); reply Done[ok=true] from teller (" + SERVER + "), 3 \u00b5s after the request arrived",
                unwatched.details(unwatched.arrows().get(0), names));
    }

    @Test
    void arrowsGoFromEachSendToItsReceiveInCausalOrder() {
        // delivered out of order, as monitors of different nodes deliver
        List<MonitorMessage> events = List.of(
                msg(MessageEvent.Kind.REPLY_RECEIVED, "a", "b", 1, null, SERVER, 9),
                msg(MessageEvent.Kind.RECEIVE, "b", "a", 1, CLIENT, SERVER, 5),
                msg(MessageEvent.Kind.SEND, "a", "b", 1, CLIENT, SERVER, 4),
                msg(MessageEvent.Kind.REPLY, "b", "a", 1, CLIENT, SERVER, 8),
                mem(MemoryEvent.Kind.OWNERSHIP_LOST, "b", "c", 6),
                mem(MemoryEvent.Kind.OWNERSHIP_GAINED, "c", "b", 7),
                msg(MessageEvent.Kind.GROUP_SEND, "a", "c", 2, CLIENT, GROUP, 10),
                msg(MessageEvent.Kind.RECEIVE, "c", "a", 2, CLIENT, GROUP, 11),
                mem(MemoryEvent.Kind.INVALIDATED, "a", "c", 12),
                // a request from a node nobody watches
                msg(MessageEvent.Kind.RECEIVE, "b", "desk", 77, ProcessId.process(9, 1), SERVER, 13));
        MessageTrace trace = MessageTrace.of(List.of("a", "b"), events);
        assertEquals(List.of("a", "b", "c", "desk"), trace.lanes());
        assertEquals(List.of(4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L), trace.steps().stream()
                .map(MessageTrace.Step::clock).toList());
        List<MessageTrace.Arrow> arrows = trace.arrows();
        assertEquals(List.of(MessageTrace.Kind.SEND, MessageTrace.Kind.OWNERSHIP, MessageTrace.Kind.REPLY,
                MessageTrace.Kind.GROUP_SEND, MessageTrace.Kind.INVALIDATE, MessageTrace.Kind.SEND),
                arrows.stream().map(MessageTrace.Arrow::kind).toList());
        for (MessageTrace.Arrow a : arrows.subList(0, 4)) {
            assertTrue(a.from() >= 0 && a.from() < a.to(), "a send before its receive: " + a);
            assertEquals(a.fromNode(), trace.steps().get(a.from()).node());
        }
        assertEquals(List.of("a", "b", "b", "a"), arrows.subList(0, 4).stream().map(MessageTrace.Arrow::fromNode)
                .toList());
        assertEquals(-1, arrows.get(5).from(), "the desk is not watched: its send is not a step");
        assertEquals("desk", arrows.get(5).fromNode());
        assertTrue(arrows.get(0).summary().startsWith("Transfer"), arrows.get(0).summary());

        assertEquals(4, trace.arrows(EnumSet.of(MessageTrace.Kind.SEND, MessageTrace.Kind.REPLY,
                MessageTrace.Kind.GROUP_SEND)).size());
        String svg = trace.svg(EnumSet.allOf(MessageTrace.Kind.class), 20);
        assertEquals(4, svg.split("class=\"lane\"", -1).length - 1, "a line per lane");
        assertEquals(2, svg.split("class=\"send\"", -1).length - 1);
        assertTrue(svg.contains("<title>invalidation of page 3 (Accounts) by c</title>"), svg);
    }

    /** A forward (V's Forward) is an arrow of its own, from the forwarding node to the new receiver. */
    @Test
    void aForwardIsAnArrowFromTheForwardingNodeToItsNewReceiver() {
        ProcessId worker = ProcessId.process(NodeId.of("c").number(), 3);
        MessageTrace trace = MessageTrace.of(List.of("a", "b", "c"), List.of(
                msg(MessageEvent.Kind.SEND, "a", "b", 1, CLIENT, SERVER, 4),
                msg(MessageEvent.Kind.RECEIVE, "b", "a", 1, CLIENT, SERVER, 5),
                msg(MessageEvent.Kind.FORWARD, "b", "c", 1, CLIENT, worker, 6),
                msg(MessageEvent.Kind.RECEIVE, "c", "b", 1, CLIENT, worker, 7),
                msg(MessageEvent.Kind.REPLY, "c", "a", 1, CLIENT, worker, 8),
                msg(MessageEvent.Kind.REPLY_RECEIVED, "a", "c", 1, null, worker, 9)));
        List<MessageTrace.Arrow> arrows = trace.arrows();
        assertEquals(List.of(MessageTrace.Kind.SEND, MessageTrace.Kind.FORWARD, MessageTrace.Kind.REPLY),
                arrows.stream().map(MessageTrace.Arrow::kind).toList());
        MessageTrace.Arrow forward = arrows.get(1);
        assertEquals("b", forward.fromNode());
        assertEquals(2, forward.from(), "from the forward's step on b");
        assertEquals(3, forward.to());
        String details = trace.details(forward, id -> Optional.of(id.equals(worker) ? "worker" : "client"));
        assertTrue(details.startsWith("forward of Transfer[from=1, to=2, cents=5] from client (" + CLIENT
                + "), passed on by b to worker (" + worker + ") on c (request 1)"), details);
        assertTrue(details.contains("reply Done[ok=true] from worker"), details);
        assertTrue(MessageTrace.Kind.FORWARD.isMessage());
    }

    /** A segment move (V's MoveFrom, MoveTo) is a step of the mover with an arrow from the segment's node. */
    @Test
    void aSegmentMoveIsAnArrowFromTheSegmentsNodeToTheMover() {
        MessageTrace trace = MessageTrace.of(List.of("a", "b"), List.of(
                msg(MessageEvent.Kind.SEND, "a", "b", 1, CLIENT, SERVER, 4),
                msg(MessageEvent.Kind.RECEIVE, "b", "a", 1, CLIENT, SERVER, 5),
                new MonitorMessage.Message(new MessageEvent(MessageEvent.Kind.MOVE_FROM, "b", "a", 1, CLIENT, SERVER,
                        "segment", 6_000, 6, "bytes [0, 65536)")),
                new MonitorMessage.Message(new MessageEvent(MessageEvent.Kind.MOVE_TO, "b", "a", 1, CLIENT, SERVER,
                        "segment", 7_000, 7, "bytes [10, 15) (with the reply)")),
                msg(MessageEvent.Kind.REPLY, "b", "a", 1, CLIENT, SERVER, 8),
                msg(MessageEvent.Kind.REPLY_RECEIVED, "a", "b", 1, null, SERVER, 9)));
        List<MessageTrace.Arrow> arrows = trace.arrows();
        assertEquals(List.of(MessageTrace.Kind.SEND, MessageTrace.Kind.MOVE, MessageTrace.Kind.MOVE,
                MessageTrace.Kind.REPLY), arrows.stream().map(MessageTrace.Arrow::kind).toList());
        MessageTrace.Arrow move = arrows.get(1);
        assertEquals("a", move.fromNode(), "from the lane of the node whose segment it is");
        assertEquals(2, move.to(), "to the mover's step");
        Function<ProcessId, Optional<String>> names = id -> Optional.of(id.equals(CLIENT) ? "client" : "server");
        assertEquals("moveFrom: bytes [0, 65536) of the segment of client (" + CLIENT + ") on a, by server (" + SERVER
                + ") on b, 1 µs after its Transfer arrived", trace.details(move, names));
        assertTrue(trace.details(arrows.get(2), names).startsWith("moveTo: bytes [10, 15) (with the reply) into"),
                trace.details(arrows.get(2), names));
        assertTrue(MessageTrace.Kind.MOVE.isMessage());
        assertTrue(trace.svg(EnumSet.allOf(MessageTrace.Kind.class), 30).contains("class=\"move\""));
        // the way the bytes went: MoveFrom arrives at the mover's step from a, MoveTo leaves it for a
        assertEquals(false, move.outward());
        assertEquals(true, arrows.get(2).outward());
        int[] from = trace.line(move, 0, 10, lane -> lane * 100);
        int[] to = trace.line(arrows.get(2), 0, 10, lane -> lane * 100);
        assertEquals(List.of(10, 0, 20, 100), List.of(from[0], from[1], from[2], from[3]), "a (lane 0) to b's step 2");
        assertEquals(List.of(30, 100, 40, 0), List.of(to[0], to[1], to[2], to[3]), "b's step 3 out to a");
    }

    /** A forward to a group with two members on one node draws two arrows, each from the forward's step. */
    @Test
    void aForwardToTwoMembersOnOneNodeIsTwoArrows() {
        ProcessId one = ProcessId.process(NodeId.of("c").number(), 3);
        ProcessId two = ProcessId.process(NodeId.of("c").number(), 4);
        MessageTrace trace = MessageTrace.of(List.of("b", "c"), List.of(
                msg(MessageEvent.Kind.FORWARD, "b", "c", 1, CLIENT, one, 6),
                msg(MessageEvent.Kind.FORWARD, "b", "c", 1, CLIENT, two, 7),
                msg(MessageEvent.Kind.RECEIVE, "c", "b", 1, CLIENT, two, 8),
                msg(MessageEvent.Kind.RECEIVE, "c", "b", 1, CLIENT, one, 9)));
        List<MessageTrace.Arrow> arrows = trace.arrows();
        assertEquals(List.of(MessageTrace.Kind.FORWARD, MessageTrace.Kind.FORWARD),
                arrows.stream().map(MessageTrace.Arrow::kind).toList());
        assertEquals(List.of(1, 0), arrows.stream().map(MessageTrace.Arrow::from).toList());
    }
}
