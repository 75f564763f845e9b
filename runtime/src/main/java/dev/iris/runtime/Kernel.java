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

    /** The cluster's shared memory as this process's node sees it. */
    dev.iris.runtime.dsm.SharedMemory memory();

    /**
     * Sends {@code message} to process {@code to} and blocks until it replies. If {@code to} is a
     * group, this is {@link #sendGroup} with {@link ReplyMode#FIRST}: the first reply is returned,
     * and the first failure is thrown if no member replies.
     *
     * @return the reply
     * @throws NoSuchProcessException     if {@code to} does not exist or exits without replying
     * @throws NodeUnreachableException   if {@code to}'s node is not a live member or dies meanwhile
     * @throws IpcTimeoutException        if no reply arrives within {@code timeout}
     * @throws IllegalArgumentException   if there is no codec for the message
     */
    Object send(ProcessId to, Object message, Duration timeout);

    /**
     * Creates a process group and makes this process its first member. A local group keeps all
     * its members on this node: joins from other nodes are refused.
     */
    ProcessId createGroup(boolean local);

    /**
     * Makes this process a member of {@code group} (idempotent). Returns once every live node has
     * recorded the join, so any group send that starts afterwards, from any node, reaches this
     * process. Well-known groups ({@link ProcessId#wellKnownGroup}) need no creation.
     *
     * @throws IllegalArgumentException if {@code group} is a local group of another node
     */
    void join(ProcessId group);

    /** Leaves {@code group}; returns once every live node has recorded it. Exiting leaves all groups. */
    void leave(ProcessId group);

    /** The members of {@code group} as this node knows them. */
    java.util.Set<ProcessId> members(ProcessId group);

    /**
     * Sends {@code message} to every member of {@code group}: one frame per node that hosts
     * members, then delivery to each member there. Blocks until {@code mode} is satisfied or
     * every member replied or failed. Replies to this process's previous group send are discarded
     * from now on (V semantics). A member that is gone or whose node dies is reported in
     * {@link GroupReplies#failures()}, not thrown.
     *
     * @throws IpcTimeoutException if the mode is not satisfied within {@code timeout}
     */
    GroupReplies sendGroup(ProcessId group, Object message, ReplyMode mode, Duration timeout);

    /**
     * The next reply to this process's latest group send that {@link #sendGroup} did not return,
     * waiting up to {@code timeout}; {@code null} if none arrives or every member has answered.
     */
    GroupReplies.Reply getReply(Duration timeout) throws InterruptedException;

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
