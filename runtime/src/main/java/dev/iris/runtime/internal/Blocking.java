package dev.iris.runtime.internal;

/**
 * Threads that must not block: a thread running a process's request handler on an event loop
 * ({@code Dispatch.EVENT_LOOP}), and the thread that runs a simulation (it would wait for what
 * only it runs). Every blocking operation of the runtime (sends, receives, joins, page faults,
 * locks, barriers) calls {@link #check} first; on such a thread it throws {@link Refused}, which
 * the runtime catches around an inline handler.
 */
public final class Blocking {
    /** Why the thread must not block, or null or empty if it may. */
    private static final ThreadLocal<String> FORBIDDEN = new ThreadLocal<>();
    private static final String HANDLER = "a handler running on an event loop may not block";

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
        String why = FORBIDDEN.get();
        return why != null && !why.isEmpty();
    }

    /**
     * Marks the calling thread as one that must not block, until {@link #restore}.
     *
     * @return what to pass to {@link #restore}: whether it was marked already (a handler that runs
     *         another inline)
     */
    public static boolean forbid() {
        return forbid(HANDLER);
    }

    /** As {@link #forbid()}, saying {@code why} the thread may not block. */
    public static boolean forbid(String why) {
        boolean was = forbidden();
        if (!was) {
            FORBIDDEN.set(why);
        }
        return was;
    }

    /** Ends {@link #forbid} unless the thread was marked before it; the thread keeps its entry (no allocation). */
    public static void restore(boolean wasForbidden) {
        if (!wasForbidden) {
            FORBIDDEN.set("");
        }
    }

    /**
     * A blocking operation was refused on a thread that must not block. An {@link Error}, so that a
     * handler's {@code catch (Exception e)} does not take it.
     */
    public static final class Refused extends Error {
        private final String operation;

        public Refused(String operation) {
            super(why() + ": " + operation, null, false, false);
            this.operation = operation;
        }

        private static String why() {
            String why = FORBIDDEN.get();
            return why == null || why.isEmpty() ? HANDLER : why;
        }

        /** What the handler tried. */
        public String operation() {
            return operation;
        }
    }
}
