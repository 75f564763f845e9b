package dev.iris.runtime;

import io.netty.channel.Channel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * A message received by a process, to be answered with {@link Kernel#reply} or passed on with
 * {@link Kernel#forward}. What it says cannot change; it belongs to the process that received it,
 * which answers it once.
 */
public final class Request {
    private static final VarHandle ANSWERED;

    static {
        try {
            ANSWERED = MethodHandles.lookup().findVarHandle(Request.class, "answered", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ProcessId sender;
    private final long requestId;
    private final Object message;
    /** The connection from the sender's node it came on (the reply goes back on it), or null. */
    private final Channel origin;
    /** The group it was sent to, or null; the member it was delivered to there (a reply counts as its), or null. */
    private final ProcessId group;
    private final ProcessId member;
    /** How often it was forwarded. */
    private final int forwards;
    /** Forwarded to a group: another member may answer, so its failures are not reported. */
    private final boolean toGroup;
    /** The sender's segment it passes access to, or null. */
    private final Segment.Grant segment;
    /**
     * The first bytes of the sender's segment that came with it from another node (V's
     * ReceiveWithSegment), or null; its receiver's MoveTo keeps them current.
     */
    byte[] head;
    /** The process that received it: set by its table before the process sees it. */
    ProcessTable.Entry receiver;
    /** Answered (replied to, forwarded or failed): only the first answer is taken. */
    @SuppressWarnings("unused") // through ANSWERED
    private volatile boolean answered;
    /** In its receiver's table of unanswered requests, which its exit fails. */
    volatile boolean registered;

    Request(ProcessId sender, long requestId, Object message) {
        this(sender, requestId, message, null);
    }

    Request(ProcessId sender, long requestId, Object message, Channel origin) {
        this(sender, requestId, message, origin, null, null, 0);
    }

    Request(ProcessId sender, long requestId, Object message, Channel origin, ProcessId group, ProcessId member,
            int forwards) {
        this(sender, requestId, message, origin, group, member, forwards, false, null);
    }

    Request(ProcessId sender, long requestId, Object message, Channel origin, ProcessId group, ProcessId member,
            int forwards, boolean toGroup, Segment.Grant segment) {
        this.toGroup = toGroup;
        this.segment = segment;
        this.sender = sender;
        this.requestId = requestId;
        this.message = message;
        this.origin = origin;
        this.group = group;
        this.member = member;
        this.forwards = forwards;
    }

    /** This request as its next receiver gets it when it is forwarded on this node (to one of a group's members if {@code toGroup}). */
    Request forwarded(boolean toGroup) {
        Request next = new Request(sender, requestId, message, origin, group, member, forwards + 1, toGroup, segment);
        next.head = toGroup ? null : head; // a group's members could each write it: they ask the sender
        return next;
    }

    /**
     * The segment of the sender's memory that came with the request (V's segment access): what
     * {@link Kernel#moveFrom} and {@link Kernel#moveTo} may do with it and its length, until the
     * request is answered. A forward passes it on with the request.
     */
    public Optional<Segment.Grant> segment() {
        return Optional.ofNullable(segment);
    }

    /** Whether it was forwarded to a group: its failures are not reported (another member may answer). */
    boolean toGroup() {
        return toGroup;
    }

    /**
     * The group the message was sent to, if it came by a group send (to this process, or to a
     * member that forwarded it here).
     */
    public Optional<ProcessId> group() {
        return Optional.ofNullable(group);
    }

    /** The member of {@link #group()} the group send delivered it to, or null: the reply counts as that member's. */
    ProcessId member() {
        return member;
    }

    /** How often the request was forwarded before it came here. */
    public int forwards() {
        return forwards;
    }

    /** The process that sent (not forwarded) the message; the reply goes to it. */
    public ProcessId sender() {
        return sender;
    }

    /** The message, as decoded by its codec. */
    public Object message() {
        return message;
    }

    /** Takes the one answer this request gets: false if it was answered already. */
    boolean answer() {
        return ANSWERED.compareAndSet(this, false, true);
    }

    /** Undoes {@link #answer} for an answer that could not be sent. */
    void unanswer() {
        answered = false;
    }

    boolean isAnswered() {
        return answered;
    }

    long requestId() {
        return requestId;
    }

    Channel origin() {
        return origin;
    }

    @Override
    public String toString() {
        return "Request[from " + sender + ": " + message + "]";
    }
}
