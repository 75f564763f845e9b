package dev.iris.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A persistent memory across three node JVMs, every one of them killed (SIGKILL) at a random moment
 * while twelve writers on them write, then all started again from the same data directories, round
 * after round: every write that returned is there (at most the one each writer had under way when
 * killed is there too, and nothing else), the counter every writer adds to has every add that
 * returned, transfers between accounts on two pages, in transactions, add up and are all there, and
 * a list on the shared heap, pushed onto from every node while one node collects the heap, has
 * every cell whose push returned and no freed one, and a release-consistent tally raised under a
 * lock has every raise whose release returned. With backup copies of pages too (fewer rounds),
 * and every third restart with one node's data directory wiped (not the home of the tally, which
 * has no backup copies): a write that returned is on two nodes' disks.
 */
@Timeout(600)
class CrashRestartTest {
    /** Rounds without backup copies; with them, {@link #BACKUP_ROUNDS}. */
    private static final int ROUNDS = 20;
    private static final int BACKUP_ROUNDS = 3;

    private record NodeJvm(java.lang.Process process, BlockingQueue<String> lines, Thread reader) {
        void tell(String line) throws IOException {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }

        String next(String prefix) throws InterruptedException {
            for (String l; (l = lines.poll(60, TimeUnit.SECONDS)) != null; ) {
                if (l.startsWith(prefix)) {
                    return l;
                }
            }
            throw new AssertionError("node JVM did not print " + prefix + "..." + (process.isAlive() ? ""
                    : " (it exited with " + process.exitValue() + ")"));
        }
    }

    @TempDir
    Path data;
    private final List<java.lang.Process> jvms = new ArrayList<>();
    private Node seed;

    @AfterEach
    void stop() {
        jvms.forEach(java.lang.Process::destroyForcibly);
        if (seed != null) {
            seed.close();
        }
    }

