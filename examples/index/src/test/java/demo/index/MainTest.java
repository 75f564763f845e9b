package demo.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Node;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.dsm.HeapCensus;
import dev.iris.runtime.dsm.SharedHeap;
import dev.iris.runtime.launch.ClusterSession;
import dev.iris.runtime.monitor.MonitorMessage;
import dev.iris.runtime.monitor.Recorder;
import dev.iris.runtime.monitor.TraceFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example, compiled from index.iris by xtext-maven-plugin, run on an in-JVM cluster. */
class MainTest {
    /** What the client reports: 67 keys of 100..199 are not multiples of 3, worth 10 times 10,000. */
    static final String EXPECTED = """
            put 300 keys: 300 new
            deleted every third: 100
            keys 100 to 199: 67, values adding up to 100000
            a collection freed 100 entries
            keys 1 to 300 after it: 200, values adding up to 300000""";

    @Test
    void theIndexAnswersAndItsDeletedEntriesAreCollected() throws Exception {
        assertEquals(EXPECTED, Main.run());
    }

    /**
     * A recording of the run (as {@code iris run --record} makes one) holds the census the
     * collecting node took after its collection, which the IDE's Heap view shows: the entries the
     * index still links, and the deleted ones as freed blocks.
     */
    @Test
    void aRecordingHoldsACensusOfTheHeapAfterTheCollection(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("index.iristrace");
        try (Recorder recorder = Recorder.start(trace)) {
            assertEquals(EXPECTED, Main.run());
        }
        List<MonitorMessage.Heap> censuses = TraceFile.read(trace).stream()
                .filter(MonitorMessage.Heap.class::isInstance).map(MonitorMessage.Heap.class::cast).toList();
        assertEquals(1, censuses.size(), "one collection, one census");
        HeapCensus census = censuses.get(0).census();
        assertTrue(census.complete());
        // the 200 keys left and the skip list's head, an entry too
        assertEquals(201, census.blocks().stream().filter(b -> "Entry".equals(b.type())).count());
        assertTrue(census.blocks().stream().filter(HeapCensus.Block::freed).count() >= 100, "the deleted entries");
    }

    /**
     * On the persistent cluster the index outlives the cluster: run again from the same data
     * directories (under IRIS_DATA_DIR, which the build points into target/), only the 100 keys
     * deleted the first time are new, and the heap holds just the entries the index reaches.
     */
    @Test
    void onThePersistentClusterTheIndexOutlivesTheNodes() throws Exception {
        Path data = Path.of(Objects.requireNonNull(System.getenv("IRIS_DATA_DIR"),
                "IRIS_DATA_DIR is not set: examples/index/pom.xml sets it for the tests"));
        if (Files.exists(data)) {
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        assertEquals(EXPECTED, Main.run(IndexSystem.DURABLE));
        assertEquals(EXPECTED.replace("put 300 keys: 300 new", "put 300 keys: 100 new"), Main.run(IndexSystem.DURABLE));
        for (String node : List.of("d1", "d2", "d3")) {
            assertTrue(Files.size(data.resolve(node).resolve("pages.log")) > 4096, node + " logged its pages");
        }
    }

    /**
     * Clients on the three nodes put, replace and delete keys of their own while collections run
     * from every node; at the end the index holds exactly what each client's own history says.
     */
    @Test
    void clientsOnEveryNodeChangeTheIndexWhileCollectionsRun() throws Exception {
        try (ClusterSession cluster = IndexSystem.open(IndexSystem.LOCAL, new IndexSystem.Handlers(Indexer::new));
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Node> nodes = cluster.nodes();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Future<TreeMap<Long, Long>>> clients = new ArrayList<>();
            for (int c = 0; c < nodes.size(); c++) {
                int client = c;
                Node node = nodes.get(c);
                clients.add(pool.submit(() -> node.call("client", Duration.ofSeconds(60), k -> {
                    TreeMap<Long, Long> mine = new TreeMap<>(); // keys of this client: client mod 3
                    Random random = new Random(client);
                    List<ProcessId> indexers = Main.indexers(k);
                    for (int op = 0; op < 300; op++) {
                        long key = 3L * random.nextInt(100) + client;
                        if (random.nextInt(3) == 0) {
                            k.send(indexers.get(random.nextInt(indexers.size())), new Delete(key), Duration.ofSeconds(10));
                            mine.remove(key);
                        } else {
                            long value = random.nextInt(1000);
                            k.send(indexers.get(random.nextInt(indexers.size())), new Put(key, value), Duration.ofSeconds(10));
                            mine.put(key, value);
                        }
                    }
                    return mine;
                })));
            }
            Future<Long> collections = pool.submit(() -> {
                long done = 0;
                while (running.get()) {
                    SharedHeap heap = nodes.get((int) (done % nodes.size())).memory().heap();
                    heap.collect();
                    done++;
                }
                return done;
            });
            TreeMap<Long, Long> expected = new TreeMap<>();
            try {
                for (Future<TreeMap<Long, Long>> client : clients) {
                    expected.putAll(client.get());
                }
            } finally {
                running.set(false);
            }
            assertTrue(collections.get() > 0, "collections ran alongside");
            Found all = nodes.get(0).call("client", Duration.ofSeconds(30),
                    k -> (Found) k.send(IndexSystem.INDEXERS, new Range(Long.MIN_VALUE + 1, Long.MAX_VALUE), Duration.ofSeconds(10)));
            assertEquals(expected.size(), all.count());
            assertEquals(expected.values().stream().mapToLong(Long::longValue).sum(), all.sum());
        }
    }
}
