package dev.iris.core.monitor;

import dev.iris.runtime.MessageEvent;
import dev.iris.runtime.NodeId;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.monitor.MonitorMessage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;

/**
 * A time-space diagram of a run, as a model: one lane per node, the nodes' IPC and page events as
 * steps in causal order (Lamport clock, then node; the clock travels with every request, reply and
 * page message), and arrows from each send to its receive: requests, replies, group sends with
 * their fan-out (one arrow per node), forwards, segment moves, page copies and ownership moving,
 * invalidations. An arrow whose sending node is not watched starts on its node's lane just before
 * the receive. A segment move (V's MoveFrom and MoveTo) is one step of the mover, when the move
 * completed, with an arrow the way the bytes went: from the lane of the node whose segment it was
 * (MoveFrom), or out of the step to that lane (MoveTo, {@link Arrow#outward}).
 */
public final class MessageTrace {
    /** What an arrow carries. */
    public enum Kind {
        SEND, REPLY, GROUP_SEND, PAGE, OWNERSHIP, INVALIDATE,
        /** A request passed on by a process that received it (V's Forward), to the process that answers in its place. */
        FORWARD,
        /** Bytes moved from or to the segment a request passed (V's MoveFrom and MoveTo), ending at the mover. */
        MOVE;

        /** Whether it is IPC (else shared memory). */
        public boolean isMessage() {
            return this == SEND || this == REPLY || this == GROUP_SEND || this == FORWARD || this == MOVE;
        }
    }

    /** One event on a lane: its position in causal order. */
    public record Step(int index, String node, long clock, String label) {
    }

    /**
     * A message from one lane to another.
     *
     * @param from      the sending step's index, or -1 if its node is not watched
     * @param fromNode  the sending node (for an {@link #outward} arrow, the node it goes to)
     * @param to        the receiving step's index (for an {@link #outward} arrow, the step it leaves)
     * @param summary   what it was (message type, process ids, page), for the selection
     * @param received  the event that ended it: the receive of a request or the arrival of a reply
     *                  (null for a page's arrow)
     */
    public record Arrow(Kind kind, int from, String fromNode, int to, String summary, MessageEvent received) {
        /** Whether it leaves step {@code to} for {@code fromNode}'s lane: bytes moved into a segment there (MoveTo). */
        public boolean outward() {
            return received != null && received.kind() == MessageEvent.Kind.MOVE_TO;
        }
    }

    /**
     * Where {@code arrow} is drawn, {x1, y1, x2, y2}, with steps {@code stepWidth} apart from {@code left}
     * and {@code laneY} the height of a lane by its index: from its sending step (a step before its
     * receive if that is not watched) to its receiving step; an outward arrow from its step to the next
     * step's place on the other lane.
     */
    public int[] line(Arrow arrow, int left, int stepWidth, IntUnaryOperator laneY) {
        int x = left + arrow.to() * stepWidth;
        int stepLane = laneY.applyAsInt(lanes.indexOf(steps.get(arrow.to()).node()));
        int otherLane = laneY.applyAsInt(lanes.indexOf(arrow.fromNode()));
        if (arrow.outward()) {
            return new int[] {x, stepLane, x + stepWidth, otherLane};
        }
        return new int[] {arrow.from() < 0 ? x - stepWidth : left + arrow.from() * stepWidth, otherLane, x, stepLane};
    }

    private final List<String> lanes;
    private final List<Step> steps;
    private final List<Arrow> arrows;
    /** The send of each request, by {@link #request}. */
    private final Map<String, MessageEvent> requests;
    /** The replies sent to each request, by {@link #request}. */
    private final Map<String, List<MessageEvent>> replies;
    /** The replies that reached each request's sender, by {@link #request} and replier. */
    private final Map<String, MessageEvent> answers;
    /** The first arrival of each request on each node, by {@link #request} and node. */
    private final Map<String, MessageEvent> arrivals;

    private MessageTrace(List<String> lanes, List<Step> steps, List<Arrow> arrows, Map<String, MessageEvent> requests,
            Map<String, List<MessageEvent>> replies, Map<String, MessageEvent> answers,
            Map<String, MessageEvent> arrivals) {
        this.lanes = List.copyOf(lanes);
        this.steps = List.copyOf(steps);
        this.arrows = List.copyOf(arrows);
        this.requests = requests;
        this.replies = replies;
        this.answers = answers;
        this.arrivals = arrivals;
    }

    /** The lanes, in order: {@code nodes} first, then any other node the events name. */
    public List<String> lanes() {
        return lanes;
    }

