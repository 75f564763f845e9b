package dev.iris.runtime;

import dev.iris.runtime.dsm.SharedMemory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The V kernel as one process sees it: synchronous Send / Receive / Reply and Forward. A process
 * gets its kernel as the argument of {@link ProcessBody#run}; the kernel must be used only by that
 * process: from its thread, from its request handler wherever {@link #serve} runs it, or from the
 * completions of its asynchronous sends.
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
    SharedMemory memory();

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
     * Sends {@code message} to process {@code to} with access to {@code segment}, a part of this
     * process's memory (V's Send with a segment), and blocks until it replies. Until then the
     * receiver (or a process it forwards the request to) may read from the segment with
     * {@link #moveFrom} and write into it with {@link #moveTo}, as the segment's
     * {@link Segment#access() access} allows; nothing of the segment travels unless it is moved. When
     * this returns, however it returns, access has ended and the receiver's writes are in the segment.
     *
     * @throws IllegalArgumentException if {@code to} is a group, or there is no codec for the message
     * @see #send(ProcessId, Object, Duration) for the rest
     */
    Object send(ProcessId to, Object message, Segment segment, Duration timeout);

    /**
     * V's MoveFrom: copies bytes of {@code request}'s segment, from {@code offset} on, into
     * {@code into} until it is full (its remaining bytes), and advances its position. Blocks until
     * they are copied; between nodes they travel in pieces, a few at a time, so a move may be larger
     * than either node's heap allows at once (into a file's mapped buffer, say) and a segment is best
     * read in parts of a size that suits the receiver.
     *
     * @throws IllegalStateException      if the request passed no segment, its access forbids reading,
     *                                    or it was answered (access ends with the answer)
     * @throws IndexOutOfBoundsException  if the bytes are not all inside the segment
     * @throws IllegalArgumentException   if {@code into} is read-only
     * @throws NodeUnreachableException   if the sender's node is not live or dies meanwhile
     * @throws IpcException               if the sender stopped waiting (it timed out, say), so access
     *                                    ended, or its segment's file failed; {@code into}'s position
     *                                    is then where it was
     */
    void moveFrom(Request request, long offset, ByteBuffer into);

    /**
     * V's MoveTo: copies the remaining bytes of {@code from} into {@code request}'s segment at
     * {@code offset}, and advances its position; blocks until they are in the segment. Like
     * {@link #moveFrom}, with writing in place of reading.
     */
    void moveTo(Request request, long offset, ByteBuffer from);

    /**
     * V's ReplyWithSegment: writes the remaining bytes of {@code data} into {@code request}'s segment
     * at {@code offset} and replies {@code message}; when the sender wakes, the bytes are in its
     * segment. Up to 64 KiB travel in the reply itself, one message where {@link #moveTo} and
     * {@link #reply(Request, Object)} take two; more are moved first, as {@link #moveTo} moves them.
     * Advances {@code data}'s position past them.
     *
     * @throws IllegalStateException     if the request passed no segment, its access forbids writing,
     *                                   or it was already answered (it stays unanswered otherwise)
     * @throws IndexOutOfBoundsException if the bytes are not all inside the segment
     * @throws IpcException              as {@link #moveTo} when the bytes are moved first
     */
    void reply(Request request, Object message, long offset, ByteBuffer data);

    /**
     * Sends {@code message} to process {@code to} without waiting: one process can keep many
     * requests in flight. The stage completes with the reply, or exceptionally with the
     * {@link IpcException} that {@link #send} would throw. It completes on the thread that has the
     * answer (for a remote target, the event loop that read the reply): callbacks must be short and
     * must not block, or run elsewhere ({@code thenApplyAsync} with an executor). Unlike
     * {@link #send}, {@code to} must be a process; see {@link #sendGroupAsync} for groups.
     *
     * @throws IllegalArgumentException if there is no codec for the message or {@code to} is a group
     */
    CompletionStage<Object> sendAsync(ProcessId to, Object message, Duration timeout);

    /**
     * {@link #sendGroup} without waiting: the stage completes when {@code mode} is satisfied or
     * every member answered, or exceptionally with an {@link IpcTimeoutException}, on the thread
     * that has the last answer it needed. Replies after that are dropped ({@link #getReply} follows
     * the blocking group sends only).
     */
    CompletionStage<GroupReplies> sendGroupAsync(ProcessId group, Object message, ReplyMode mode, Duration timeout);

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
    Set<ProcessId> members(ProcessId group);

    /**
     * Waits until {@code group} has at least {@code n} members as this node knows them (a join is
     * known everywhere once {@link #join} returns), up to {@code timeout}; whether it has. What a
     * client that needs a group's servers before it sends uses instead of polling {@link #members}.
     */
    boolean awaitMembers(ProcessId group, int n, Duration timeout) throws InterruptedException;

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
     * {@link #sendGroup(ProcessId, Object, ReplyMode, Duration)} with read access to
     * {@code segment} for every member (and whoever a member forwards the request to), until this
     * returns: each reads it with {@link #moveFrom}. Replies that {@link #getReply} fetches later
     * come from members whose access has ended.
     *
     * @param segment its access must be {@link Segment.Access#READ}
     * @throws IllegalArgumentException if the segment's access is not READ, or {@code mode} waits for
     *                                  no reply
     */
    GroupReplies sendGroup(ProcessId group, Object message, Segment segment, ReplyMode mode, Duration timeout);

    /**
     * The next reply to this process's latest group send that {@link #sendGroup} did not return,
     * waiting up to {@code timeout}; {@code null} if none arrives or every member has answered.
     */
    GroupReplies.Reply getReply(Duration timeout) throws InterruptedException;

    /**
     * Registers this process under {@code name} (V's SetPid): found by {@link #lookup} on this node,
     * or from every node with {@link NameScope#CLUSTER}. Registering a name again changes its scope.
     * The name goes when this process exits, {@link #unregister unregisters} it, or its node leaves.
     *
     * @param name 1 to 255 bytes of UTF-8
     * @throws IllegalStateException if another process holds the name on this node or, for
     *                               {@link NameScope#CLUSTER}, on another node (or the cluster cannot
     *                               be asked). Of two cluster-wide registrations that race on nodes
     *                               that see each other, exactly one succeeds
     */
    void register(String name, NameScope scope);

    /** Gives up this process's registration of {@code name}; nothing happens if it holds none. */
    void unregister(String name);

    /**
     * The process registered under {@code name} (V's GetPid): on this node first (in either scope);
     * with {@link NameScope#CLUSTER} then among the cluster-wide names of every node, asking their
     * name servers with one group send (nodes where no process registered a cluster-wide name are not
     * asked). Empty if no live process holds the name.
     */
    Optional<ProcessId> lookup(String name, NameScope scope);

    /**
     * Serves requests with {@code handler} for the rest of this process's life: the receive loop of
     * a server, written once. Returns only by throwing: what the handler threw (the process then
     * exits), or an {@link InterruptedException} when the process is stopped.
     *
     * <p>With {@link Dispatch#PROCESS_THREAD} this process's thread receives each request and runs
     * the handler. With {@link Dispatch#EVENT_LOOP} the thread that delivers a request runs it
     * there and then (for a request from another node, the event loop that decoded it, which also
     * writes the reply on the connection the request came in on): no thread is woken to answer.
     * Requests that arrived before this call are handled on the node's event loop too.
     * The handler then must not block; if it tries a blocking operation of this kernel or of the
     * shared memory, or holds its thread for long, the process moves to
     * {@link Dispatch#PROCESS_THREAD} for good, with a warning, and the request whose handler
     * blocked is handled again there, from the start. Either way one request is handled at a time.
     */
    void serve(RequestHandler handler, Dispatch dispatch) throws Exception;

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
     *
     * <p>Forwarded to a group, the request goes to every member of the group as this node knows it
     * (but this process), and the first reply answers the sender (VMTP's forward to a group); later
     * replies are dropped, and a member that fails (it does not exist, exits or throws) reports
     * nothing, as another may answer. If none answers, the send times out; a group without other
     * members fails the sender at once. For a group send's request the reply counts as the member's
     * that forwarded it. A request that came by a forward to a group may be forwarded on to a
     * process, not to a group again ({@link IllegalArgumentException}): its copies stay few. A
     * request is forwarded at most {@value Ipc#MAX_FORWARDS} times.
     */
    void forward(Request request, ProcessId to);
}
