package dev.iris.runtime;

import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.HeapObject;
import dev.iris.runtime.dsm.HeapType;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryConfig.Region;
import dev.iris.runtime.dsm.SharedMemory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A node JVM for the heap's end-to-end test: {@code HeapNodeMain NAME CLUSTER SEED}. Prints
 * {@code READY} once started, then obeys lines on its standard input: {@code hold N} (allocates N
 * objects on the shared heap and keeps a handle on each, then {@code HELD}) and {@code drop} (lets
 * go of those handles, then {@code DROPPED}). Exits when its standard input closes.
 */
public final class HeapNodeMain {
    /** {@code long value}. */
    static final HeapType CELL = HeapType.of("Cell", "heap", 8);

    private HeapNodeMain() {
    }

    /** A handle on a cell. */
    static final class Cell extends HeapObject {
        Cell(SharedMemory memory, long address) {
            super(memory, CELL, address);
        }
    }

    /** The memory of the test's nodes: a heap of 256-byte pages, managed by the driver and jvm1. */
    static MemoryConfig memory() {
        return MemoryConfig.of(List.of(Region.heap("heap", 256 + 4L * 256 * MemoryConfig.HEAP_ARENA_PAGES,
                Consistency.SEQUENTIAL))).withPageSize(256).withHeapTypes(List.of(CELL))
                .withManagers(List.of("driver", "jvm1"));
    }

    public static void main(String[] args) throws Exception {
        Node node = Node.start(NodeConfig.of(args[0], args[1], new InetSocketAddress("127.0.0.1", 0),
                List.of(Node.parse(args[2]))).withMemory(memory()), Codecs.of());
        SharedMemory memory = node.memory();
        System.out.println("READY " + args[0]);
        System.out.flush();
        List<Cell> held = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("hold ")) {
                for (int i = Integer.parseInt(line.substring(5)); i > 0; i--) {
                    held.add(memory.heap().allocate(CELL, 0, a -> new Cell(memory, a)));
                }
                System.out.println("HELD");
            } else if (line.equals("drop")) {
                held.clear();
                System.out.println("DROPPED");
            }
            System.out.flush();
        }
        node.close();
        System.exit(0);
    }
}
