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
            String home) {
        MemoryConfig memory = MemoryConfig.of(List.of(new MemoryConfig.Region(REGION, (long) pages * PAGE,
                Consistency.SEQUENTIAL, home.equals("-") ? null : home))).withManagers(managers);
        List<InetSocketAddress> seedAddresses = new ArrayList<>();
        seeds.forEach(p -> seedAddresses.add(IrisPeer.loopback(p)));
        return NodeConfig.of(name, "bench-dsm", IrisPeer.loopback(port), seedAddresses).withMemory(memory);
    }

    /**
     * Member: {@code dsm <name> <port, 0: any> <seed ports, or -> <managers> <pages> <home, or ->};
     * its READY line says the port it bound.
     */
    static Member.Commands member(String[] args) {
        List<Integer> seeds = args[2].equals("-") ? List.of() : JGroupsPeer.ports(args[2]);
        int pages = Integer.parseInt(args[4]);
        Node node = Node.start(config(args[0], Integer.parseInt(args[1]), seeds, List.of(args[3].split(",")), pages,
                args[5]), Codecs.of());
        SharedMemory memory = node.memory();
        long base = memory.region(REGION).base();
        Member.Commands commands = command -> switch (command[0]) {
            case "await" -> {
                if (!node.awaitMembers(Integer.parseInt(command[1]), Duration.ofSeconds(60))) {
                    throw new IllegalStateException(args[0] + " sees " + node.members());
                }
                yield "";
            }
            case "own" -> {
                for (int p = 0; p < pages; p++) {
                    memory.setLong(base + (long) p * PAGE, memory.getLong(base + (long) p * PAGE) + 1);
                }
                yield String.valueOf(pages);
            }
            case "mix" -> String.valueOf(Measure.mix(new Measure.Slots() {
                @Override
                public void read(int slot, byte[] into) {
                    memory.read(base + (long) slot * PAGE, into, 0, PAGE);
                }

                @Override
                public void write(int slot, byte[] from) {
                    memory.write(base + (long) slot * PAGE, from, 0, PAGE);
                }
            }, pages, Integer.parseInt(command[1]), Integer.parseInt(command[2]), Long.parseLong(command[3])));
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
}
