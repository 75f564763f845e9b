package dev.iris.runtime;

/**
 * How many replies a group send waits for. The send returns as soon as that many members
 * replied, or once every addressed member has replied or failed, whichever comes first; further
 * replies are fetched with {@link Kernel#getReply}.
 *
 * @param kind what to wait for
 * @param n    the number of replies for {@link Kind#N}; ignored otherwise
 */
public record ReplyMode(Kind kind, int n) {
    /** The kinds of reply modes. */
    public enum Kind {
        /** The first reply (the V kernel's group send). */
        FIRST,
        /** A reply from every addressed member. */
        ALL,
        /** Replies from more than half of the addressed members. */
        MAJORITY,
        /** {@code n} replies (or all, if fewer members were addressed). */
        N,
        /** No reply: the send returns once the message is handed to the transport. */
        NONE
    }

    public static final ReplyMode FIRST = new ReplyMode(Kind.FIRST, 0);
    public static final ReplyMode ALL = new ReplyMode(Kind.ALL, 0);
    public static final ReplyMode MAJORITY = new ReplyMode(Kind.MAJORITY, 0);
    public static final ReplyMode NONE = new ReplyMode(Kind.NONE, 0);

    public ReplyMode {
        if (kind == Kind.N && n <= 0) {
            throw new IllegalArgumentException("ReplyMode.N needs a positive count: " + n);
        }
    }

    /** Wait for {@code n} replies. */
    public static ReplyMode atLeast(int n) {
        return new ReplyMode(Kind.N, n);
    }

    /** The number of replies that satisfy this mode when {@code members} members were addressed. */
    public int required(int members) {
        return switch (kind) {
            case FIRST -> Math.min(1, members);
            case ALL -> members;
            case MAJORITY -> members / 2 + 1;
            case N -> Math.min(n, members);
            case NONE -> 0;
        };
    }
}
