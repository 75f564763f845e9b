package dev.iris.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.local.LocalAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Node listeners: from a node's configuration, and for every node a JVM starts. */
class NodeListenerTest {
    private final List<String> heard = new CopyOnWriteArrayList<>();

    private NodeListener named(String name) {
        return new NodeListener() {
            @Override
            public void started(Node node) {
                heard.add(name + " started " + node.id().name() + (node.address() != null ? " listening" : ""));
            }

            @Override
            public void closing(Node node) {
                heard.add(name + " closing " + node.id().name() + (node.memory() != null ? " whole" : ""));
            }
        };
    }

    @Test
    void aNodeTellsItsOwnListenersAndThoseOfEveryNode() {
        NodeListener every = named("every");
        NodeListener.everyNode(every);
        try {
            Node a = Node.start(NodeConfig.of("a", "listeners", new LocalAddress("listeners/a"), List.of())
                    .withListener(named("own")), Codecs.of());
            a.close();
        } finally {
            NodeListener.stopListening(every);
        }
        Node b = Node.start(NodeConfig.of("b", "listeners", new LocalAddress("listeners/b"), List.of()), Codecs.of());
        b.close();
        assertEquals(List.of("own started a listening", "every started a listening", "own closing a whole",
                "every closing a whole"), heard);
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheNode() throws Exception {
        NodeListener broken = new NodeListener() {
            @Override
            public void started(Node node) {
                throw new IllegalStateException("broken");
            }
        };
        try (Node a = Node.start(NodeConfig.of("c", "listeners", new LocalAddress("listeners/c"), List.of())
                .withListener(broken).withListener(named("after")), Codecs.of())) {
            assertEquals("pong", a.call("ping", java.time.Duration.ofSeconds(10), k -> "pong"));
        }
        assertEquals(List.of("after started c listening", "after closing c whole"), heard);
    }
}
