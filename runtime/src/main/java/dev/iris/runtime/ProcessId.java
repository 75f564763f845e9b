package dev.iris.runtime;

/**
 * The id of a process or of a process group: one 64-bit space, so a group id can be used
 * wherever a process id can (V kernel). Ids are values; they are compared by {@link #value()}.
 *
 * <pre>
 * bits 63..32  node number of the node that created the id (0 for well-known groups)
 * bit  31      group flag
 * bit  30      local-group flag (all members on the creating node)
 * bits 29..0   local id on that node, or the well-known group number
 * </pre>
 *
 * A process id names its node, so a message to it goes straight to that node. Node numbers come
 * from node names ({@link NodeId#of(String)}).
 *
 * @param value the 64-bit id
 */
public record ProcessId(long value) {
    static final long GROUP_BIT = 1L << 31;
    static final long LOCAL_BIT = 1L << 30;
    /** The largest local id and well-known group number. */
    public static final int MAX_LOCAL_ID = (1 << 30) - 1;

    /** The id of process {@code localId} on node {@code nodeNumber}. */
    public static ProcessId process(int nodeNumber, int localId) {
        return new ProcessId(compose(nodeNumber, localId));
    }

    /** A group created on node {@code nodeNumber}; {@code local} marks a local group. */
    public static ProcessId group(int nodeNumber, int localId, boolean local) {
        return new ProcessId(compose(nodeNumber, localId) | GROUP_BIT | (local ? LOCAL_BIT : 0));
    }

    /**
     * The well-known group {@code number}: the same id on every node, known before start. Programs
     * use 1 to {@code MAX_LOCAL_ID - 1}; {@code MAX_LOCAL_ID} is the runtime's (the name servers of
     * {@link Kernel#lookup}).
     */
    public static ProcessId wellKnownGroup(int number) {
        if (number <= 0 || number > MAX_LOCAL_ID) {
            throw new IllegalArgumentException("a well-known group number is 1.." + MAX_LOCAL_ID + ": " + number);
        }
        return new ProcessId(GROUP_BIT | number);
    }

    private static long compose(int nodeNumber, int localId) {
        if (nodeNumber == 0) {
            throw new IllegalArgumentException("node number 0 is reserved for well-known groups");
        }
        if (localId <= 0 || localId > MAX_LOCAL_ID) {
            throw new IllegalArgumentException("a local id is 1.." + MAX_LOCAL_ID + ": " + localId);
        }
        return ((long) nodeNumber << 32) | localId;
    }

    /** The number of the node that created this id; 0 for a well-known group. */
    public int nodeNumber() {
        return (int) (value >>> 32);
    }

    /** The local id on the creating node, or the well-known group number. */
    public int localId() {
        return (int) (value & MAX_LOCAL_ID);
    }

    /** Whether this id names a group rather than a process. */
    public boolean isGroup() {
        return (value & GROUP_BIT) != 0;
    }

    /** Whether this id names a local group (all members on the creating node). */
    public boolean isLocalGroup() {
        return isGroup() && (value & LOCAL_BIT) != 0;
    }

    /** Whether this id names a well-known group. */
    public boolean isWellKnownGroup() {
        return isGroup() && nodeNumber() == 0;
    }

    // Written out: the record's generated equals goes through method handles that the JIT does not
    // always inline, and ids are hash keys on every send and reply.
    @Override
    public boolean equals(Object o) {
        return o instanceof ProcessId other && other.value == value;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value);
    }

    @Override
    public String toString() {
        if (isWellKnownGroup()) {
            return "group:" + localId();
        }
        return (isGroup() ? (isLocalGroup() ? "lgroup:" : "group:") : "") + Integer.toHexString(nodeNumber()) + "."
                + localId();
    }
}
