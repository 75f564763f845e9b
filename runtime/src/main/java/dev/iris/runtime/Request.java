package dev.iris.runtime;

import io.netty.channel.Channel;

/**
 * A message received by a process, to be answered with {@link Kernel#reply} or passed on with
 * {@link Kernel#forward}. Immutable; belongs to the process that received it.
 */
public final class Request {
    private final ProcessId sender;
    private final long requestId;
    private final Object message;
    /** The connection from the sender's node it came on (the reply goes back on it), or null. */
    private final Channel origin;

    Request(ProcessId sender, long requestId, Object message) {
        this(sender, requestId, message, null);
    }

    Request(ProcessId sender, long requestId, Object message, Channel origin) {
        this.sender = sender;
        this.requestId = requestId;
        this.message = message;
        this.origin = origin;
    }

    /** The process that sent (not forwarded) the message; the reply goes to it. */
    public ProcessId sender() {
        return sender;
    }

    /** The message, as decoded by its codec. */
    public Object message() {
        return message;
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
