package dev.iris.runtime;

import java.time.Duration;

/**
 * The V kernel as one process sees it: synchronous Send / Receive / Reply and Forward. A process
 * gets its kernel as the argument of {@link ProcessBody#run}; the kernel must be used only from
 * that process's thread.
 *
 * <p>Messages travel by value through their {@link MessageCodec}: between nodes they are encoded
 * and decoded; on one node the object is handed over as it is, so messages should be immutable.
 */
public interface Kernel {
    /** This process's id. */
    ProcessId self();

    /** The node this process runs on. */
    NodeId node();

    /**
     * Sends {@code message} to process {@code to} and blocks until it replies.
     *
     * @return the reply
     * @throws NoSuchProcessException     if {@code to} does not exist or exits without replying
     * @throws NodeUnreachableException   if {@code to}'s node is not a live member or dies meanwhile
     * @throws IpcTimeoutException        if no reply arrives within {@code timeout}
     * @throws IllegalArgumentException   if there is no codec for the message
     */
    Object send(ProcessId to, Object message, Duration timeout);

    /** Blocks until a message arrives for this process. */
    Request receive() throws InterruptedException;

    /** Waits up to {@code timeout} for a message; returns {@code null} if none arrived. */
    Request receive(Duration timeout) throws InterruptedException;

    /**
     * Answers {@code request}: unblocks its sender with {@code message}. A request is answered at
     * most once; a second reply (or a reply after a forward) throws {@link IllegalStateException}.
     * Never blocks; if the sender's node has died meanwhile the reply is dropped and logged.
     */
    void reply(Request request, Object message);

    /**
     * Passes {@code request} on to process {@code to} as if its original sender had sent it there:
     * {@code to} replies directly to that sender (V kernel and VMTP forwarding). This process no
     * longer answers the request. If {@code to} does not exist, the sender gets the error.
     */
    void forward(Request request, ProcessId to);
}
