package demo.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.cli.LocalBundles;
import dev.iris.runtime.Kernel;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeId;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.dsm.MemoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index as exported node JVMs of cluster {@code backed} (backup copies of every page) on
 * loopback TCP: three clients put and delete keys of their own through random indexers while the
 * heap is collected again and again, and one node's JVM is killed with SIGKILL in the middle. A
 * request whose answer is lost is sent again, to a live indexer, until one answers (puts and
 * deletes can be repeated), so at the end the index must hold exactly what each client's history
 * says: no entry that a confirmed put linked is lost with the dead node's pages, none is freed
 * while reachable. The node killed is not the one that manages the index's lock (a lock does not
 * outlive its manager yet).
 */
class NodeKilledTest {
    private static final int CLIENTS = 3;
    private static final List<String> NODES = List.of("b1", "b2", "b3");

    @Test
    @Timeout(300)
    void noConfirmedPutIsLostWhenANodeIsKilled(@TempDir Path out) throws Exception {
        // the lock's manager is managers[hash(name) mod managers], the managers being the nodes in order
        String lockManager = NODES.get(Math.floorMod(NodeId.of(Index.REGION).number(), NODES.size()));
        int killed = NODES.indexOf(lockManager) == 2 ? 1 : 2;
        try (LocalBundles cluster = LocalBundles.start(Path.of("."), "backed", out)) {
            Node client = cluster.client("client", IndexSystem.codecs(), IndexSystem.memory(IndexSystem.BACKED));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicBoolean dead = new AtomicBoolean();
            CountDownLatch warm = new CountDownLatch(150);
            CountDownLatch after = new CountDownLatch(150); // counted once the node is dead
            AtomicInteger retried = new AtomicInteger();
            List<CompletableFuture<TreeMap<Long, Long>>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                CompletableFuture<TreeMap<Long, Long>> done = new CompletableFuture<>();
                clients.add(done);
                int me = c;
                client.spawn("client" + c, k -> {
                    try {
                        done.complete(changes(k, me, stop, retried, () -> (dead.get() ? after : warm).countDown()));
                    } catch (Throwable t) {
                        done.completeExceptionally(t);
                    }
                });
            }
            AtomicInteger collections = new AtomicInteger();
            CompletableFuture<Void> collecting = CompletableFuture.runAsync(() -> {
                while (!stop.get()) {
                    try {
                        client.memory().heap().collect();
                        collections.incrementAndGet();
                    } catch (MemoryException abandoned) {
                        // a node died during it: it freed nothing it should not have
                    }
                }
            });
            assertTrue(warm.await(120, TimeUnit.SECONDS), "changes are under way");
            cluster.kill(killed);
            dead.set(true);
            assertTrue(after.await(120, TimeUnit.SECONDS), "the survivors go on after " + NODES.get(killed) + " died");
            stop.set(true);
            TreeMap<Long, Long> expected = new TreeMap<>();
            for (CompletableFuture<TreeMap<Long, Long>> c : clients) {
                expected.putAll(c.get(120, TimeUnit.SECONDS));
            }
            collecting.get(120, TimeUnit.SECONDS);
            assertTrue(collections.get() > 0, "collections ran alongside");
            Found all = client.call("auditor", Duration.ofSeconds(60), k -> (Found) k.send(live(k).get(0),
                    new Range(Long.MIN_VALUE + 1, Long.MAX_VALUE), Duration.ofSeconds(30)));
            System.out.printf("index NodeKilledTest: %d keys, %d requests sent again, %d collections, %s killed%n",
                    expected.size(), retried.get(), collections.get(), NODES.get(killed));
            assertEquals(expected.size(), all.count(), "the keys the clients' histories leave");
            assertEquals(expected.values().stream().mapToLong(Long::longValue).sum(), all.sum(), "their values");
        }
    }

    /** The indexers that are members now (a dead node's left the group). */
    private static List<ProcessId> live(Kernel k) {
        return List.copyOf(k.members(IndexSystem.INDEXERS));
    }

    /**
     * Puts and deletes keys of client {@code me} (keys equal to it modulo 3) until told to stop,
     * each sent again to a live indexer until one answers; returns what the index holds of them.
     */
    private static TreeMap<Long, Long> changes(Kernel k, int me, AtomicBoolean stop, AtomicInteger retried,
            Runnable counted) {
        SplittableRandom random = new SplittableRandom(me + 1);
        TreeMap<Long, Long> mine = new TreeMap<>();
        while (!stop.get()) {
            long key = 3L * random.nextInt(200) + me;
            boolean delete = random.nextInt(4) == 0;
            long value = random.nextInt(1_000_000);
            Object request = delete ? new Delete(key) : new Put(key, value);
            for (int attempt = 0; ; attempt++) {
                List<ProcessId> indexers = live(k);
                try {
                    if (k.send(indexers.get(random.nextInt(indexers.size())), request, Duration.ofSeconds(30))
                            instanceof Done) {
                        break;
                    }
                } catch (RuntimeException lost) {
                    // the indexer's node died, or its memory access failed while pages found new owners
                }
                retried.incrementAndGet();
                if (attempt == 20) {
                    throw new AssertionError("no indexer answered " + request + " in 20 attempts");
                }
            }
            if (delete) {
                mine.remove(key);
            } else {
                mine.put(key, value);
            }
            counted.run();
        }
        return mine;
    }
}
