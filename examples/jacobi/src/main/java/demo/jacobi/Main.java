package demo.jacobi;

import dev.iris.runtime.GroupReplies;
import dev.iris.runtime.Node;
import dev.iris.runtime.ReplyMode;
import dev.iris.runtime.launch.ClusterSession;
import java.time.Duration;

/**
 * Runs the Jacobi workers on the cluster {@code local} (see ClusterSession) and compares their grid with the
 * same computation on one thread.
 */
public final class Main {
    static final int ITERATIONS = 40;

    private Main() {
    }

    /** What the run showed, one line per fact. */
    public static String run() throws Exception {
        try (ClusterSession cluster = JacobiSystem.open(JacobiSystem.LOCAL, new JacobiSystem.Handlers(Worker::new))) {
            return session(cluster.nodes().get(0)); // embedded, node n1; with a JVM per node, the client node
        }
    }

    /** Solves on the workers from {@code client} (any node of the cluster) and compares with one thread. */
    public static String session(Node client) throws Exception {
        GroupReplies replies = client.call("client", Duration.ofSeconds(90),
                k -> k.sendGroup(JacobiSystem.WORKERS, new Solve(ITERATIONS), ReplyMode.ALL, Duration.ofSeconds(60)));
        double[] grid = null;
        if (!replies.failures().isEmpty()) {
            throw replies.failures().values().iterator().next();
        }
        for (GroupReplies.Reply reply : replies.replies()) {
            if (reply.message() instanceof dev.iris.runtime.HandlerFailure failure) {
                throw new dev.iris.runtime.RemoteHandlerException(failure);
            }
            Solved s = (Solved) reply.message();
            if (s.worker() == 0) {
                grid = s.grid();
            }
        }
        double[] reference = Heat.reference(ITERATIONS);
        double worst = 0;
        for (int i = 0; i < reference.length; i++) {
            worst = Math.max(worst, Math.abs(grid[i] - reference[i]));
        }
        int middle = Heat.N / 2;
        return replies.replies().size() + " workers, " + ITERATIONS + " steps on a " + Heat.N + " x " + Heat.N
                + " grid\n" + "largest difference from one thread: " + worst + "\n"
                + String.format(java.util.Locale.ROOT, "temperature one row below the hot edge, middle: %.4f",
                        grid[Heat.N + middle]);
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run());
    }
}
