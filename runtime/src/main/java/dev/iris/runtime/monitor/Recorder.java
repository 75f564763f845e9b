package dev.iris.runtime.monitor;

import dev.iris.runtime.MessageEvent;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeListener;
import dev.iris.runtime.dsm.HeapCensus;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.internal.Log;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Records every node started in this JVM while it is active into one {@link TraceFile}: each
 * node's state and page table when it starts, its memory events as they happen, its state
 * whenever it changes, and a census of its heaps after each collection it runs. {@code iris run --record FILE} uses it; so can a program's own main.
 *
 * <p>It is a {@link NodeListener}: {@link #start} makes it hear of every node the JVM starts.
 */
public final class Recorder implements NodeListener, AutoCloseable {
    private static final System.Logger LOG = Log.of(Recorder.class);

    private final TraceFile.Writer writer;
    private final Map<Node, Listeners> nodes = new ConcurrentHashMap<>();
    private final Consumer<MessageEvent> messages = e -> write(new MonitorMessage.Message(e));
    private final Map<Node, MonitorMessage.State> states = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poll;
    private volatile IOException failure;

    private Recorder(TraceFile.Writer writer) {
        this.writer = writer;
        this.poll = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "iris-recorder");
            t.setDaemon(true);
            return t;
        });
        poll.scheduleWithFixedDelay(this::pollStates, 200, 200, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts recording into {@code file} every node this JVM starts from now on (it listens to every
     * node, {@link NodeListener#everyNode}), until {@link #close}.
     */
    public static Recorder start(Path file) throws IOException {
        Recorder recorder = new Recorder(new TraceFile.Writer(file));
        NodeListener.everyNode(recorder);
        return recorder;
    }

    @Override
    public void started(Node node) {
        attach(node);
    }

    @Override
    public void closing(Node node) {
        detach(node); // its last state
    }

    /** What this recorder listens to on one node. */
    private record Listeners(Consumer<MemoryEvent> events, Consumer<HeapCensus> censuses) {
    }

    /** Records {@code node} from now on (its state and page table first, then a census after each of its collections). */
    public void attach(Node node) {
        Listeners listeners = new Listeners(e -> write(new MonitorMessage.Memory(e)),
                c -> write(new MonitorMessage.Heap(node.id().name(), c)));
        if (nodes.putIfAbsent(node, listeners) == null) {
            MonitorMessage.State state = MonitorServer.state(node);
            states.put(node, state);
            write(state);
            node.memory().addListener(listeners.events());
            node.addMessageListener(messages);
            node.memory().heap().addCensusListener(listeners.censuses());
            write(MonitorServer.pages(node));
        }
    }

    private void detach(Node node) {
        Listeners listeners = nodes.remove(node);
        if (listeners != null) {
            stopListening(node, listeners);
            write(MonitorServer.state(node));
            states.remove(node);
        }
    }

    private void stopListening(Node node, Listeners listeners) {
        node.memory().removeListener(listeners.events());
        node.removeMessageListener(messages);
        node.memory().heap().removeCensusListener(listeners.censuses());
    }

    private void pollStates() {
        for (Node node : nodes.keySet()) {
            MonitorMessage.State state = MonitorServer.state(node);
            if (!state.equals(states.put(node, state))) {
                write(state);
            }
        }
    }

    private void write(MonitorMessage message) {
        try {
            writer.write(message);
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
                LOG.log(Level.ERROR, "recording into " + writer.file() + " failed: " + e.getMessage());
            }
        }
    }

    /** Messages recorded so far. */
    public long records() {
        return writer.records();
    }

    /**
     * Stops recording and closes the file.
     *
     * @throws IOException if writing failed at any point (the file then ends where it failed)
     */
    @Override
    public void close() throws IOException {
        NodeListener.stopListening(this);
        poll.shutdownNow();
        nodes.forEach(this::stopListening);
        nodes.keySet().forEach(node -> write(MonitorServer.state(node)));
        nodes.clear();
        writer.close();
        if (failure != null) {
            throw failure;
        }
    }
}
