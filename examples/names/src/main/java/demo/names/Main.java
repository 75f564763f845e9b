package demo.names;

import dev.iris.runtime.EmbeddedCluster;
import dev.iris.runtime.GroupReplies;
import dev.iris.runtime.ReplyMode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the name service on the embedded cluster {@code local}: a client registers a name with every
 * name server (group send, all replies), then finds it again by asking the group (first reply).
 */
public final class Main {
    private Main() {
    }

    /** What the client saw, one line per step. */
    public static String run() throws Exception {
        try (EmbeddedCluster cluster = NamesSystem.startEmbedded(NamesSystem.LOCAL,
                new NamesSystem.Handlers(NameServer::new))) {
            CompletableFuture<String> seen = new CompletableFuture<>();
            cluster.node("n2").spawn("client", k -> {
                try {
                    Duration timeout = Duration.ofSeconds(10);
                    GroupReplies registered = k.sendGroup(NamesSystem.NAME_SERVERS,
                            new Register("printer", k.self().value()), ReplyMode.ALL, timeout);
                    Found found = (Found) k.send(NamesSystem.NAME_SERVERS, new Lookup("printer"), timeout);
                    Found missing = (Found) k.send(NamesSystem.NAME_SERVERS, new Lookup("scanner"), timeout);
                    seen.complete("registered with " + registered.replies().size() + " name servers\n"
                            + "printer found: " + (found.found() && found.pid() == k.self().value()) + "\n"
                            + "scanner found: " + missing.found());
                } catch (RuntimeException e) {
                    seen.completeExceptionally(e);
                }
            });
            return seen.get(30, TimeUnit.SECONDS);
        }
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run());
    }
}
