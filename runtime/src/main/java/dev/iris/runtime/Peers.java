package dev.iris.runtime;

import io.netty.channel.Channel;
import java.util.Collection;

/** The live peers, as the request protocols ({@link Ipc}, {@link Groups}) need them. Thread-safe. */
interface Peers {
    /** The live peer with number {@code node}, or null. */
    Peer live(int node);

    /** Every live peer. */
    Collection<Peer> live();

    /** The peer {@code ch} connects this node with (either direction), or null before its handshake. */
    Peer of(Channel ch);

    /**
     * The connection for an answer to node {@code node} whose request did not say where it came from:
     * this node's connection to it, or, while that is not up yet, the node's connection to this one.
     */
    Channel channelTo(int node);

    /** Node {@code node}'s name if it is this node or live, else {@code "node #N"}. */
    String nameOf(int node);
}