    private NodeJvm start(int index, boolean backup) throws IOException {
        String name = "jvm" + (index + 1);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        java.lang.Process p = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), DurableNodeMain.class.getName(), name, "crash", seed.address(),
                data.resolve(name).toString(), String.valueOf(index), backup ? "backup" : "plain").redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        jvms.add(p);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the JVM is gone
            }
        });
        return new NodeJvm(p, lines, reader);
    }

    /**
     * Notes a write that returned in {@code acked}, a push that returned in {@code pushed} and a
     * release of the tally that returned in {@code tallied};
     * returns 1 for an add that returned, else 0.
     */
    private static int absorb(String line, long[] acked, Set<Long> pushed, long[] tallied) {
        assertTrue(!line.startsWith("FAILED "), line);
        tallied[0] += line.equals("TALLIED") ? 1 : 0;
        if (line.startsWith("ACK ")) {
            String[] ack = line.split(" ");
            int slot = Integer.parseInt(ack[1]);
            acked[slot] = Math.max(acked[slot], Long.parseLong(ack[2]));
        } else if (line.startsWith("PUSHED ")) {
            pushed.add(Long.parseLong(line.substring(7)));
        }
        return line.equals("ADD") ? 1 : 0;
    }

    @ParameterizedTest(name = "backup copies {0}")
    @ValueSource(booleans = {false, true})
    void everyWriteThatReturnedSurvivesTheDeathOfEveryNode(boolean backup) throws Exception {
        int rounds = backup ? BACKUP_ROUNDS : ROUNDS;
        // the node JVMs find each other through this one, which has no share in their memory
        seed = Node.start(NodeConfig.of("seed", "crash", new InetSocketAddress("127.0.0.1", 0), List.of()),
                Codecs.of());
        long[] acked = new long[DurableNodeMain.SLOTS];
        Set<Long> pushed = new HashSet<>();
        long[] tallied = {0};
        long adds = 0;
        long moves = 0;
        int writersUnderWay = DurableNodeMain.SLOTS;
        for (int round = 1; round <= rounds + 1; round++) {
            if (backup && round % 3 == 0) { // jvm2 or jvm3 lost its disk
                Files.delete(data.resolve("jvm" + (2 + round / 3 % 2)).resolve("pages.log"));
            }
            List<NodeJvm> nodes = new ArrayList<>();
            for (int i = 0; i < DurableNodeMain.NODES; i++) {
                nodes.add(start(i, backup));
            }
            for (NodeJvm node : nodes) {
                node.next("READY");
            }
            long[] values = null;
            List<Long> list = null;
            long tally = -1;
            for (NodeJvm node : nodes) {
                node.tell("read");
                long[] read = Arrays.stream(node.next("VALUES").split(" ")).skip(1).mapToLong(Long::parseLong)
                        .toArray();
                List<Long> cells = Arrays.stream(node.next("LIST").split(" ")).skip(1).map(Long::valueOf).toList();
                long tallyRead = Long.parseLong(node.next("TALLY ").substring(6));
                assertTrue(tally < 0 || tally == tallyRead, "every node reads the same tally: " + tally + ", "
                        + tallyRead);
                tally = tallyRead;
                if (values != null) {
                    assertEquals(Arrays.toString(values), Arrays.toString(read), "every node reads the same");
                    assertEquals(list, cells, "every node walks the same list");
                }
                values = read;
                list = cells;
            }
            int kill = round - 1;
            Set<Long> cells = new HashSet<>(list);
            assertEquals(list.size(), cells.size(), () -> "after kill " + kill + " the list has a cell twice");
            Set<Long> lost = new HashSet<>(pushed);
            lost.removeAll(cells);
            assertTrue(lost.isEmpty(), () -> "after kill " + kill + " the list lacks pushed cells " + lost);
            assertTrue(cells.size() - pushed.size() <= DurableNodeMain.NODES, () -> "after kill " + kill + " the list "
                    + "has " + (cells.size() - pushed.size()) + " cells more than the pushes that returned");
            pushed.addAll(cells);
            long counted = tally;
            assertTrue(counted >= tallied[0] && counted <= tallied[0] + DurableNodeMain.NODES, () -> "after kill " + kill
                    + " the release-consistent tally is " + counted + " after " + tallied[0] + " releases returned");
            tallied[0] = counted;
            for (int s = 0; s < DurableNodeMain.SLOTS; s++) {
                long value = values[s];
                int slot = s;
                assertTrue(value == acked[s] || value == acked[s] + 1, () -> "after kill " + kill + ", slot " + slot
                        + " holds " + value + ": its last write that returned wrote " + acked[slot]);
                acked[s] = value;
            }
            long counter = values[DurableNodeMain.SLOTS];
            long returned = adds;
            int underWay = writersUnderWay;
            assertTrue(counter >= returned && counter <= returned + underWay, () -> "the counter holds " + counter
                    + " after " + returned + " adds returned and " + underWay + " were under way");
            adds = counter;
            long[] vault = Arrays.copyOfRange(values, DurableNodeMain.SLOTS + 1, values.length);
            assertEquals(0, Arrays.stream(vault, 0, DurableNodeMain.ACCOUNTS).sum(), () -> "after kill " + kill
                    + " the vault's accounts do not add up: " + Arrays.toString(vault));
            long transfers = vault[DurableNodeMain.ACCOUNTS];
            long committed = moves;
            assertTrue(transfers >= committed && transfers <= committed + DurableNodeMain.NODES, () -> "the vault "
                    + "counts " + transfers + " transfers after " + committed + " commits returned");
            moves = transfers;
            if (round > rounds) {
                break;
            }
            for (NodeJvm node : nodes) {
                node.tell("write");
            }
            // kill them all once a random number of writes returned: a random moment of the writing
            int writes = ThreadLocalRandom.current().nextInt(1, 60);
            NodeJvm watched = nodes.get(round % DurableNodeMain.NODES);
            for (int seen = 0; seen < writes; ) {
                String line = watched.lines().poll(60, TimeUnit.SECONDS);
                assertTrue(line != null, "node JVM wrote nothing for 60 s");
                adds += absorb(line, acked, pushed, tallied);
                moves += line.equals("MOVED") ? 1 : 0;
                seen += line.startsWith("ACK ") ? 1 : 0;
            }
            for (NodeJvm node : nodes) {
                node.process().destroyForcibly();
            }
            for (NodeJvm node : nodes) {
                assertTrue(node.process().waitFor(30, TimeUnit.SECONDS));
                node.reader().join(); // every line it printed before it died is in
                for (String line; (line = node.lines().poll()) != null; ) {
                    adds += absorb(line, acked, pushed, tallied);
                    moves += line.equals("MOVED") ? 1 : 0;
                }
            }
            jvms.clear();
        }
        assertTrue(Arrays.stream(acked).sum() > 0 && moves > 0 && !pushed.isEmpty() && tallied[0] > 0,
                "writes, transfers, pushes and releases happened");
    }
}
