package demo.index;

import dev.iris.runtime.Kernel;
import dev.iris.runtime.Node;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.dsm.SharedHeap;
import dev.iris.runtime.launch.ClusterSession;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * Runs the index on a cluster ({@code local}, see ClusterSession): a client puts 300 keys, each
 * through one of the indexers in turn (which allocates the entry on its node's heap pages),
 * deletes every third, asks for a range, and has the heap collected: the deleted entries, which
 * nothing links to any more, are freed, and the index is unchanged.
 */
public final class Main {
    private Main() {
    }

    /** What the client saw on cluster {@code local}, one line per step. */
    public static String run() throws Exception {
        return run(IndexSystem.LOCAL);
    }

    /** What the client saw on {@code cluster}, one line per step. */
    public static String run(IndexSystem.ClusterSpec cluster) throws Exception {
        try (ClusterSession session = IndexSystem.open(cluster, new IndexSystem.Handlers(Indexer::new))) {
            List<Node> nodes = session.nodes();
            return nodes.get(nodes.size() - 1).call("client", Duration.ofSeconds(60), Main::client);
        }
    }

    /** The client: runs on any node of the cluster, and spreads its requests over the indexers. */
    public static String client(Kernel k) {
        Duration timeout = Duration.ofSeconds(10);
        List<ProcessId> indexers = indexers(k);
        int added = 0;
        for (long key = 1; key <= 300; key++) {
            ProcessId to = indexers.get((int) (key % indexers.size()));
            added += ((Done) k.send(to, new Put(key, 10 * key), timeout)).changed() ? 1 : 0;
        }
        int deleted = 0;
        for (long key = 3; key <= 300; key += 3) {
            ProcessId to = indexers.get((int) (key / 3 % indexers.size()));
            deleted += ((Done) k.send(to, new Delete(key), timeout)).changed() ? 1 : 0;
        }
        Found range = (Found) k.send(indexers.get(0), new Range(100, 199), timeout);
        // true: the nodes' JVMs clear the handles the indexers dropped first, so that the count is exact
        SharedHeap.Collection collected = k.memory().heap().collect(true);
        Found again = (Found) k.send(indexers.get(1), new Range(1, 300), timeout);
        return "put 300 keys: " + added + " new\n"
                + "deleted every third: " + deleted + "\n"
                + "keys 100 to 199: " + range.count() + ", values adding up to " + range.sum() + "\n"
                + "a collection freed " + collected.freed() + " entries\n"
                + "keys 1 to 300 after it: " + again.count() + ", values adding up to " + again.sum();
    }

    /**
     * The members of the indexers' group, in a fixed order. (A send to the group itself would reach
     * every member, the first reply answering: each indexer would do every put.)
     */
    static List<ProcessId> indexers(Kernel k) {
        return k.members(IndexSystem.INDEXERS).stream().sorted(Comparator.comparingLong(ProcessId::value)).toList();
    }

    /** Runs the client on cluster {@code local}, or on the cluster named by the first argument ({@code durable}). */
    public static void main(String[] args) throws Exception {
        String name = args.length == 0 ? "local" : args[0];
        IndexSystem.ClusterSpec cluster = IndexSystem.CLUSTERS.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no cluster '" + name + "'; the clusters are "
                        + IndexSystem.CLUSTERS.stream().map(IndexSystem.ClusterSpec::name).toList()));
        System.out.println(run(cluster));
    }
}