    /** The steps in causal order. */
    public List<Step> steps() {
        return steps;
    }

    /** The arrows, by receiving step. */
    public List<Arrow> arrows() {
        return arrows;
    }

    /** The diagram of {@code events} (message and memory events; others are ignored). */
    public static MessageTrace of(List<String> nodes, List<MonitorMessage> events) {
        record Event(String node, long clock, Object event) {
        }
        List<Event> ordered = new ArrayList<>();
        for (MonitorMessage m : events) {
            if (m instanceof MonitorMessage.Message msg) {
                ordered.add(new Event(msg.node(), msg.event().clock(), msg.event()));
            } else if (m instanceof MonitorMessage.Memory mem && mem.event().page() >= 0
                    && isPageMove(mem.event().kind())) {
                ordered.add(new Event(mem.node(), mem.event().clock(), mem.event()));
            }
        }
        ordered.sort(Comparator.comparingLong(Event::clock).thenComparing(Event::node));
        Set<String> lanes = new LinkedHashSet<>(nodes);
        List<Step> steps = new ArrayList<>();
        List<Arrow> arrows = new ArrayList<>();
        Map<String, Integer> sends = new HashMap<>(); // key -> step index
        Map<String, MessageEvent> requests = new HashMap<>();
        Map<String, List<MessageEvent>> replies = new HashMap<>();
        Map<String, MessageEvent> answers = new HashMap<>();
        Map<String, MessageEvent> arrivals = new HashMap<>();
        for (Event e : ordered) {
            int index = steps.size();
            lanes.add(e.node());
            if (e.event() instanceof MessageEvent m) {
                steps.add(new Step(index, e.node(), e.clock(), m.kind().name().toLowerCase(Locale.ROOT)
                        + " " + m.message()));
                if (m.peer() != null) {
                    lanes.add(m.peer());
                }
                String summary = m.message() + " " + m.sender() + " \u2192 " + m.target() + " (request "
                        + Long.toHexString(m.requestId()) + ")";
                switch (m.kind()) {
                    case SEND, GROUP_SEND -> {
                        sends.put(requestKey(m.sender(), m.requestId(), m.peer()), index);
                        requests.putIfAbsent(request(m), m);
                    }
                    case FORWARD -> sends.put(forwardKey(m.sender(), m.requestId(), m.peer(), m.target()), index);
                    case REPLY -> {
                        sends.put(replyKey(m.target(), m.requestId()), index);
                        replies.computeIfAbsent(request(m), k -> new ArrayList<>()).add(m);
                    }
                    case RECEIVE -> {
                        arrivals.putIfAbsent(request(m) + ":" + m.node(), m);
                        // a forward's copies (one per member, for a group) each meet their own receive
                        Integer forward = sends.remove(forwardKey(m.sender(), m.requestId(), m.node(), m.target()));
                        if (forward != null) {
                            arrows.add(arrow(Kind.FORWARD, forward, m.peer(), index, "forward " + summary, m));
                        } else {
                            arrows.add(arrow(m.target() != null && m.target().isGroup() ? Kind.GROUP_SEND : Kind.SEND,
                                    sends.remove(requestKey(m.sender(), m.requestId(), m.node())), m.peer(), index,
                                    summary, m));
                        }
                    }
                    case REPLY_RECEIVED -> {
                        arrows.add(arrow(Kind.REPLY, sends.remove(replyKey(m.target(), m.requestId())), m.peer(),
                                index, "reply " + summary, m));
                        answers.putIfAbsent(request(m) + ":" + m.target(), m);
                    }
                    case MOVE_FROM, MOVE_TO -> arrows.add(arrow(Kind.MOVE, null, m.peer(), index,
                            (m.kind() == MessageEvent.Kind.MOVE_FROM ? "moveFrom " : "moveTo ") + m.content()
                                    + " of the segment of " + m.sender() + " by " + m.target() + " (request "
                                    + Long.toHexString(m.requestId()) + ")", m));
                    default -> {
                    }
                }
            } else {
                MemoryEvent m = (MemoryEvent) e.event();
                steps.add(new Step(index, e.node(), e.clock(), m.kind().name().toLowerCase(Locale.ROOT)
                        + " page " + m.page()));
                if (m.peer() != null) {
                    lanes.add(m.peer());
                }
                String summary = "page " + m.page() + " (" + m.name() + ")";
                switch (m.kind()) {
                    case PAGE_SENT -> sends.put(pageKey("copy", m.page(), m.node(), m.peer()), index);
                    case OWNERSHIP_LOST -> sends.put(pageKey("own", m.page(), m.node(), m.peer()), index);
                    case PAGE_RECEIVED -> arrows.add(arrow(Kind.PAGE, sends.remove(pageKey("copy", m.page(), m.peer(),
                            m.node())), m.peer(), index, "copy of " + summary, null));
                    case OWNERSHIP_GAINED -> arrows.add(arrow(Kind.OWNERSHIP, sends.remove(pageKey("own", m.page(),
                            m.peer(), m.node())), m.peer(), index, "ownership of " + summary, null));
                    case INVALIDATED -> arrows.add(arrow(Kind.INVALIDATE, null, m.peer(), index,
                            "invalidation of " + summary + " by " + m.peer(), null));
                    default -> {
                    }
                }
            }
        }
        return new MessageTrace(new ArrayList<>(lanes), steps, arrows, requests, replies, answers, arrivals);
    }

