package demo.index;

import dev.iris.runtime.Kernel;
import dev.iris.runtime.dsm.SharedHeap;
import dev.iris.runtime.launch.ClusterSession;
import java.time.Duration;

/**
 * Runs the index on the cluster {@code local} (see ClusterSession): a client puts 300 keys through
 * the indexers' group (whichever indexer answers allocates the entry on its node's heap pages),
 * deletes every third, asks for a range, and has the heap collected: the deleted entries, which
 * nothing links to any more, are freed, and the index is unchanged.
 */
public final class Main {
    private Main() {
    }

    /** What the client saw, one line per step. */
    public static String run() throws Exception {
        try (ClusterSession cluster = IndexSystem.open(IndexSystem.LOCAL, new IndexSystem.Handlers(Indexer::new))) {
            return cluster.nodes().get(cluster.nodes().size() - 1).call("client", Duration.ofSeconds(60), Main::client);
        }
    }

    /** The client: runs on any node of the cluster. */
    public static String client(Kernel k) {
        Duration timeout = Duration.ofSeconds(10);
        int added = 0;
        for (long key = 1; key <= 300; key++) {
            added += ((Done) k.send(IndexSystem.INDEXERS, new Put(key, 10 * key), timeout)).changed() ? 1 : 0;
        }
        int deleted = 0;
        for (long key = 3; key <= 300; key += 3) {
            deleted += ((Done) k.send(IndexSystem.INDEXERS, new Delete(key), timeout)).changed() ? 1 : 0;
        }
        Found range = (Found) k.send(IndexSystem.INDEXERS, new Range(100, 199), timeout);
        System.gc(); // the handles the indexers dropped are cleared, so that the count below is exact
        SharedHeap.Collection collected = k.memory().heap().collect();
        Found again = (Found) k.send(IndexSystem.INDEXERS, new Range(1, 300), timeout);
        return "put 300 keys: " + added + " new\n"
                + "deleted every third: " + deleted + "\n"
                + "keys 100 to 199: " + range.count() + ", values adding up to " + range.sum() + "\n"
                + "a collection freed " + collected.freed() + " entries\n"
                + "keys 1 to 300 after it: " + again.count() + ", values adding up to " + again.sum();
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run());
    }
}
