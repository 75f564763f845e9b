package dev.iris.runtime.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Objects;

/**
 * The payload of a {@link FrameKind#HANDSHAKE} frame: who is speaking, for which cluster, in
 * which protocol version. Both ends send one as their first frame; a connection whose peer
 * names another cluster or protocol version is refused with a {@link Reject}.
 *
 * <p>Wire grammar:
 * <pre>
 * handshake := magic:u32 protocol:u16 cluster:str node:str
 * str       := length:u16 utf8:byte[length]      (length &lt;= 255)
 * </pre>
 * {@code magic} is {@link #MAGIC} ("IRIS" in ASCII); it tells an Iris peer from anything else
 * that happens to connect.
 *
 * @param cluster  the cluster name, 1 to 255 bytes of UTF-8
 * @param protocol the Iris protocol version, 0 to 65535
 * @param node     the node id of the sender, 1 to 255 bytes of UTF-8
 */
public record Handshake(String cluster, int protocol, String node) {
    /** "IRIS" in ASCII. */
    public static final int MAGIC = 0x49524953;
    /**
     * The protocol version this runtime speaks: 2 put Lamport clocks on IPC frames; 3 added the
     * MOVED frame of forwards, the monitor's Leaving and the peers that left in its state; 4 the
     * SEND flag TO_GROUP of a forward to a group, whose failures the receiver does not report; 5 the
     * SEND flag SEGMENT and the segment frames (SEGMENT_MOVE, SEGMENT_ANSWER); 6 the SEND flag HEAD
     * (a segment's first bytes with the request) and the REPLY flag DATA (bytes for the segment); 7
     * segment pieces of up to 256 KiB (64 KiB before); 8 the heap's collection frames (HEAP,
     * HEAP_REPLY); 9 the locate flag of PAGE_REQUEST and the code, round, node and version of
     * PAGE_FAIL (the dynamic manager's broadcast); 10 the persistent memory's LOGGED; 11 the
     * monitor's durable state; 12 the refetch of INVALIDATE_ACK; 13 a PAGE without data (all zeros); 14 the heap's
     * placement on a named node (PLACE, PLACED); 15 the SYNC ops ask, held and told (a lock moving to
     * another manager); 16 the stored byte of REPLICA_ACK (a backup copy refused by a failed page log); 17 the heap step start clearing
     * (a collection that has every node's JVM collect its own garbage first).
     */
    public static final int PROTOCOL = 17;
    /** Upper bound of the UTF-8 length of the cluster name and the node id. */
    public static final int MAX_NAME_BYTES = 255;

    public Handshake {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(node, "node");
        if (cluster.isEmpty() || node.isEmpty()) {
            throw new IllegalArgumentException("cluster and node must not be empty");
        }
        if (protocol < 0 || protocol > 0xFFFF) {
            throw new IllegalArgumentException("protocol must fit in 16 bits: " + protocol);
        }
    }

    /** Encodes this handshake as a frame payload allocated from {@code alloc}. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(4 + 2 + 2 + cluster.length() + 2 + node.length());
        try {
            out.writeInt(MAGIC).writeShort(protocol);
            WireStrings.write(out, "cluster name", cluster, MAX_NAME_BYTES);
            WireStrings.write(out, "node id", node, MAX_NAME_BYTES);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /**
     * Decodes a handshake payload; does not release {@code in}.
     *
     * @throws FrameFormatException if the payload does not follow the grammar
     */
    public static Handshake decode(ByteBuf in) {
        if (in.readableBytes() < 6) {
            throw new FrameFormatException("handshake of " + in.readableBytes() + " bytes is truncated");
        }
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new FrameFormatException("handshake magic 0x" + Integer.toHexString(magic)
                    + " is not Iris's 0x" + Integer.toHexString(MAGIC));
        }
        int protocol = in.readUnsignedShort();
        String cluster = WireStrings.read(in, "handshake cluster name", MAX_NAME_BYTES);
        String node = WireStrings.read(in, "handshake node id", MAX_NAME_BYTES);
        if (cluster.isEmpty() || node.isEmpty()) {
            throw new FrameFormatException("handshake with an empty cluster name or node id");
        }
        if (in.isReadable()) {
            throw new FrameFormatException("handshake has " + in.readableBytes() + " unexpected trailing bytes");
        }
        return new Handshake(cluster, protocol, node);
    }
}