    /**
     * What a person wants to know of an arrow: for a message, what it says, who sent it to whom
     * (process names from {@code names}, ids, nodes), and for a request the replies sent from its
     * receiving node, each with the round trip when its sender's node is watched, else with how long
     * after the request arrived it left (for a reply, the round trip of the request it answers);
     * for a page, its summary.
     */
    public String details(Arrow arrow, Function<ProcessId, Optional<String>> names) {
        MessageEvent m = arrow.received();
        if (m == null) {
            return arrow.summary();
        }
        MessageEvent sent = requests.get(request(m));
        StringBuilder text = new StringBuilder();
        if (arrow.kind() == Kind.REPLY) {
            text.append("reply ").append(says(m)).append(" from ").append(process(m.target(), names)).append(" on ")
                    .append(m.peer()).append(" to ").append(process(sent != null ? sent.sender() : m.sender(), names))
                    .append(" on ").append(m.node());
            if (sent != null) {
                text.append(", ").append(micros(m.nanos() - sent.nanos())).append(" after its ")
                        .append(sent.message()).append(" left");
            }
            return text.toString();
        }
        if (arrow.kind() == Kind.MOVE) {
            boolean from = m.kind() == MessageEvent.Kind.MOVE_FROM;
            text.append(from ? "moveFrom: " : "moveTo: ").append(m.content()).append(from ? " of" : " into")
                    .append(" the segment of ").append(process(m.sender(), names)).append(" on ").append(m.peer())
                    .append(", by ").append(process(m.target(), names)).append(" on ").append(m.node());
            // the clocks of one node's JVM only: from the request's arrival there
            MessageEvent arrived = arrivals.get(request(m) + ":" + m.node());
            if (arrived != null) {
                text.append(", ").append(micros(m.nanos() - arrived.nanos())).append(" after its ")
                        .append(arrived.message()).append(" arrived");
            }
            return text.toString();
        }
        if (arrow.kind() == Kind.FORWARD) {
            text.append("forward of ").append(says(sent != null ? sent : m)).append(" from ")
                    .append(process(m.sender(), names)).append(", passed on by ").append(m.peer()).append(" to ")
                    .append(process(m.target(), names)).append(" on ").append(m.node());
        } else {
            text.append(says(sent != null ? sent : m)).append(" from ").append(process(m.sender(), names))
                    .append(" on ").append(m.peer()).append(" to ").append(process(m.target(), names)).append(" on ")
                    .append(m.node());
        }
        text.append(" (request ").append(Long.toHexString(m.requestId())).append(')');
        List<MessageEvent> sentBack = replies.getOrDefault(request(m), List.of()).stream()
                .filter(r -> r.node().equals(m.node())).toList();
        if (sentBack.isEmpty()) {
            text.append("; no reply in the trace");
        }
        for (MessageEvent r : sentBack) {
            text.append("; reply ").append(says(r)).append(" from ").append(process(r.target(), names));
            MessageEvent back = answers.get(request(m) + ":" + r.target());
            if (sent != null && back != null) {
                text.append(" after ").append(micros(back.nanos() - sent.nanos()));
            } else {
                text.append(", ").append(micros(r.nanos() - m.nanos())).append(" after the request arrived");
            }
        }
        return text.toString();
    }

    private static String says(MessageEvent m) {
        return m.content() == null || m.content().isEmpty() ? m.message() : m.content();
    }

    private static String process(ProcessId id, Function<ProcessId, Optional<String>> names) {
        if (id == null) {
            return "?";
        }
        if (id.isGroup()) {
            return "group " + id;
        }
        return names.apply(id).map(name -> name + " (" + id + ")").orElse(id.toString());
    }

