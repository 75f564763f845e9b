package dev.iris.runtime;

import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.DistributedLock;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryConfig.Region;
import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.dsm.PageManagement;
import dev.iris.runtime.dsm.SharedMemory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A node JVM for the shared-memory end-to-end test: {@code MemoryNodeMain NAME CLUSTER SEED
 * MANAGEMENT}. Prints {@code READY} once started, then obeys lines on its standard input: {@code work N} (once it sees the driver and two other node JVMs:
 * N transfers under the lock {@code bank} and N adds to {@code counter}, then {@code DONE}), {@code own} (writes 3 to {@code jvm3home}, then
 * {@code OWNED}) and {@code sum} ({@code SUM} and the total of the accounts, or {@code SUM failed:} and
 * why). Exits when its standard input closes.
 */
public final class MemoryNodeMain {
    static final int ACCOUNTS = 32;

    private MemoryNodeMain() {
    }

    /** The memory every node of the test uses: 64-byte pages, so the accounts span four pages. */
    static MemoryConfig memory(PageManagement management) {
        return MemoryConfig.of(List.of(Region.of("accounts", 8 * ACCOUNTS), Region.of("counter", 8),
                new Region("jvm3home", 8, Consistency.SEQUENTIAL, "jvm3"))).withPageSize(64)
                .withManagement(management).withManagers(List.of("driver", "jvm1", "jvm2", "jvm3"));
    }

    /** {@code rounds} random transfers under the lock and adds to the counter. */
    static void work(SharedMemory m, int rounds) {
        long accounts = m.region("accounts").base();
        long counter = m.region("counter").base();
        DistributedLock bank = m.lock("bank");
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < rounds; i++) {
            long from = accounts + 8L * random.nextInt(ACCOUNTS);
            long to = accounts + 8L * random.nextInt(ACCOUNTS);
            bank.lock();
            try {
                long amount = random.nextLong(0, 1 + m.getLong(from));
                m.setLong(from, m.getLong(from) - amount);
                m.setLong(to, m.getLong(to) + amount);
            } finally {
                bank.unlock();
            }
            m.getAndAdd(counter, 1);
        }
    }

    private static String sum(SharedMemory m) {
        long accounts = m.region("accounts").base();
        long total = 0;
        try {
            for (int i = 0; i < ACCOUNTS; i++) {
                total += m.getLong(accounts + 8L * i);
            }
            return "SUM " + total;
        } catch (MemoryException e) {
            return "SUM failed: " + e.getMessage();
        }
    }

    public static void main(String[] args) throws Exception {
        Node node = Node.start(NodeConfig.of(args[0], args[1], new InetSocketAddress("127.0.0.1", 0),
                List.of(Node.parse(args[2]))).withMemory(memory(PageManagement.valueOf(args[3]))), Codecs.of());
        System.out.println("READY " + args[0]);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("work ")) {
                if (!node.awaitMembers(4, Duration.ofSeconds(30))) {
                    System.err.println(args[0] + " sees only " + node.members());
                    System.exit(1);
                }
                work(node.memory(), Integer.parseInt(line.substring(5)));
                System.out.println("DONE");
            } else if (line.equals("sum")) {
                System.out.println(sum(node.memory()));
            } else if (line.equals("own")) {
                node.memory().setLong(node.memory().region("jvm3home").base(), 3);
                System.out.println("OWNED");
            }
            System.out.flush();
        }
        node.close();
        System.exit(0);
    }
}
