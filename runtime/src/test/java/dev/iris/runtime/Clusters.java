package dev.iris.runtime;

import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.PageManagement;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Test fixtures: a cluster over one of the two transports, and running code as a process. */
final class Clusters {
    /** Every transport with every page manager, for a parameterized shared memory test. */
    static Stream<Arguments> transportsAndManagers() {
        List<Arguments> all = new ArrayList<>();
        for (Transport t : Transport.values()) {
            for (PageManagement m : PageManagement.values()) {
                all.add(Arguments.of(t, m));
            }
        }
        return all.stream();
    }

    /** Writes one frame the way a node does, by hand (for tests that play a hostile peer); releases the payload. */
    static void writeFrame(java.io.DataOutputStream out, dev.iris.runtime.transport.FrameKind kind,
            io.netty.buffer.ByteBuf payload) throws java.io.IOException {
        out.writeInt(dev.iris.runtime.transport.Frame.HEADER_BYTES + payload.readableBytes());
        out.writeByte(dev.iris.runtime.transport.Frame.VERSION);
        out.writeByte(kind.code());
        out.writeShort(0);
        payload.readBytes(out, payload.readableBytes());
        payload.release();
    }

    private Clusters() {
    }

    /** A started cluster whose nodes all see each other. */
    interface TestCluster extends AutoCloseable {
        Node node(int i);

        /** Starts one more node, seeded with node 0 only. */
        Node join(String name);

        @Override
        void close();
    }

    /** The transports every scenario runs over. */
    enum Transport {
        IN_JVM {
            @Override
            TestCluster start(int size, Codecs codecs, MemoryConfig memory, UnaryOperator<NodeConfig> configure) {
                EmbeddedCluster cluster = EmbeddedCluster.start("test", names(size), codecs, memory, configure);
                return new TestCluster() {
                    @Override
                    public Node node(int i) {
                        return cluster.node(i);
                    }

                    @Override
                    public Node join(String name) {
                        return cluster.addNode(name);
                    }

                    @Override
                    public void close() {
                        cluster.close();
                    }
                };
            }
        },
        TCP {
            @Override
            TestCluster start(int size, Codecs codecs, MemoryConfig memory, UnaryOperator<NodeConfig> configure)
                    throws InterruptedException {
                MemoryConfig shared = memory.managers().isEmpty() ? memory.withManagers(names(size)) : memory;
                List<Node> nodes = new ArrayList<>();
                TestCluster cluster = new TestCluster() {
                    @Override
                    public Node node(int i) {
                        return nodes.get(i);
                    }

                    @Override
                    public Node join(String name) {
                        List<java.net.SocketAddress> seeds = nodes.isEmpty() ? List.of()
                                : List.of(Node.parse(nodes.get(0).address()));
                        Node node = Node.start(configure.apply(NodeConfig.of(name, "test",
                                new InetSocketAddress("127.0.0.1", 0), seeds).withMemory(shared)), codecs);
                        nodes.add(node);
                        return node;
                    }

                    @Override
                    public void close() {
                        nodes.forEach(Node::close);
                    }
                };
                for (int i = 1; i <= size; i++) {
                    cluster.join("node" + i);
                }
                for (Node node : nodes) {
                    if (!node.awaitMembers(size, Duration.ofSeconds(10))) {
                        cluster.close();
                        throw new AssertionError(node.id() + " sees only " + node.members());
                    }
                }
                return cluster;
            }
        };

        /** Starts {@code size} nodes, each with the configuration {@code configure} makes of the default. */
        abstract TestCluster start(int size, Codecs codecs, MemoryConfig memory, UnaryOperator<NodeConfig> configure)
                throws InterruptedException;

        TestCluster start(int size, Codecs codecs, MemoryConfig memory) throws InterruptedException {
            return start(size, codecs, memory, UnaryOperator.identity());
        }

        TestCluster start(int size, Codecs codecs) throws InterruptedException {
            return start(size, codecs, MemoryConfig.NONE);
        }
    }

    /** node1..nodeN. */
    static List<String> names(int size) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            names.add("node" + i);
        }
        return names;
    }

    /** Runs {@code call} as a process on {@code node} and returns its result (or throws its exception). */
    static <T> T call(Node node, ProcessFunction<T> call) throws Exception {
        return node.call("test-call", Duration.ofSeconds(30), call);
    }

    /** A server process that answers every request with {@code answer(message)}. */
    static ProcessId server(Node node, java.util.function.Function<Object, Object> answer) {
        return node.spawn("server", k -> {
            while (true) {
                Request r = k.receive();
                k.reply(r, answer.apply(r.message()));
            }
        });
    }
}
