package dev.iris.runtime;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * A node JVM for the end-to-end tests: {@code EchoNodeMain NAME CLUSTER SEED [hold]}. Runs an
 * "echo" process (answers "members" with its node's view, anything else with
 * {@code NAME:message}) in well-known groups 7 and 9, registered cluster-wide as {@code echo-NAME},
 * and a "hold" process that receives, prints
 * {@code HOLDING} and never replies. With {@code hold}, the hold process is in group 9 instead of
 * the echo. Prints {@code READY <echo pid> <hold pid>} once joined, and exits when its standard
 * input closes (so it never outlives the test).
 */
public final class EchoNodeMain {
    private EchoNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        String name = args[0];
        Node node = Node.start(NodeConfig.of(name, args[1], new InetSocketAddress("127.0.0.1", 0),
                List.of(Node.parse(args[2]))), Codecs.of());
        boolean holdIn9 = args.length > 3 && args[3].equals("hold");
        CountDownLatch joined = new CountDownLatch(2);
        ProcessId echo = node.spawn("echo", k -> {
            k.join(ProcessId.wellKnownGroup(7));
            if (!holdIn9) {
                k.join(ProcessId.wellKnownGroup(9));
            }
            k.register("echo-" + name, NameScope.CLUSTER);
            joined.countDown();
            while (true) {
                Request r = k.receive();
                String m = (String) r.message();
                k.reply(r, m.equals("members")
                        ? node.members().stream().map(NodeId::name).collect(Collectors.joining(","))
                        : name + ":" + m);
            }
        });
        ProcessId hold = node.spawn("hold", k -> {
            if (holdIn9) {
                k.join(ProcessId.wellKnownGroup(9));
            }
            joined.countDown();
            k.receive();
            System.out.println("HOLDING");
            System.out.flush();
            new CountDownLatch(1).await();
        });
        joined.await();
        System.out.println("READY " + echo.value() + " " + hold.value());
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the parent to go away
        }
        node.close();
        System.exit(0);
    }
}
