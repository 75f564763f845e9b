package dev.iris.runtime;

import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.DistributedLock;
import dev.iris.runtime.dsm.HeapObject;
import dev.iris.runtime.dsm.HeapType;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryConfig.Region;
import dev.iris.runtime.dsm.PageManagement;
import dev.iris.runtime.dsm.SharedHeap;
import dev.iris.runtime.dsm.SharedMemory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A node JVM of a persistent memory for the crash test: {@code DurableNodeMain NAME CLUSTER SEED
 * DATA-DIRECTORY INDEX backup|plain} (with backup copies of pages or without). Prints {@code
 * READY} with its name and address once started, then obeys lines on its standard input:
 * {@code read} prints {@code VALUES} and every slot's value, then the counter, then the vault's
 * accounts and its count of transfers, read in one transaction (once the memory has opened);
 * {@code write} starts {@link #WRITERS} threads, each of which writes its slot (node {@code INDEX}'s
 * share) with the numbers after its value, one by one, printing {@code ACK slot value} after each
 * write returns, and adds one to the counter, printing {@code ADD} after each add returns; and one
 * thread that moves random amounts between the vault's accounts in transactions that also count
 * the transfer, printing {@code MOVED} after each commit returns; and one that pushes cells onto a
 * list on the shared heap, printing {@code PUSHED value} once a cell is linked, and leaves a cell
 * of garbage every third push, while node 0 collects the heap every tenth. They write until the
 * JVM is killed; and one that adds one to a release-consistent tally under a lock, printing
 * {@code TALLIED} after each unlock returns. {@code read} also walks the list and prints {@code
 * LIST} and its cells' values, and prints {@code TALLY} and the tally.
 */
public final class DurableNodeMain {
    static final int NODES = 3;
    static final int WRITERS = 4;
    static final int SLOTS = NODES * WRITERS;
    /** Vault accounts, on two pages; the word after them counts the transfers. */
    static final int ACCOUNTS = 14;
    /** {@code long value; Cell next}, on the heap; a cell of node {@code i} holds {@code (i + 1) * PUSHES + n}. */
    static final HeapType CELL = HeapType.of("Cell", "heap", 16, 8);
    static final long PUSHES = 1_000_000;

    /** A handle on a cell: keeps it alive from its allocation until it is linked. */
    private static final class Cell extends HeapObject {
        Cell(SharedMemory memory, long address) {
            super(memory, CELL, address);
        }
    }

    private DurableNodeMain() {
    }

    /**
     * 64-byte pages: the twelve slots share two pages, which move between the nodes all the time;
     * with backup copies (under the fixed manager) or without (under the dynamic one).
     */
    static MemoryConfig memory(boolean backup) {
        return MemoryConfig.of(List.of(Region.of("slots", 8 * SLOTS), Region.of("counter", 8),
                new Region("vault", 8 * (ACCOUNTS + 1), Consistency.TRANSACTIONAL, null),
                new Region("list", 8, Consistency.SEQUENTIAL, null).withReferences(List.of(0L)),
                new Region("tally", 8, Consistency.RELEASE, "jvm1"),
                Region.heap("heap", 64 + 512L * 64 * MemoryConfig.HEAP_ARENA_PAGES, Consistency.SEQUENTIAL)))
                .withPageSize(64).withHeapTypes(List.of(CELL))
                .withManagement(backup ? PageManagement.FIXED : PageManagement.DYNAMIC).withBackup(backup)
                .withManagers(List.of("jvm1", "jvm2", "jvm3")).withPersistent(true);
    }

