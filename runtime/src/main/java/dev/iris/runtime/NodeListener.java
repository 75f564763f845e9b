package dev.iris.runtime;

import java.util.Objects;

/**
 * Told when a node starts and closes: how monitors and recorders attach to nodes. A listener
 * registered in a node's configuration ({@link NodeConfig#withListener}) hears of that node; one
 * registered with {@link #everyNode} hears of every node this JVM starts from then on, for a
 * launcher that runs a program whose own code makes the configurations (the command line's
 * {@code iris run --record}, the IDE's launches of a program's main class). Called on the thread
 * that starts or closes the node; a listener that throws is logged and the node goes on.
 */
public interface NodeListener {
    /** {@code node} listens and is about to dial its seeds. */
    default void started(Node node) {
    }

    /** {@code node} is closing: still whole, about to close its connections. */
    default void closing(Node node) {
    }

    /** Tells {@code listener} of every node this JVM starts from now on, until {@link #stopListening}. */
    static void everyNode(NodeListener listener) {
        Node.EVERY_NODE.add(Objects.requireNonNull(listener));
    }

    static void stopListening(NodeListener listener) {
        Node.EVERY_NODE.remove(listener);
    }
}
