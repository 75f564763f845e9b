package dev.iris.runtime;

/** Where a server process's {@link RequestHandler} runs (see {@link Kernel#serve}). */
public enum Dispatch {
    /** On the process's own virtual thread, which receives each request: the handler may block. */
    PROCESS_THREAD,
    /**
     * On the thread that delivers the request (for a request from another node, the event loop
     * that decoded it), which also sends the reply: no thread is woken to answer. For handlers
     * that never block. A handler that blocks anyway (a send, a receive, a join, a page fault, a
     * lock, or anything that holds the thread for long) is moved to the process's thread, with a
     * warning, and handles every later request there.
     */
    EVENT_LOOP
}