    public static void main(String[] args) throws Exception {
        Node node = Node.start(NodeConfig.of(args[0], args[1], new InetSocketAddress("127.0.0.1", 0),
                List.of(Node.parse(args[2]))).withMemory(memory(args[5].equals("backup")))
                .withDataDirectory(Path.of(args[3])), Codecs.of());
        int index = Integer.parseInt(args[4]);
        PrintStream out = System.out;
        out.println("READY " + args[0] + " " + node.address());
        out.flush();
        SharedMemory m = node.memory();
        long slots = m.region("slots").base();
        long counter = m.region("counter").base();
        long list = m.region("list").base();
        long[] nextPush = {1};
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("read")) {
                StringBuilder values = new StringBuilder("VALUES");
                for (int s = 0; s < SLOTS; s++) {
                    values.append(' ').append(m.getLong(slots + 8L * s));
                }
                values.append(' ').append(m.getLong(counter));
                long vault = m.region("vault").base();
                long[] read = m.transaction(() -> {
                    long[] words = new long[ACCOUNTS + 1];
                    for (int a = 0; a <= ACCOUNTS; a++) {
                        words[a] = m.getLong(vault + 8L * a);
                    }
                    return words;
                });
                for (long word : read) {
                    values.append(' ').append(word);
                }
                out.println(values);
                StringBuilder cells = new StringBuilder("LIST");
                SharedHeap heap = m.heap();
                int walked = 0;
                for (long cell = m.getLong(list); cell != 0 && walked++ < 10 * PUSHES;
                        cell = m.getLong(heap.field(cell, CELL, 8))) {
                    long value = m.getLong(heap.field(cell, CELL, 0)); // fails on a freed cell, naming it
                    cells.append(' ').append(value);
                    if (value / PUSHES == index + 1) {
                        nextPush[0] = Math.max(nextPush[0], value % PUSHES + 1);
                    }
                }
                out.println(cells);
                out.println("TALLY " + tally(m));
            } else if (line.equals("write")) {
                for (int w = 0; w < WRITERS; w++) {
                    int slot = index * WRITERS + w;
                    Thread.ofPlatform().daemon().start(() -> {
                        long address = slots + 8L * slot;
                        for (long value = m.getLong(address) + 1; ; value++) {
                            m.setLong(address, value);
                            synchronized (out) {
                                out.println("ACK " + slot + " " + value);
                                out.flush();
                            }
                            m.getAndAdd(counter, 1);
                            synchronized (out) {
                                out.println("ADD");
                                out.flush();
                            }
                        }
                    });
                }
                Thread.ofPlatform().daemon().start(() -> {
                    long vault = m.region("vault").base();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (true) {
                        long from = vault + 8L * random.nextInt(ACCOUNTS);
                        long to = vault + 8L * random.nextInt(ACCOUNTS);
                        long cents = random.nextLong(1, 100);
                        m.transaction(() -> {
                            m.setLong(from, m.getLong(from) - cents);
                            m.setLong(to, m.getLong(to) + cents);
                            m.setLong(vault + 8L * ACCOUNTS, m.getLong(vault + 8L * ACCOUNTS) + 1);
                        });
                        synchronized (out) {
                            out.println("MOVED");
                            out.flush();
                        }
                    }
                });
                Thread.ofPlatform().daemon().start(() -> {
                    while (true) {
                        DistributedLock lock = m.lock("tally");
                        lock.lock();
                        try {
                            m.setLong(m.region("tally").base(), m.getLong(m.region("tally").base()) + 1);
                        } finally {
                            lock.unlock();
                        }
                        synchronized (out) {
                            out.println("TALLIED");
                            out.flush();
                        }
                    }
                });
                Thread.ofPlatform().daemon().start(() -> {
                    try {
                        push(m, list, index, nextPush[0], out);
                    } catch (RuntimeException e) {
                        synchronized (out) {
                            out.println("FAILED " + e);
                            out.flush();
                        }
                    }
                });
            }
            out.flush();
        }
        node.close();
        System.exit(0);
    }

    /** The release-consistent tally, read under its lock. */
    private static long tally(SharedMemory m) {
        DistributedLock lock = m.lock("tally");
        lock.lock();
        try {
            return m.getLong(m.region("tally").base());
        } finally {
            lock.unlock();
        }
    }

    /** Pushes cells of node {@code index}, numbered from {@code first}, onto the heap's list, until killed. */
    private static void push(SharedMemory m, long list, int index, long first, PrintStream out) {
        SharedHeap heap = m.heap();
        for (long n = first; ; n++) {
            Cell cell = heap.allocate(CELL, 0, a -> new Cell(m, a));
            long value = (index + 1) * PUSHES + n;
            m.setLong(heap.field(cell.address(), CELL, 0), value);
            long head;
            do {
                head = m.getLong(list);
                heap.setReference(heap.field(cell.address(), CELL, 8), head);
            } while (!heap.compareAndSetReference(list, head, cell.address()));
            synchronized (out) {
                out.println("PUSHED " + value);
                out.flush();
            }
            if (n % 3 == 0) {
                heap.allocate(CELL); // garbage: a bare address keeps nothing alive
            }
            if (index == 0 && n % 10 == 0) {
                heap.collect();
            }
        }
    }
}
