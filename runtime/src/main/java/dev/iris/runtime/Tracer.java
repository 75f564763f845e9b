package dev.iris.runtime;

import dev.iris.runtime.internal.Log;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/** The node's {@link MessageEvent} listeners: nothing is made while nobody listens. */
final class Tracer {
    private static final System.Logger LOG = Log.of(Tracer.class);

    private final NodeId self;
    private final Peers peers;
    private final List<Consumer<MessageEvent>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean on;
    private final LongSupplier nanos;

    /** Events of node {@code self}, stamped by {@code nanos}. */
    Tracer(NodeId self, Peers peers, LongSupplier nanos) {
        this.self = self;
        this.peers = peers;
        this.nanos = nanos;
    }

    /** Whether someone listens: a local step takes a tick of the clock of its own only then. */
    boolean on() {
        return on;
    }

    void add(Consumer<MessageEvent> listener) {
        listeners.add(Objects.requireNonNull(listener));
        on = true;
    }

    void remove(Consumer<MessageEvent> listener) {
        listeners.remove(listener);
        on = !listeners.isEmpty();
    }

    void traced(MessageEvent.Kind kind, int peerNode, long requestId, ProcessId sender, ProcessId target,
            Object message, long clock) {
        if (!on) {
            return;
        }
        traced(kind, peerNode, requestId, sender, target, message == null ? "?" : message.getClass().getSimpleName(),
                MessageEvent.contentOf(message), clock);
    }

    /** A step whose message is described by {@code type} and {@code content} (a segment's move, say). */
    void traced(MessageEvent.Kind kind, int peerNode, long requestId, ProcessId sender, ProcessId target, String type,
            String content, long clock) {
        if (!on) {
            return;
        }
        MessageEvent e = new MessageEvent(kind, self.name(), peers.nameOf(peerNode), requestId, sender, target, type,
                nanos.getAsLong(), clock, content);
        for (Consumer<MessageEvent> listener : listeners) {
            try {
                listener.accept(e);
            } catch (RuntimeException failure) {
                LOG.log(Level.WARNING, "a message listener failed on " + e, failure);
            }
        }
    }
}
