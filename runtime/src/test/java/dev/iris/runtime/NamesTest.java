package dev.iris.runtime;

import static dev.iris.runtime.Clusters.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Clusters.TestCluster;
import dev.iris.runtime.Clusters.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * V's logical names (SetPid and GetPid): a name registered at run time is found on its node or in
 * the whole cluster by its scope, goes with its process and its node, and is never held by two
 * processes, even when two nodes race to register it.
 */
@Timeout(60)
class NamesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /**
     * Spawns a process on {@code node} that registers {@code name} in {@code scope} and then answers
     * every request with its own id, until a request says "stop": it exits without answering that one.
     */
    private static ProcessId holder(Node node, String name, NameScope scope) throws Exception {
        CompletableFuture<ProcessId> registered = new CompletableFuture<>();
        node.spawn("holder", k -> {
            try {
                k.register(name, scope);
            } catch (RuntimeException e) {
                registered.completeExceptionally(e);
                return;
            }
            registered.complete(k.self());
            while (true) {
                Request r = k.receive();
                if ("stop".equals(r.message())) {
                    return;
                }
                k.reply(r, k.self().toString());
            }
        });
        return registered.get(20, TimeUnit.SECONDS);
    }

    private static Optional<ProcessId> lookup(Node node, String name, NameScope scope) throws Exception {
        return call(node, k -> k.lookup(name, scope));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aNodeNameIsFoundOnItsNodeOnly(Transport transport) throws Exception {
        try (TestCluster c = transport.start(2, Codecs.of())) {
            ProcessId printer = holder(c.node(0), "printer", NameScope.NODE);
            assertEquals(Optional.of(printer), lookup(c.node(0), "printer", NameScope.NODE));
            assertEquals(Optional.of(printer), lookup(c.node(0), "printer", NameScope.CLUSTER));
            assertEquals(Optional.empty(), lookup(c.node(1), "printer", NameScope.NODE));
            assertEquals(Optional.empty(), lookup(c.node(1), "printer", NameScope.CLUSTER));
            assertEquals(Optional.empty(), lookup(c.node(0), "scanner", NameScope.CLUSTER));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aClusterNameIsFoundFromEveryNodeAndGoesWithItsProcess(Transport transport) throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of())) {
            ProcessId printer = holder(c.node(1), "printer", NameScope.CLUSTER);
            for (int i = 0; i < 3; i++) {
                assertEquals(Optional.of(printer), lookup(c.node(i), "printer", NameScope.CLUSTER), "from node " + i);
            }
            assertEquals(Optional.empty(), lookup(c.node(0), "printer", NameScope.NODE), "not on node 0 itself");
            assertEquals(printer.toString(), call(c.node(2), k -> k.send(k.lookup("printer", NameScope.CLUSTER)
                    .orElseThrow(), "hello", TIMEOUT)), "what the name finds answers");

            // the holder exits: its name is gone before its last sender hears of it
            assertThrows(IpcException.class, () -> call(c.node(0), k -> k.send(printer, "stop", TIMEOUT)));
            for (int i = 0; i < 3; i++) {
                assertEquals(Optional.empty(), lookup(c.node(i), "printer", NameScope.CLUSTER), "from node " + i);
            }
            // and the name is free again
            ProcessId next = holder(c.node(2), "printer", NameScope.CLUSTER);
            assertEquals(Optional.of(next), lookup(c.node(0), "printer", NameScope.CLUSTER));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aNameGoesWithItsNode(Transport transport) throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of())) {
            holder(c.node(2), "printer", NameScope.CLUSTER);
            c.node(2).close();
            assertEquals(Optional.empty(), lookup(c.node(0), "printer", NameScope.CLUSTER));
            ProcessId next = holder(c.node(1), "printer", NameScope.CLUSTER);
            assertEquals(Optional.of(next), lookup(c.node(0), "printer", NameScope.CLUSTER));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aNameHeldByAnotherProcessIsRefusedAndUnregisteringFreesIt(Transport transport) throws Exception {
        try (TestCluster c = transport.start(2, Codecs.of())) {
            ProcessId printer = holder(c.node(0), "printer", NameScope.CLUSTER);
            Exception here = assertThrows(Exception.class, () -> holder(c.node(0), "printer", NameScope.NODE));
            assertTrue(here.getMessage().contains("the name 'printer' is registered by process " + printer),
                    here.getMessage());
            Exception there = assertThrows(Exception.class, () -> holder(c.node(1), "printer", NameScope.CLUSTER));
            assertTrue(there.getMessage().contains("registered by process " + printer), there.getMessage());
            // a node-wide name of the same spelling on another node is that node's own business
            ProcessId local = holder(c.node(1), "printer", NameScope.NODE);
            assertEquals(Optional.of(local), lookup(c.node(1), "printer", NameScope.CLUSTER), "its own node first");
            assertEquals(Optional.of(printer), lookup(c.node(0), "printer", NameScope.CLUSTER));

            CompletableFuture<Void> unregistered = new CompletableFuture<>();
            c.node(0).spawn("owner", k -> {
                k.register("queue", NameScope.CLUSTER);
                k.unregister("queue");
                k.unregister("never-registered");
                unregistered.complete(null);
                k.receive();
            });
            unregistered.get(20, TimeUnit.SECONDS);
            assertEquals(Optional.empty(), lookup(c.node(1), "queue", NameScope.CLUSTER));
            assertEquals(Optional.empty(), lookup(c.node(0), "queue", NameScope.NODE));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void ofTwoNodesRacingForANameExactlyOneHoldsIt(Transport transport) throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of())) {
            for (int round = 0; round < 10; round++) {
                String name = "leader-" + round;
                CyclicBarrier start = new CyclicBarrier(2);
                List<CompletableFuture<ProcessId>> won = new ArrayList<>();
                for (int n = 1; n <= 2; n++) {
                    CompletableFuture<ProcessId> result = new CompletableFuture<>();
                    won.add(result);
                    c.node(n).spawn("candidate", k -> {
                        start.await(10, TimeUnit.SECONDS);
                        try {
                            k.register(name, NameScope.CLUSTER);
                            result.complete(k.self());
                        } catch (IllegalStateException e) {
                            result.complete(null);
                        }
                        k.receive(); // holds the name while the test looks
                    });
                }
                List<ProcessId> winners = new ArrayList<>();
                for (CompletableFuture<ProcessId> w : won) {
                    ProcessId p = w.get(20, TimeUnit.SECONDS);
                    if (p != null) {
                        winners.add(p);
                    }
                }
                assertEquals(1, winners.size(), "round " + round + ": the winners " + winners);
                Optional<ProcessId> seen = winners.stream().findFirst();
                for (int i = 0; i < 3; i++) {
                    assertEquals(seen, lookup(c.node(i), name, NameScope.CLUSTER), "round " + round + ", node " + i);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void badNamesAreRefused(Transport transport) throws Exception {
        try (TestCluster c = transport.start(1, Codecs.of())) {
            for (String bad : new String[] {"", "x".repeat(Names.MAX_NAME_BYTES + 1)}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> call(c.node(0), k -> {
                            k.register(bad, NameScope.NODE);
                            return null;
                        }));
                assertTrue(e.getMessage().startsWith("a name is 1 to 255 bytes of UTF-8"), e.getMessage());
            }
            assertEquals(Optional.empty(), lookup(c.node(0), "é".repeat(127), NameScope.CLUSTER), "254 bytes");
        }
    }
}
