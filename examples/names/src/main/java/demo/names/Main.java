package demo.names;

import dev.iris.runtime.GroupReplies;
import dev.iris.runtime.Kernel;
import dev.iris.runtime.NameScope;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.ReplyMode;
import dev.iris.runtime.launch.ClusterSession;
import java.time.Duration;

/**
 * Runs the name service on the cluster {@code local} (see ClusterSession): a client registers a name with every
 * name server (group send, all replies), then finds it again by asking a name server of its own node, found by the
 * kernel's run-time name (V's GetPid), or, on a node without one, the group (first reply).
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
    public static String client(Kernel k) {
        Duration timeout = Duration.ofSeconds(10);
        GroupReplies registered = k.sendGroup(NamesSystem.NAME_SERVERS, new Register("printer", k.self().value()),
                ReplyMode.ALL, timeout);
        // V's GetPid: a name server of this node if it runs one, else any of them through the group
        ProcessId server = k.lookup(NameServer.ON_THIS_NODE, NameScope.NODE).orElse(NamesSystem.NAME_SERVERS);
        Found found = (Found) k.send(server, new Lookup("printer"), timeout);
        Found missing = (Found) k.send(server, new Lookup("scanner"), timeout);
        return "registered with " + registered.replies().size() + " name servers\n"
                + "printer found: " + (found.found() && found.pid() == k.self().value()) + "\n"
                + "scanner found: " + missing.found();
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run());
    }
}
