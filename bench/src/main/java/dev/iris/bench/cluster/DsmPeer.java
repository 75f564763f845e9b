package dev.iris.bench.cluster;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeConfig;
import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.SharedMemory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Iris's shared memory: one sequentially consistent region of {@code pages} 4 KiB pages (one slot
 * per page), the fixed distributed manager.
 */
final class DsmPeer {
    static final int PAGE = 4096;
    static final String REGION = "slots";

    private DsmPeer() {
    }

    /** The configuration every node of the cluster uses; {@code home} may be "-" for none. */
    static NodeConfig config(String name, int port, List<Integer> seeds, List<String> managers, int pages,
            String home, int eventLoops) {
        MemoryConfig memory = MemoryConfig.of(List.of(new MemoryConfig.Region(REGION, (long) pages * PAGE,
                Consistency.SEQUENTIAL, home.equals("-") ? null : home))).withManagers(managers);
        List<InetSocketAddress> seedAddresses = new ArrayList<>();
        seeds.forEach(p -> seedAddresses.add(IrisPeer.loopback(p)));
        return NodeConfig.of(name, "bench-dsm", IrisPeer.loopback(port), seedAddresses).withMemory(memory)
                .withEventLoops(eventLoops);
    }

    private static String await(Node node, int nodes) throws InterruptedException {
        if (!node.awaitMembers(nodes, Duration.ofSeconds(60))) {
            throw new IllegalStateException(node.config().node() + " sees " + node.members());
        }
        return "";
    }

    /**
     * Client JVM of the fault section: {@code dsm-client <pages> <b's port> [name [loop]]}, node a (or
     * {@code name}), which faults on the pages b owns and manages, from a process on its event loop
     * with {@code loop} ({@link NodeConfig#processesOnEventLoop}). Commands: {@code await NODES}; {@code begin PIDS} starts a
     * histogram and counts the threads woken in this JVM and the JVMs PIDS; {@code pass read|write}
     * accesses every page once from an Iris process (each access a fault when
     * b has taken the pages back), timing each into the histogram, and answers the nanoseconds they took; {@code end} answers {@link Driver#result}.
     */
    static Member.Commands client(String[] args) {
        int pages = Integer.parseInt(args[0]);
        Node node = Node.start(config(args.length > 2 ? args[2] : "a", 0, List.of(Integer.parseInt(args[1])),
                List.of("b"), pages, "b", 2).withProcessesOnEventLoop(args.length > 3 && args[3].equals("loop")),
                Codecs.of());
        SharedMemory memory = node.memory();
        long base = memory.region(REGION).base();
        Histogram[] faults = {Measure.histogram()};
        Wakeups[] wakeups = {new Wakeups(List.of())};
        return command -> switch (command[0]) {
            case "await" -> await(node, Integer.parseInt(command[1]));
            case "begin" -> {
                faults[0] = Measure.histogram();
                wakeups[0] = Driver.wakeups(command[1]);
                yield "";
            }
            case "pass" -> {
                boolean write = command[1].equals("write");
                long[] total = {0};
                wakeups[0].start();
                node.call("faults", Duration.ofMinutes(10), k -> {
                    for (int p = 0; p < pages; p++) {
                        long address = base + (long) p * PAGE;
                        long start = System.nanoTime();
                        if (write) {
                            memory.setLong(address, p);
                        } else {
                            memory.getLong(address);
                        }
                        long t = System.nanoTime() - start;
                        total[0] += t;
                        faults[0].recordValue(Math.max(1_000, t));
                    }
                    return null;
                });
                wakeups[0].stop();
                yield String.valueOf(total[0]);
            }
            case "end" -> Driver.result(faults[0], Double.NaN, wakeups[0].per(faults[0].getTotalCount()));
            default -> Driver.none(command);
        };
    }

    /**
     * Member: {@code dsm <name> <port, 0: any> <seed ports, or -> <managers> <pages> <home, or -> [event loops]}
     * (event loops: 2 unless given); its READY line says the port it bound.
     */
    static Member.Commands member(String[] args) {
        List<Integer> seeds = args[2].equals("-") ? List.of() : JGroupsPeer.ports(args[2]);
        int pages = Integer.parseInt(args[4]);
        Node node = Node.start(config(args[0], Integer.parseInt(args[1]), seeds, List.of(args[3].split(",")), pages,
                args[5], args.length > 6 ? Integer.parseInt(args[6]) : 2), Codecs.of());
        SharedMemory memory = node.memory();
        long base = memory.region(REGION).base();
        Member.Commands commands = command -> switch (command[0]) {
            case "await" -> await(node, Integer.parseInt(command[1]));
            case "own" -> {
                for (int p = 0; p < pages; p++) {
                    memory.setLong(base + (long) p * PAGE, memory.getLong(base + (long) p * PAGE) + 1);
                }
                yield String.valueOf(pages);
            }
            case "mix" -> mix(memory, base, pages, command);
            default -> throw new IllegalArgumentException("unknown command " + command[0]);
        };
        return new Member.Commands() {
            @Override
            public String run(String[] command) throws Exception {
                return commands.run(command);
            }

            @Override
            public String ready() {
                return String.valueOf(IrisPeer.port(node));
            }
        };
    }

    /** {@code mix <read %> <threads> <millis>}: the operations done and the memory frames this member sent meanwhile. */
    private static String mix(SharedMemory memory, long base, int pages, String[] command) throws InterruptedException {
        long frames = memory.messagesSent();
        long ops = Measure.mix(new Measure.Slots() {
            @Override
            public void read(int slot, byte[] into) {
                memory.read(base + (long) slot * PAGE, into, 0, PAGE);
            }

            @Override
            public void write(int slot, byte[] from) {
                memory.write(base + (long) slot * PAGE, from, 0, PAGE);
            }
        }, pages, Integer.parseInt(command[1]), Integer.parseInt(command[2]), Long.parseLong(command[3]));
        return ops + " " + (memory.messagesSent() - frames);
    }
}
