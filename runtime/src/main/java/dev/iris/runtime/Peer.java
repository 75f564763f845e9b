package dev.iris.runtime;

import dev.iris.runtime.transport.Frame;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;

/**
 * A peer node as {@link Node} knows it: live once {@link #out}, this node's connection to it,
 * completed its handshake; {@link #in} is the peer's connection to this node.
 */
final class Peer {
    final NodeId id;
    /** The address the peer listens on, or "" while only its connection to this node is known. */
    final String address;
    volatile Channel out;
    volatile Channel in;
    /** When something last arrived from it, by its node's time ({@link Membership#heard}). */
    volatile long lastHeardNanos;
    /** When {@link #out} stopped being writable (the peer does not read fast enough); 0 while writable. */
    volatile long unwritableSinceNanos;
    /**
     * Memory frames for a peer that connected to this node before this node's connection to it
     * completed; sent first on that connection (guarded by the membership lock).
     */
    final List<Frame> early = new ArrayList<>();
    /** The peer's group memberships arrived (its STATE update): this node addresses its members. */
    volatile boolean groupsKnown;
    /** The peer said it is being closed (LEAVE): the end of its connections is its leaving, not its death. */
    volatile boolean leaving;

    Peer(NodeId id, String address) {
        this.id = id;
        this.address = address;
    }
}
