package dev.iris.runtime;

/**
 * One IPC step on one node, for debuggers and traces: a request sent or received, a reply sent
 * or received. A request's events share its {@code requestId} and {@code sender}; a receive has a
 * larger clock than its send, a reply received a larger one than the reply sent.
 *
 * @param kind      what happened
 * @param node      the node it happened on
 * @param peer      the other node: where the request or reply went to or came from (this node for
 *                  a local send; the forwarding node for a forwarded request's receive)
 * @param requestId with the sender, names the request
 * @param sender    the requesting process
 * @param target    the process or group the request went to; for replies, the replying process
 * @param message   the message's type (its simple class name)
 * @param nanos     when, by {@link System#nanoTime()} of the node's JVM (in a simulation, by its clock)
 * @param clock     the node's Lamport clock, the same that orders its shared-memory events
 * @param content   what the message says, for a person: a record's fields, a string in quotes, a
 *                  {@code byte[]}'s length; at most {@value #CONTENT_CHARS} characters, empty if unknown
 */
public record MessageEvent(Kind kind, String node, String peer, long requestId, ProcessId sender, ProcessId target,
        String message, long nanos, long clock, String content) {
    /** The most characters of {@link #content()}. */
    public static final int CONTENT_CHARS = 200;

    /** What {@code message} says, as {@link #content()} shows it. */
    public static String contentOf(Object message) {
        String text = message == null ? "" : message instanceof byte[] bytes ? "byte[" + bytes.length + "]"
                : message instanceof CharSequence chars ? '"' + chars.toString() + '"' : String.valueOf(message);
        return text.length() <= CONTENT_CHARS ? text : text.substring(0, CONTENT_CHARS - 1) + "\u2026";
    }

    /** The kinds of IPC steps. */
    public enum Kind {
        /** A request left for {@code peer}. */
        SEND,
        /** A request from {@code peer} arrived for {@code target} (a process, or a group's members here). */
        RECEIVE,
        /** A reply left for {@code peer}, the sender's node. */
        REPLY,
        /** A reply from {@code peer} arrived for {@code sender}. */
        REPLY_RECEIVED,
        /** A group request left for the members of group {@code target} on {@code peer}. */
        GROUP_SEND,
        /**
         * A request a process received was passed on to {@code target} on {@code peer} (V's
         * Forward): {@code sender} is still its original sender, who gets the reply.
         */
        FORWARD,
        /**
         * Process {@code target} moved bytes from the segment of request {@code requestId} of
         * {@code sender}, on node {@code peer} (V's MoveFrom); {@code content} says how many and where.
         * Recorded once per move, when it completed.
         */
        MOVE_FROM,
        /** As {@link #MOVE_FROM}, bytes moved into the segment (V's MoveTo, or bytes that went with a reply). */
        MOVE_TO
    }
}
