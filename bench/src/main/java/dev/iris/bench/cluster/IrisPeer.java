package dev.iris.bench.cluster;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.Dispatch;
import dev.iris.runtime.GroupReplies;
import dev.iris.runtime.Kernel;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeConfig;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.ReplyMode;
import dev.iris.runtime.security.ClusterAuthority;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Iris: each member node runs one process that joins well-known group 1 and replies to each
 * request with its payload; the client node's processes group-send to it.
 */
final class IrisPeer {
    static final ProcessId GROUP = ProcessId.wellKnownGroup(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private IrisPeer() {
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** The port {@code node} listens on ({@link Node#address()} is {@code host:port}). */
    static int port(Node node) {
        return Integer.parseInt(node.address().substring(node.address().lastIndexOf(':') + 1));
    }

    /**
     * Member: {@code iris <name> <port> <seed port> [authority dir: mutual TLS]}; its echo process's
     * handler runs where {@code dispatch} says.
     */
    static Member.Commands member(String[] args, Dispatch dispatch, int eventLoops) throws Exception {
        NodeConfig config = NodeConfig.of(args[0], "bench", loopback(Integer.parseInt(args[1])),
                List.of(loopback(Integer.parseInt(args[2])))).withEventLoops(eventLoops);
        if (args.length > 3) {
            config = config.withCredentials(ClusterAuthority.read(Path.of(args[3])).issue(args[0]));
        }
        Node node = Node.start(config, Codecs.of());
        CountDownLatch joined = new CountDownLatch(1);
        node.spawn("echo", echo(joined, dispatch));
        if (!joined.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(args[0] + " could not join the group within 60 s");
        }
        return command -> {
            throw new IllegalArgumentException("no commands");
        };
    }

    /**
     * A group member that joins {@link #GROUP}, counts {@code joined} down and answers every request
     * with its message, its handler running where {@code dispatch} says.
     */
    static dev.iris.runtime.ProcessBody echo(CountDownLatch joined, Dispatch dispatch) {
        return k -> {
            k.join(GROUP);
            joined.countDown();
            k.serve(r -> k.reply(r, r.message()), dispatch);
        };
    }

    /**
     * Client JVM: {@code iris-client <system> [authority dir: mutual TLS]}, the client node on a port
     * of its own, which its READY line says and the members use as their seed; one more command,
     * {@code await-group MEMBERS}. System "iris-1loop" runs one event loop, "iris-async" sends from
     * one process asynchronously, its latency and its throughput's requests in flight
     * ({@link Client#async}).
     */
    static Member.Commands client(String[] args) throws Exception {
        String system = args[0];
        Node node = Client.start(0, args.length > 1 ? ClusterAuthority.read(Path.of(args[1])) : null,
                system.equals("iris-1loop") ? 1 : 2, system.equals("iris-loop"));
        Driver.Group group = new Driver.Group() {
            @Override
            public Histogram latency(int payload, boolean all, Measure.Durations d, Wakeups wakeups) throws Exception {
                Client client = new Client(node, payload, all ? ReplyMode.ALL : ReplyMode.FIRST);
                return system.equals("iris-async") ? client.asyncLatency(d, wakeups) : client.latency(d, wakeups);
            }

            @Override
            public Measure.Load load(int payload, boolean all) {
                Client client = new Client(node, payload, all ? ReplyMode.ALL : ReplyMode.FIRST);
                return system.equals("iris-async") ? client.async(new AtomicReference<>()) : client;
            }
        };
        return Driver.commands(group, String.valueOf(port(node)), command -> {
            if (!command[0].equals("await-group")) {
                return Driver.none(command);
            }
            Client.awaitGroup(node, Integer.parseInt(command[1]));
            return "";
        });
    }

    /** The client node; members use it as their seed. */
    static final class Client implements Measure.Load {
        private final Node node;
        private final byte[] payload;
        private final ReplyMode mode;
        private volatile boolean running;
        private CountDownLatch exited;

        Client(Node node, int payloadBytes, ReplyMode mode) {
            this.node = node;
            this.payload = new byte[payloadBytes];
            this.mode = mode;
        }

        /** The client node; with an {@code authority}, it and the members talk mutual TLS. */
        static Node start(int port, ClusterAuthority authority, int eventLoops, boolean processesOnEventLoop) {
            NodeConfig config = NodeConfig.of("client", "bench", loopback(port), List.of()).withEventLoops(eventLoops)
                    .withProcessesOnEventLoop(processesOnEventLoop);
            return Node.start(authority == null ? config : config.withCredentials(authority.issue("client")),
                    Codecs.of());
        }

        /** Waits until {@code members} member nodes are up and in the group. */
        static void awaitGroup(Node node, int members) throws Exception {
            if (!node.awaitMembers(members + 1, Duration.ofSeconds(60))) {
                throw new IllegalStateException("Iris: " + node.members() + " instead of " + (members + 1) + " nodes");
            }
            boolean joined = node.call("await-group", Duration.ofSeconds(70), k -> k.awaitMembers(GROUP, members,
                    Duration.ofSeconds(60)));
            if (!joined) {
                throw new IllegalStateException("Iris: the group has " + node.call("members", Duration.ofSeconds(10),
                        k -> k.members(GROUP)) + " instead of " + members + " members");
            }
        }

        private void request(Kernel k) {
            GroupReplies replies = k.sendGroup(GROUP, payload, mode, TIMEOUT);
            if (!replies.satisfied()) {
                throw new IllegalStateException("group send not satisfied: " + replies);
            }
        }

        Histogram latency(Measure.Durations d, Wakeups wakeups) throws Exception {
            return node.call("latency", Duration.ofMinutes(10), k -> Measure.latency(() -> request(k), d, wakeups));
        }

        /**
         * The latency of {@link Kernel#sendGroupAsync} with one request in flight, measured as raw
         * Netty's client measures its own: each completion records its send's time and issues the next.
         */
        Histogram asyncLatency(Measure.Durations d, Wakeups wakeups) throws Exception {
            AtomicReference<Measure.Recording> recording = new AtomicReference<>();
            Measure.Load load = async(recording);
            load.start(1, new LongAdder());
            TimeUnit.MILLISECONDS.sleep(d.warmupMillis());
            Measure.Recording r = new Measure.Recording();
            recording.set(r);
            wakeups.start();
            r.await(d);
            recording.set(null);
            wakeups.stop();
            load.stop();
            return r.histogram;
        }

        /**
         * The load of one process keeping {@code inFlight} group sends going with
         * {@link Kernel#sendGroupAsync}: each completion (on the event loop that read the last reply
         * it needed) issues the next send from there, and records its latency in {@code recording}'s
         * histogram while there is one.
         */
        Measure.Load async(AtomicReference<Measure.Recording> recording) {
            return new Measure.Load() {
                private final AtomicInteger chains = new AtomicInteger();
                private final CountDownLatch stopped = new CountDownLatch(1);
                private volatile boolean going;

                @Override
                public void start(int inFlight, LongAdder done) {
                    going = true;
                    chains.set(inFlight);
                    node.spawn("async-load", k -> {
                        for (int i = 0; i < inFlight; i++) {
                            next(k, done);
                        }
                    });
                }

                private void next(Kernel k, LongAdder done) {
                    long sent = System.nanoTime();
                    k.sendGroupAsync(GROUP, payload, mode, TIMEOUT).whenComplete((replies, failure) -> {
                        if (failure != null || !replies.satisfied()) {
                            System.err.println("Iris async group send failed: " + (failure != null ? failure : replies));
                        } else {
                            done.increment();
                            Measure.Recording r = recording.get();
                            if (r != null) {
                                r.record(System.nanoTime() - sent);
                            }
                        }
                        if (going && failure == null) {
                            next(k, done);
                        } else if (chains.decrementAndGet() == 0) {
                            stopped.countDown();
                        }
                    });
                }

                @Override
                public void stop() throws InterruptedException {
                    going = false;
                    if (!stopped.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("Iris: async group sends still in flight after 30 s");
                    }
                }
            };
        }

        @Override
        public void start(int inFlight, LongAdder done) {
            running = true;
            exited = new CountDownLatch(inFlight);
            for (int i = 0; i < inFlight; i++) {
                node.spawn("load-" + i, k -> {
                    try {
                        while (running) {
                            request(k);
                            done.increment();
                        }
                    } finally {
                        exited.countDown();
                    }
                });
            }
        }

        @Override
        public void stop() throws InterruptedException {
            running = false;
            if (!exited.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Iris: load processes still running after 30 s");
            }
        }
    }
}
