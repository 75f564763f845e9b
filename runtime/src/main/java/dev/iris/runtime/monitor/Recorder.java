package dev.iris.runtime.monitor;

import dev.iris.runtime.Node;
import dev.iris.runtime.dsm.MemoryEvent;
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
 * node's state and page table when it starts, its memory events as they happen, and its state
 * whenever it changes. {@code iris run --record FILE} uses it; so can a program's own main.
 *
 * <p>One recorder at a time per JVM; {@link Node#start} attaches every new node to it.
 */
public final class Recorder implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Recorder.class.getName());
    private static volatile Recorder active;

    private final TraceFile.Writer writer;
    private final Map<Node, Consumer<MemoryEvent>> nodes = new ConcurrentHashMap<>();
    private final Consumer<dev.iris.runtime.MessageEvent> messages = e -> write(new MonitorMessage.Message(e));
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
     * Starts recording every node started from now on into {@code file}.
     *
     * @throws IllegalStateException if a recording is already running in this JVM
     */
    public static synchronized Recorder start(Path file) throws IOException {
        if (active != null) {
            throw new IllegalStateException("this JVM already records into " + active.writer.file());
        }
        active = new Recorder(new TraceFile.Writer(file));
        return active;
    }

    /** Called by {@link Node} once it listens: records it if a recording runs. */
    public static void nodeStarted(Node node) {
        Recorder recorder = active;
        if (recorder != null) {
            recorder.attach(node);
        }
    }

    /** Called by {@link Node} as it closes: records its last state. */
    public static void nodeClosing(Node node) {
        Recorder recorder = active;
        if (recorder != null) {
            recorder.detach(node);
        }
    }

    /** Records {@code node} from now on (its state and page table first). */
    public void attach(Node node) {
        Consumer<MemoryEvent> listener = e -> write(new MonitorMessage.Memory(e));
        if (nodes.putIfAbsent(node, listener) == null) {
            MonitorMessage.State state = MonitorServer.state(node);
            states.put(node, state);
            write(state);
            node.memory().addListener(listener);
            node.addMessageListener(messages);
            write(MonitorServer.pages(node));
        }
    }

    private void detach(Node node) {
        Consumer<MemoryEvent> listener = nodes.remove(node);
        if (listener != null) {
            node.memory().removeListener(listener);
            node.removeMessageListener(messages);
            write(MonitorServer.state(node));
            states.remove(node);
        }
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
        synchronized (Recorder.class) {
            if (active == this) {
                active = null;
            }
        }
        poll.shutdownNow();
        nodes.forEach((node, listener) -> {
            node.memory().removeListener(listener);
            node.removeMessageListener(messages);
        });
        nodes.keySet().forEach(node -> write(MonitorServer.state(node)));
        nodes.clear();
        writer.close();
        if (failure != null) {
            throw failure;
        }
    }
}
