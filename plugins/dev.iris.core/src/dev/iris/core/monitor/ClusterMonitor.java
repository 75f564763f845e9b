package dev.iris.core.monitor;

import dev.iris.runtime.IpcException;
import dev.iris.runtime.NodeId;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.RegisteredName;
import dev.iris.runtime.dsm.Durability;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.monitor.MonitorClient;
import dev.iris.runtime.monitor.MonitorMessage;
import dev.iris.runtime.monitor.TraceFile;
import dev.iris.runtime.security.NodeCredentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The IDE's live view of one running cluster: a connection to the monitor of each of its nodes
 * (tried again until the node is up, and after it went away), merged into one
 * {@link PageOwnership} and the nodes' latest {@link MonitorMessage.State}s, and the newest census
 * of the heaps ({@link MonitorMessage.Heap}, shown as a {@link HeapPicture}).
 *
 * <p>Threading: messages arrive on the connections' threads and wait in an inbox; a thread of the
 * monitor applies them {@link #REFRESH_MILLIS} apart, in causal order, and then publishes a new
 * {@link #picture()} and tells the listeners, so a view only draws (never on the connections',
 * never applying events on the UI thread). Public methods are thread-safe.
 */
public final class ClusterMonitor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClusterMonitor.class.getName());
    /** How often the model takes in what arrived and the picture is redrawn. */
    public static final long REFRESH_MILLIS = 200;

    /**
     * A node and where its monitor listens: null until the node says so ({@link #located}), as a
     * node JVM does when its monitor has bound a free port.
     */
    public record Target(String node, InetSocketAddress monitor) {
    }

    private final String cluster;
    private final List<Target> targets;
    /** Where each node's monitor listens, as far as known. */
    private final Map<String, InetSocketAddress> addresses = new ConcurrentHashMap<>();
    private final NodeCredentials credentials;
    private volatile Map<ProcessId, String> groupNames = Map.of();
    private final ScheduledExecutorService thread;
    private final Map<String, MonitorClient> clients = new ConcurrentHashMap<>();
    private volatile boolean timePaused;
    private final Map<String, MonitorMessage.State> states = new ConcurrentHashMap<>();
    private final Map<String, Durability> durabilities = new ConcurrentHashMap<>();
    /** Nodes whose monitor said they are being closed on purpose, and that have not come back since. */
    private final Set<String> left = ConcurrentHashMap.newKeySet();
    private final List<MonitorMessage> inbox = new ArrayList<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private PageOwnership model = PageOwnership.empty(); // guarded by lock
    private List<MonitorMessage> recorded; // a recording's messages, else null
    private List<long[]> stateStamps = List.of(); // a recording's states: {index, clock as of}
    private long position;
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private volatile PageOwnership.Picture picture;
    /** Each node's newest census (in a recording: as of the position). */
    private final Map<String, MonitorMessage.Heap> censuses = new ConcurrentHashMap<>();
    /** The census that arrived last (in a recording: the newest as of the position), or null. */
    private volatile MonitorMessage.Heap newestCensus;
    private volatile HeapPicture heap;
    /** Held by a {@link #seek}. */
    private final Object seeking = new Object();
    private final Map<String, AtomicLong> eventCounts = new ConcurrentHashMap<>();
    private volatile TraceFile.Writer recording;
    /** The latest IPC and memory events, for the message trace. */
    private final ArrayDeque<MonitorMessage> trace = new ArrayDeque<>();
    /** How many events {@link #traceEvents()} keeps. */
    public static final int TRACE_EVENTS = 5_000;
    private volatile boolean closed;
    /** The groups as of the last round with a node connected; null before one. */
    private volatile Map<ProcessId, Map<String, List<ProcessId>>> lastLiveGroups;
    /** The registered names as of the last round with a node connected; null before one. */
    private volatile List<RegisteredName> lastLiveNames;
    /** The dead nodes when a node last was connected (the pictures after the run show them so). */
    private volatile Set<String> lastDead = Set.of();
    private long applied;

    private ClusterMonitor(String cluster, List<Target> targets, NodeCredentials credentials) {
        this.cluster = cluster;
        this.targets = List.copyOf(targets);
        for (Target target : targets) {
            if (target.monitor() != null) {
                addresses.put(target.node(), target.monitor());
            }
        }
        this.credentials = credentials;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "iris-monitor-" + cluster);
            t.setDaemon(true);
            return t;
        });
        this.picture = model.picture(nodes(), Set.of(), Set.of());
    }

    /**
     * Starts watching {@code cluster}: connects to every target whose address is known now and keeps
     * trying those not up.
     *
     * @param credentials a certificate of the cluster's authority, or null for nodes without TLS
     */
    public static ClusterMonitor start(String cluster, List<Target> targets, NodeCredentials credentials) {
        ClusterMonitor monitor = new ClusterMonitor(cluster, targets, credentials);
        monitor.thread.scheduleWithFixedDelay(monitor::round, 0, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
        return monitor;
    }

    /**
     * Attaches to a cluster that runs elsewhere, by the addresses of its nodes' monitors
     * ({@code iris.monitor} of their configurations): learns each node's name from its monitor's
     * handshake, then watches them like a launched cluster.
     *
     * @param credentials a certificate of the cluster's authority (for example an exported
     *                    bundle's {@code conf/credentials}), or null for nodes without TLS
     * @throws IpcException if a monitor cannot be reached or refuses, saying which and why
     */
    public static ClusterMonitor attach(String cluster, List<InetSocketAddress> monitors, NodeCredentials credentials) {
        if (monitors.isEmpty()) {
            throw new IllegalArgumentException("no monitor address to attach to");
        }
        List<Target> targets = new ArrayList<>();
        for (InetSocketAddress address : monitors) {
            try (MonitorClient probe = MonitorClient.connect(address, cluster, credentials, m -> { })) {
                targets.add(new Target(probe.node(), address));
            }
        }
        return start(cluster, targets, credentials);
    }

    /**
     * A monitor without connections, fed by {@link #feed} (a recording, or a test): the same
     * model, pictures and listeners as a live one.
     */
    public static ClusterMonitor offline(String cluster, List<String> nodes) {
        ClusterMonitor monitor = new ClusterMonitor(cluster,
                nodes.stream().map(n -> new Target(n, null)).toList(), null);
        monitor.thread.scheduleWithFixedDelay(monitor::refreshSafely, 0, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
        return monitor;
    }

    /**
     * A monitor of a recording ({@link TraceFile}): its nodes are those
     * the recording names; it shows the end of the run until {@link #seek} moves it.
     */
    public static ClusterMonitor recording(String name, List<MonitorMessage> messages) {
        List<String> nodes = messages.stream().filter(m -> !(m instanceof MonitorMessage.Memory))
                .map(MonitorMessage::node).distinct().sorted().toList();
        ClusterMonitor monitor = new ClusterMonitor(name, nodes.stream().map(n -> new Target(n, null)).toList(), null);
        monitor.recorded = List.copyOf(messages);
        monitor.closed = true;
        monitor.thread.shutdown();
        long clock = 0; // a state carries no clock: it counts as of the latest event recorded before it
        List<long[]> stamps = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            MonitorMessage m = messages.get(i);
            if (m instanceof MonitorMessage.Memory e) {
                clock = Math.max(clock, e.event().clock());
            } else if (m instanceof MonitorMessage.Message e) {
                clock = Math.max(clock, e.event().clock());
            } else if (m instanceof MonitorMessage.State) {
                stamps.add(new long[] {i, clock});
            }
        }
        monitor.stateStamps = stamps;
        monitor.seek(Long.MAX_VALUE);
        return monitor;
    }

    /** Whether this shows a recording rather than a live cluster. */
    public boolean isRecording() {
        return recorded != null;
    }

    /**
     * The smallest and largest Lamport clock of the recording's memory and message events and
     * censuses ({0, 0} if none or live): a program without shared memory is replayed by its
     * messages.
     */
    public long[] clockRange() {
        if (recorded == null) {
            return new long[] {0, 0};
        }
        long[] range = {Long.MAX_VALUE, 0};
        for (MonitorMessage m : recorded) {
            long clock = m instanceof MonitorMessage.Memory e ? e.event().clock()
                    : m instanceof MonitorMessage.Message e ? e.event().clock()
                    : m instanceof MonitorMessage.Heap h ? h.census().clock() : -1;
            if (clock >= 0) {
                range[0] = Math.min(range[0], clock);
                range[1] = Math.max(range[1], clock);
            }
        }
        return range[0] > range[1] ? new long[] {0, 0} : range;
    }

    /** The clock a recording is shown at. */
    public long position() {
        synchronized (lock) {
            return position;
        }
    }

    /**
     * Shows a recording as it was at {@code clock}: the page tables, then every memory event whose
     * Lamport clock is at most {@code clock}, in causal order; each node's newest census taken at
     * or before {@code clock} ({@link #heap()} shows the newest of them). Publishes a picture and
     * tells the listeners (on the calling thread). Seeks run one at a time: each publishes a whole
     * moment.
     *
     * @throws IllegalStateException if this monitor is live
     */
    public void seek(long clock) {
        synchronized (seeking) {
            seekNow(clock);
        }
    }

    private void seekNow(long clock) {
        if (recorded == null) {
            throw new IllegalStateException("cluster '" + cluster + "' is live: only a recording can be replayed");
        }
        PageOwnership at = PageOwnership.empty();
        List<MemoryEvent> events = new ArrayList<>();
        long count = 0;
        for (MonitorMessage m : recorded) {
            if (m instanceof MonitorMessage.Pages pages) {
                at.applyAll(events);
                count += events.size();
                events.clear();
                at.replaceNode(pages.node(), pages.pages());
            } else if (m instanceof MonitorMessage.Memory memory && memory.event().clock() <= clock) {
                events.add(memory.event());
            }
        }
        at.applyAll(events);
        count += events.size();
        Map<String, MonitorMessage.State> then = new HashMap<>();
        for (long[] stamp : stateStamps) {
            MonitorMessage.State state = (MonitorMessage.State) recorded.get((int) stamp[0]);
            if (stamp[1] <= clock || !then.containsKey(state.node())) {
                then.put(state.node(), state); // the latest as of the moment (the first, if none was yet)
            }
        }
        states.clear();
        states.putAll(then);
        Map<String, MonitorMessage.Heap> taken = new HashMap<>();
        MonitorMessage.Heap newest = null;
        for (MonitorMessage m : recorded) {
            if (m instanceof MonitorMessage.Heap h && h.census().clock() <= clock) {
                taken.put(h.node(), h); // the later of two at the same clock
                if (newest == null || h.census().clock() >= newest.census().clock()) {
                    newest = h;
                }
            }
        }
        censuses.clear();
        censuses.putAll(taken);
        newestCensus = newest;
        synchronized (lock) {
            model = at;
            applied = count;
        }
        // the picture before the position: a view that redraws meanwhile never shows the new
        // position over the old picture
        picture = picture(Set.of());
        heap = heapPicture(newest, picture);
        synchronized (lock) {
            position = Math.min(clock, clockRange()[1]);
        }
        listeners.forEach(Runnable::run);
    }

    /** Takes a message as if a node's monitor had sent it; it is applied at the next refresh. */
    public void feed(MonitorMessage message) {
        arrived(message);
    }

    /** Names the program gives its well-known groups, for the views. */
    public void nameGroups(Map<ProcessId, String> names) {
        groupNames = Map.copyOf(names);
    }

    /** The name of a group in its program, if it has one. */
    public Optional<String> groupName(ProcessId group) {
        return Optional.ofNullable(groupNames.get(group));
    }

    /**
     * The cluster's groups as its nodes report them: each group (the union of what the connected
     * nodes' copies of the table say) with its members by node, then by process id. When no node is
     * connected (the run ended): the groups as they were when a node last was; the union of every
     * node's last copy if none ever was (a recording). A node that died before the end does not
     * come back with its last word.
     */
    public Map<ProcessId, Map<String, List<ProcessId>>> groups() {
        Set<String> up = connected();
        if (up.isEmpty()) {
            Map<ProcessId, Map<String, List<ProcessId>>> last = lastLiveGroups;
            return last != null ? last : groups(up);
        }
        Map<ProcessId, Map<String, List<ProcessId>>> live = groups(up);
        lastLiveGroups = live;
        return live;
    }

    /** The groups as the nodes {@code up} report them (all nodes if none). */
    private Map<ProcessId, Map<String, List<ProcessId>>> groups(Set<String> up) {
        Map<Integer, String> nodeNames = new HashMap<>();
        Map<ProcessId, Set<ProcessId>> union = new TreeMap<>(Comparator.comparingLong(
                ProcessId::value));
        targets.forEach(t -> nodeNames.put(NodeId.of(t.node()).number(), t.node()));
        for (MonitorMessage.State state : states.values()) {
            // a member's node may not have reported yet: its peers name it
            state.members().forEach(m -> nodeNames.put(NodeId.of(m).number(), m));
        }
        for (MonitorMessage.State state : states.values()) {
            if (!up.isEmpty() && !up.contains(state.node())) {
                continue; // the last word of a node that is gone: its peers' tables are current
            }
            state.groups().forEach((g, members) -> union.computeIfAbsent(g, x -> new HashSet<>())
                    .addAll(members));
        }
        Map<ProcessId, Map<String, List<ProcessId>>> groups = new LinkedHashMap<>();
        union.forEach((g, members) -> {
            Map<String, List<ProcessId>> byNode = new TreeMap<>();
            members.stream().sorted(Comparator.comparingLong(ProcessId::value)).forEach(m -> byNode
                    .computeIfAbsent(nodeNames.getOrDefault(m.nodeNumber(), "node #" + m.nodeNumber()),
                            n -> new ArrayList<>()).add(m));
            groups.put(g, byNode);
        });
        return groups;
    }

    /**
     * The names the processes registered at run time (V's SetPid), as the connected nodes report
     * them, by name; once no node is connected, as they last did.
     */
    public List<RegisteredName> names() {
        Set<String> up = connected();
        if (up.isEmpty()) {
            List<RegisteredName> last = lastLiveNames;
            return last != null ? last : names(up);
        }
        List<RegisteredName> live = names(up);
        lastLiveNames = live;
        return live;
    }

    /** The names as the nodes {@code up} report them (all nodes if none). */
    private List<RegisteredName> names(Set<String> up) {
        return states.values().stream().filter(s -> up.isEmpty() || up.contains(s.node()))
                .flatMap(s -> s.names().stream())
                .sorted(Comparator.comparing(RegisteredName::name).thenComparingLong(n -> n.holder().value()))
                .toList();
    }

    /** The name a process was spawned with, from its node's state, if known. */
    public Optional<String> processName(ProcessId process) {
        return states.values().stream().map(s -> s.processes().get(process)).filter(Objects::nonNull)
                .findFirst();
    }

    /** A node as the IDE sees it. */
    public enum NodeState {
        /** Its monitor is connected. */
        ALIVE,
        /** The IDE cannot reach its monitor, but a connected node still counts it a member. */
        SUSPECTED,
        /** Neither the IDE nor any connected node reaches it. */
        DEAD,
        /** It was closed on purpose (it said so last, or a connected node saw it leave) and has not come back. */
        LEFT
    }

    /** How {@code node} looks from here. */
    public NodeState nodeState(String node) {
        if (connected().contains(node)) {
            return NodeState.ALIVE;
        }
        Set<String> up = connected();
        if (left.contains(node) || states.values().stream().filter(s -> up.contains(s.node()))
                .anyMatch(s -> s.left().contains(node))) {
            return NodeState.LEFT;
        }
        boolean seen = states.values().stream().filter(s -> up.contains(s.node()))
                .anyMatch(s -> s.members().contains(node));
        return seen ? NodeState.SUSPECTED : NodeState.DEAD;
    }

    /**
     * The IPC and memory events for a message trace: the latest {@link #TRACE_EVENTS} of a live
     * cluster, or a recording's up to its {@link #position()}.
     */
    public List<MonitorMessage> traceEvents() {
        if (recorded != null) {
            long at = position();
            return recorded.stream().filter(m -> m instanceof MonitorMessage.Message e ? e.event().clock() <= at
                    : m instanceof MonitorMessage.Memory f && f.event().clock() <= at).toList();
        }
        synchronized (trace) {
            return List.copyOf(trace);
        }
    }

    /** Memory and message events received from each node so far. */
    public Map<String, Long> eventCounts() {
        Map<String, Long> counts = new TreeMap<>();
        eventCounts.forEach((node, count) -> counts.put(node, count.get()));
        return counts;
    }

    /**
     * Records what arrives from now on into {@code file} ({@link TraceFile}),
     * after the nodes' states, page tables and newest censuses as the model knows them now.
     */
    public void startRecording(Path file) throws IOException {
        TraceFile.Writer writer = new TraceFile.Writer(file);
        synchronized (lock) {
            for (MonitorMessage.State state : states.values()) {
                writer.write(state);
            }
            for (var durable : durabilities.entrySet()) {
                writer.write(new MonitorMessage.Durable(durable.getKey(), durable.getValue()));
            }
            for (String node : nodes()) {
                writer.write(new MonitorMessage.Pages(node, model.tableOf(node)));
            }
            for (MonitorMessage.Heap census : censuses.values()) {
                writer.write(census);
            }
            recording = writer;
        }
    }

    /** Whether {@link #startRecording} is on. */
    public boolean isRecordingToFile() {
        return recording != null;
    }

    /** Stops recording and closes the file; returns it, or null if none was recorded. */
    public Path stopRecording() throws IOException {
        TraceFile.Writer writer = recording;
        recording = null;
        if (writer == null) {
            return null;
        }
        writer.close();
        return writer.file();
    }

    /** The cluster's name. */
    public String cluster() {
        return cluster;
    }

    /** The watched nodes, then any other node the model has seen (a client that took a page), in order. */
    public List<String> nodes() {
        Set<String> nodes = new LinkedHashSet<>();
        targets.forEach(t -> nodes.add(t.node()));
        synchronized (lock) {
            nodes.addAll(model.nodes());
        }
        return List.copyOf(nodes);
    }

    /** The nodes whose monitors this watches, in the launch's order. */
    public List<String> watched() {
        return targets.stream().map(Target::node).toList();
    }

    /**
     * Node {@code node}'s monitor listens on {@code monitor} from now on (its JVM said so; again when
     * it restarts on another port): the monitor's thread connects there next.
     */
    public void located(String node, InetSocketAddress monitor) {
        addresses.put(node, monitor);
    }

    /**
     * Stops the time of every watched node ({@code pause}), and of each one connected later, or
     * lets it run again: debug time, while a debugger holds a node of the launch (see
     * {@link dev.iris.runtime.Node#pauseTime}). A node whose monitor connection ends restarts its
     * time by itself.
     */
    public void pauseTime(boolean pause) {
        timePaused = pause;
        clients.values().forEach(client -> {
            if (client.isConnected()) {
                client.pauseTime(pause);
            }
        });
    }

    /** Whether this monitor holds the watched nodes' time stopped ({@link #pauseTime}). */
    public boolean timePaused() {
        return timePaused;
    }

    /** The nodes whose monitor this is connected to now. */
    public Set<String> connected() {
        Set<String> up = new TreeSet<>();
        clients.forEach((node, client) -> {
            if (client.isConnected()) {
                up.add(node);
            }
        });
        return up;
    }

    /** Why the last connection attempt to each node not connected failed. */
    public Map<String, String> failures() {
        return Map.copyOf(failures);
    }

    /** Where each node of a persistent memory stands, as it last reported (none for other memories). */
    public Map<String, Durability> durabilities() {
        return Map.copyOf(durabilities);
    }

    /** The latest state each node reported. */
    public Map<String, MonitorMessage.State> states() {
        return Map.copyOf(states);
    }

    /** The latest picture of page ownership; a new one follows each refresh that changed something. */
    public PageOwnership.Picture picture() {
        return picture;
    }

    /** A page as the model sees it now (owner, every node's access, copyset, counts). */
    public Optional<PageOwnership.Page> page(long page) {
        synchronized (lock) {
            return model.page(page);
        }
    }

    /**
     * The newest census of the heaps with the owners of its pages as of {@link #picture()}: of a
     * live cluster the census that arrived last, of a recording the newest taken at or before its
     * {@link #position()}; null if there is none. A new one follows each refresh.
     */
    public HeapPicture heap() {
        return heap;
    }

    /** Each node's newest census (of a recording: as of its {@link #position()}). */
    public Map<String, MonitorMessage.Heap> censuses() {
        return Map.copyOf(censuses);
    }

    /**
     * Asks the first connected node, in the order of {@link #watched()}, for a census of its heaps
     * ({@link #requestCensus(String)}); returns the node asked, or empty if none is connected.
     */
    public Optional<String> requestCensus() {
        Set<String> up = connected();
        return watched().stream().filter(up::contains).filter(this::requestCensus).findFirst();
    }

    /**
     * Asks {@code node} for a census of its heaps ({@link MonitorClient#census()}): it reads its
     * heaps through the shared memory, taking read copies of their pages, and its answer arrives
     * like any message, then {@link #heap()} shows it and the listeners hear of it. Does not wait:
     * the request leaves on the monitor's thread. Returns false if {@code node} is not connected.
     */
    public boolean requestCensus(String node) {
        MonitorClient client = clients.get(node);
        if (closed || client == null || !client.isConnected()) {
            return false;
        }
        try {
            thread.execute(() -> {
                try {
                    client.census();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "asking node '" + node + "' for a census failed", e);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false; // closed meanwhile
        }
    }

    private static HeapPicture heapPicture(MonitorMessage.Heap census, PageOwnership.Picture pages) {
        return census == null ? null : HeapPicture.of(census.node(), census.census(), pages);
    }

    /** Memory events applied so far. */
    public long eventsApplied() {
        synchronized (lock) {
            return applied;
        }
    }

    /** Calls {@code listener} (on the monitor's thread) after every refresh that changed something. */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** Disconnects; the model and the last picture stay, for a look after the run. */
    @Override
    public void close() {
        closed = true;
        try {
            stopRecording();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "recording of cluster '" + cluster + "' failed: " + e.getMessage());
        }
        thread.shutdownNow();
        clients.values().forEach(MonitorClient::close);
        clients.clear();
    }

    private void round() {
        try {
            connectMissing();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "monitor of cluster '" + cluster + "': connecting failed", e);
        }
        refreshSafely();
        Set<String> up = connected();
        if (!up.isEmpty()) {
            lastLiveGroups = groups(up); // what groups() and names() show once the run ends
            lastLiveNames = names(up);
        }
    }

    private void refreshSafely() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "monitor of cluster '" + cluster + "': refresh failed", e);
        }
    }

    private void connectMissing() {
        for (Target target : targets) {
            MonitorClient client = clients.get(target.node());
            if (closed || (client != null && client.isConnected())) {
                continue;
            }
            InetSocketAddress address = addresses.get(target.node());
            if (address == null) {
                failures.put(target.node(), "its monitor has not said where it listens yet");
                continue;
            }
            try {
                MonitorClient connected = MonitorClient.connect(address, cluster, credentials, this::arrived);
                left.remove(target.node()); // it is back
                clients.put(target.node(), connected);
                if (timePaused) {
                    connected.pauseTime(true); // it joins the debug time the others are in
                }
                failures.remove(target.node());
            } catch (IpcException e) {
                failures.put(target.node(), e.getMessage());
            }
        }
    }

    private void arrived(MonitorMessage message) {
        if (message instanceof MonitorMessage.State state) {
            states.put(state.node(), state);
        } else if (message instanceof MonitorMessage.Leaving leaving) {
            left.add(leaving.node());
        } else if (message instanceof MonitorMessage.Durable durable) {
            durabilities.put(durable.node(), durable.durability());
        } else if (message instanceof MonitorMessage.Memory || message instanceof MonitorMessage.Message) {
            eventCounts.computeIfAbsent(message.node(), n -> new AtomicLong())
                    .incrementAndGet();
        }
        if (message instanceof MonitorMessage.Memory || message instanceof MonitorMessage.Message) {
            synchronized (trace) {
                trace.addLast(message);
                if (trace.size() > TRACE_EVENTS) {
                    trace.removeFirst();
                }
            }
        }
        TraceFile.Writer writer = recording;
        if (writer != null) {
            try {
                writer.write(message);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "recording of cluster '" + cluster + "' into " + writer.file()
                        + " failed: " + e.getMessage());
                recording = null;
            }
        }
        synchronized (inbox) {
            inbox.add(message);
        }
    }

    /**
     * Applies what arrived (page tables replace their node's part, events in causal order between
     * them, a census its node's) and publishes a new picture and heap picture; the monitor's thread calls this every
     * {@link #REFRESH_MILLIS}. Returns whether anything arrived.
     */
    public boolean refresh() {
        List<MonitorMessage> batch;
        synchronized (inbox) {
            if (inbox.isEmpty()) {
                return false;
            }
            batch = new ArrayList<>(inbox);
            inbox.clear();
        }
        synchronized (lock) {
            List<MemoryEvent> events = new ArrayList<>();
            for (MonitorMessage m : batch) {
                if (m instanceof MonitorMessage.Memory memory) {
                    events.add(memory.event());
                } else if (m instanceof MonitorMessage.Pages pages) {
                    apply(events);
                    model.replaceNode(pages.node(), pages.pages());
                } else if (m instanceof MonitorMessage.Heap census) {
                    censuses.put(census.node(), census);
                    newestCensus = census;
                }
            }
            apply(events);
        }
        picture = picture(Set.of());
        heap = heapPicture(newestCensus, picture);
        listeners.forEach(Runnable::run);
        return true;
    }

    private void apply(List<MemoryEvent> events) {
        model.applyAll(events);
        applied += events.size();
        events.clear();
    }

    /** A picture of the pages of {@code regions} (all if empty), made now. */
    public PageOwnership.Picture picture(Set<String> regions) {
        List<String> nodes = nodes();
        Set<String> dead = dead(nodes);
        synchronized (lock) {
            return model.picture(nodes, regions, dead);
        }
    }

    /**
     * The nodes that died while others ran on: {@link NodeState#DEAD} while any node is connected;
     * when none is (the run ended), those that had died when one last was.
     */
    private Set<String> dead(List<String> nodes) {
        Set<String> up = connected();
        if (up.isEmpty()) {
            return lastDead;
        }
        // as nodeState says, once for all nodes: neither connected nor a member for a connected node
        Set<String> seen = new HashSet<>(up);
        states.values().stream().filter(s -> up.contains(s.node())).forEach(s -> seen.addAll(s.members()));
        Set<String> dead = nodes.stream().filter(n -> !seen.contains(n)).collect(Collectors.toSet());
        lastDead = dead;
        return dead;
    }
}
