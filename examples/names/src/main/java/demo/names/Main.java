package demo.names;

import dev.iris.runtime.GroupReplies;
import dev.iris.runtime.ReplyMode;
import dev.iris.runtime.launch.ClusterSession;
import java.time.Duration;

/**
 * Runs the name service on the cluster {@code local} (see ClusterSession): a client registers a name with every
 * name server (group send, all replies), then finds it again by asking the group (first reply).
 */
public final class Main {
    private Main() {
    }

    /** What the client saw, one line per step. */
    public static String run() throws Exception {
        try (ClusterSession cluster = NamesSystem.open(NamesSystem.LOCAL, new NamesSystem.Handlers(NameServer::new))) {
            // embedded, from the last node; in a launch with a JVM per node, from the client node
            return cluster.nodes().get(cluster.nodes().size() - 1).call("client", Duration.ofSeconds(30), Main::client);
        }
    }

    /** The client: runs on any node of the cluster (embedded, or a client node of exported bundles). */
    public static String client(dev.iris.runtime.Kernel k) {
        Duration timeout = Duration.ofSeconds(10);
        GroupReplies registered = k.sendGroup(NamesSystem.NAME_SERVERS, new Register("printer", k.self().value()),
                ReplyMode.ALL, timeout);
        Found found = (Found) k.send(NamesSystem.NAME_SERVERS, new Lookup("printer"), timeout);
        Found missing = (Found) k.send(NamesSystem.NAME_SERVERS, new Lookup("scanner"), timeout);
        return "registered with " + registered.replies().size() + " name servers\n"
                + "printer found: " + (found.found() && found.pid() == k.self().value()) + "\n"
                + "scanner found: " + missing.found();
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run());
    }
}