    private static String micros(long nanos) {
        return nanos >= 10_000_000 ? nanos / 1_000_000 + " ms" : nanos / 1_000 + " \u00b5s";
    }

    /**
     * A request, by its id and its sender's node (ids are unique per node): the key of its send and
     * of the replies to it. A reply's arrival happens on that node and does not name the sender.
     */
    private static String request(MessageEvent m) {
        int senderNode = m.kind() == MessageEvent.Kind.REPLY_RECEIVED ? NodeId.of(m.node()).number()
                : m.sender() == null ? 0 : m.sender().nodeNumber();
        return senderNode + ":" + m.requestId();
    }

    private static boolean isPageMove(MemoryEvent.Kind kind) {
        return switch (kind) {
            case PAGE_SENT, PAGE_RECEIVED, OWNERSHIP_LOST, OWNERSHIP_GAINED, INVALIDATED -> true;
            default -> false;
        };
    }

    private static Arrow arrow(Kind kind, Integer from, String fromNode, int to, String summary, MessageEvent received) {
        return new Arrow(kind, from == null ? -1 : from, fromNode, to, summary, received);
    }

    private static String requestKey(Object sender, long requestId, String receiverNode) {
        return "r:" + sender + ":" + requestId + ":" + receiverNode;
    }

    private static String forwardKey(Object sender, long requestId, String receiverNode, Object target) {
        return "f:" + sender + ":" + requestId + ":" + receiverNode + ":" + target;
    }

    private static String replyKey(Object replier, long requestId) {
        return "p:" + replier + ":" + requestId;
    }

    private static String pageKey(String what, long page, String from, String to) {
        return what + ":" + page + ":" + from + ":" + to;
    }

    /** The arrows of the kinds {@code shown}. */
    public List<Arrow> arrows(Set<Kind> shown) {
        return arrows.stream().filter(a -> shown.contains(a.kind())).toList();
    }

    /**
     * The diagram as SVG: lanes as labelled lines, steps as dots, arrows of the kinds
     * {@code shown} as lines with an arrowhead, {@code stepWidth} pixels per step.
     */
    public String svg(Set<Kind> shown, int stepWidth) {
        int laneHeight = 40;
        int left = 120;
        int width = left + Math.max(1, steps.size()) * stepWidth + 20;
        int height = 20 + lanes.size() * laneHeight;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.append("<defs><marker id=\"head\" markerWidth=\"8\" markerHeight=\"8\" refX=\"7\" refY=\"4\" "
                + "orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\"/></marker></defs>\n");
        for (int i = 0; i < lanes.size(); i++) {
            int y = laneY(i, laneHeight);
            svg.append("<text x=\"8\" y=\"").append(y + 4).append("\">").append(escape(lanes.get(i)))
                    .append("</text>\n");
            svg.append("<line class=\"lane\" x1=\"").append(left).append("\" y1=\"").append(y).append("\" x2=\"")
                    .append(width - 10).append("\" y2=\"").append(y).append("\" stroke=\"#bbb\"/>\n");
        }
        for (Arrow a : arrows(shown)) {
            int[] l = line(a, left, stepWidth, lane -> laneY(lane, laneHeight));
            int x1 = l[0];
            int y1 = l[1];
            int x2 = l[2];
            int y2 = l[3];
            svg.append("<line class=\"").append(a.kind().name().toLowerCase(Locale.ROOT))
                    .append("\" x1=\"").append(x1).append("\" y1=\"").append(y1).append("\" x2=\"").append(x2)
                    .append("\" y2=\"").append(y2).append("\" stroke=\"").append(color(a.kind()))
                    .append("\" marker-end=\"url(#head)\"><title>").append(escape(a.summary()))
                    .append("</title></line>\n");
        }
        return svg.append("</svg>\n").toString();
    }

    private static int laneY(int lane, int laneHeight) {
        return 20 + Math.max(0, lane) * laneHeight + laneHeight / 2;
    }

    /** The colour of a kind of arrow, as {@code #rrggbb}. */
    public static String color(Kind kind) {
        return switch (kind) {
            case SEND -> "#1f77b4";
            case REPLY -> "#2ca02c";
            case GROUP_SEND -> "#9467bd";
            case PAGE -> "#ff7f0e";
            case OWNERSHIP -> "#8c564b";
            case INVALIDATE -> "#d62728";
            case FORWARD -> "#17becf";
            case MOVE -> "#e377c2";
        };
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
