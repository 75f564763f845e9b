package dev.iris.runtime.transport;

/**
 * The single registry of frame kinds: every frame that travels between two Iris endpoints
 * carries one of these codes in its header. Codes are part of the wire format and are never
 * reused; a new protocol concern adds a constant here and a section to
 * {@code doc/design/frames.md}.
 */
public enum FrameKind {
    /** First frame on every connection, in both directions; payload is a {@link Handshake}. */
    HANDSHAKE(1),
    /** The peer refuses the connection; payload is a {@link Reject}. The sender closes next. */
    REJECT(2),
    /** I am alive; empty payload. Sent on every outbound connection each heartbeat interval. */
    HEARTBEAT(3),
    /** The sender's view of the live members; payload in {@link MembershipWire}. */
    MEMBERS(4),
    /** A V Send (or a Forward) to one process; payload in {@link IpcWire}. */
    SEND(5),
    /** A V Reply to the sender of a SEND; payload in {@link IpcWire}. */
    REPLY(6),
    /** A SEND could not be delivered or answered; payload in {@link IpcWire}. */
    FAIL(7),
    /** A group send to the members hosted by the receiving node; payload in {@link GroupWire}. */
    GROUP_SEND(8),
    /** Joins, leaves or the full local membership of the sending node; payload in {@link GroupWire}. */
    GROUP_UPDATE(9),
    /** The receiver applied the GROUP_UPDATE with this operation id; payload in {@link GroupWire}. */
    GROUP_ACK(10),
    /** The next piece of a frame larger than the frame bound; see {@link FragmentEncoder}. */
    CONTINUATION(11),
    /** A read or write fault on a shared page, to its manager or (probable) owner; payload in {@link PageWire}. */
    PAGE_REQUEST(12),
    /** A copy of a page, or its ownership, for a faulting node; payload in {@link PageWire}. */
    PAGE(13),
    /** Drop your copy of a page: a new owner is about to write it; payload in {@link PageWire}. */
    INVALIDATE(14),
    /** The sender dropped its copy as asked; payload in {@link PageWire}. */
    INVALIDATE_ACK(15),
    /** A page fault cannot be served (owner or manager dead, no such page); payload in {@link PageWire}. */
    PAGE_FAIL(16),
    /** Lock and barrier operations of the shared memory; payload in {@link SyncWire}. */
    SYNC(17),
    /** Words a node changed in a release-consistent page, for the page's home; payload in {@link PageWire}. */
    DIFF(18),
    /** The home applied a DIFF; payload in {@link PageWire}. */
    DIFF_ACK(19),
    /** What a node's monitor endpoint streams to a debugger; payload in {@code dev.iris.runtime.monitor.MonitorWire}. */
    MONITOR(20),
    /** New contents of pages, from their owner to a backup, before the write returns; payload in {@link ReplicaWire}. */
    REPLICA(21),
    /** The backup keeps the REPLICA with this token; payload in {@link ReplicaWire}. */
    REPLICA_ACK(22),
    /** After a death: who owns or holds which pages (and status for a joining peer); payload in {@link ReplicaWire}. */
    CENSUS(23),
    /** An answer to a CENSUS; payload in {@link ReplicaWire}. */
    CENSUS_REPLY(24),
    /** The sender's node is being closed on purpose; empty payload. Its peers see it leave, not die. */
    LEAVE(25),
    /** A request was forwarded to a process on another node, whose answer the sender now awaits; payload in {@link IpcWire}. */
    MOVED(26),
    /** A piece of a move from or to the segment a SEND passed, for the sender's node; payload in {@link SegmentWire}. */
    SEGMENT_MOVE(27),
    /** The answer to a SEGMENT_MOVE: the bytes read, done, or refused; payload in {@link SegmentWire}. */
    SEGMENT_ANSWER(28),
    /** A step of a collection of the shared heaps, from the collecting node; payload in {@link HeapWire}. */
    HEAP(29),
    /** A node's answer to a HEAP step; payload in {@link HeapWire}. */
    HEAP_REPLY(30),
    /** What a node of a persistent memory holds in its page log, for its peers as it starts; payload in {@link StoreWire}. */
    LOGGED(31),
    /** A request to allocate a heap object on the receiving node, or word that its object is taken; payload in {@link PlaceWire}. */
    PLACE(32),
    /** The answer to a PLACE that allocates: the object's address, or why not; payload in {@link PlaceWire}. */
    PLACED(33);

    private static final FrameKind[] BY_CODE = new FrameKind[256];

    static {
        for (FrameKind kind : values()) {
            if (BY_CODE[kind.code] != null) {
                throw new ExceptionInInitializerError("duplicate frame kind code " + kind.code);
            }
            BY_CODE[kind.code] = kind;
        }
    }

    private final int code;

    FrameKind(int code) {
        this.code = code;
    }

    /** The unsigned byte that identifies this kind on the wire. */
    public int code() {
        return code;
    }

    /**
     * Looks a kind up by its wire code.
     *
     * @return the kind, or {@code null} if no kind has this code
     */
    public static FrameKind ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
