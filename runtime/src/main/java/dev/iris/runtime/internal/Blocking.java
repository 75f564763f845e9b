package dev.iris.runtime.internal;

/**
 * Threads that must not block: a thread running a process's request handler on an event loop
 * ({@code Dispatch.EVENT_LOOP}). Every blocking operation of the runtime (sends, receives, joins,
 * page faults, locks, barriers) calls {@link #check} first; on such a thread it throws
 * {@link Refused}, which the runtime catches around the handler.
 */
public final class Blocking {
    private static final ThreadLocal<Boolean> FORBIDDEN = new ThreadLocal<>();

    private Blocking() {
    }

    /** Throws {@link Refused} if the calling thread must not block in {@code operation}. */
    public static void check(String operation) {
        if (forbidden()) {
            throw new Refused(operation);
        }
    }

    /** Whether the calling thread must not block (for callers that build their description only then). */
    public static boolean forbidden() {
        return FORBIDDEN.get() == Boolean.TRUE;
    }

    /**
     * Marks the calling thread as one that must not block, until {@link #restore}.
     *
     * @return what to pass to {@link #restore}: whether it was marked already (a handler that runs
     *         another inline)
     */
    public static boolean forbid() {
        boolean was = forbidden();
        if (!was) {
            FORBIDDEN.set(Boolean.TRUE);
        }
        return was;
    }

    /** Ends {@link #forbid} unless the thread was marked before it; the thread keeps its entry (no allocation). */
    public static void restore(boolean wasForbidden) {
        if (!wasForbidden) {
            FORBIDDEN.set(Boolean.FALSE);
        }
    }

    /**
     * A blocking operation was refused on a thread that must not block. An {@link Error}, so that a
     * handler's {@code catch (Exception e)} does not take it.
     */
    public static final class Refused extends Error {
        private final String operation;

        public Refused(String operation) {
            super("a handler running on an event loop may not block: " + operation, null, false, false);
            this.operation = operation;
        }

        /** What the handler tried. */
        public String operation() {
            return operation;
        }
    }
}
