package demo.scheduler;

import dev.iris.runtime.GroupReplies;
import dev.iris.runtime.Kernel;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.ReplyMode;
import dev.iris.runtime.launch.ClusterSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Runs the scheduler on the cluster {@code local} (see ClusterSession): a client places nine jobs, each on the
 * least-loaded node. For each job it asks every program manager at once (a group send that returns
 * the first reply) and collects the other replies with GetReply, as V's remote execution did; then
 * it sends the job to the manager with the fewest jobs (ties go to the first node by name).
 */
public final class Main {
    static final int JOBS = 9;

    private Main() {
    }

    /** What the client saw, one line per step. */
    public static String run() throws Exception {
        try (ClusterSession cluster = SchedulerSystem.open(SchedulerSystem.LOCAL,
                new SchedulerSystem.Handlers(ProgramManager::new))) {
            // embedded, from the last node; in a launch with a JVM per node, from the client node
            return cluster.nodes().get(cluster.nodes().size() - 1).call("client", Duration.ofSeconds(30), Main::client);
        }
    }

    /** The client: runs on any node of the cluster (embedded, or a client node of exported bundles). */
    public static String client(Kernel k) throws InterruptedException {
        Duration timeout = Duration.ofSeconds(10);
        List<String> placed = new ArrayList<>();
        for (long id = 1; id <= JOBS; id++) {
            GroupReplies first = k.sendGroup(SchedulerSystem.PROGRAM_MANAGERS, new LoadQuery(), ReplyMode.FIRST, timeout);
            List<GroupReplies.Reply> loads = new ArrayList<>(first.replies());
            for (GroupReplies.Reply more; (more = k.getReply(timeout)) != null; ) {
                loads.add(more);
            }
            GroupReplies.Reply least = loads.stream().min(Comparator
                    .comparingInt((GroupReplies.Reply r) -> ((Load) r.message()).jobs())
                    .thenComparing(r -> ((Load) r.message()).node())).orElseThrow();
            ProcessId manager = least.from();
            Started started = (Started) k.send(manager, new Job(id), timeout);
            placed.add("job " + id + " on " + started.node() + " (" + loads.size() + " loads asked)");
        }
        GroupReplies drained = k.sendGroup(SchedulerSystem.PROGRAM_MANAGERS, new Drain(), ReplyMode.ALL, timeout);
        TreeMap<String, String> ran = new TreeMap<>();
        for (GroupReplies.Reply r : drained.replies()) {
            Ran report = (Ran) r.message();
            ran.put(report.node(), Arrays.toString(report.jobs()));
        }
        return String.join("\n", placed) + "\nran: " + ran;
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run());
    }
}
