package dev.iris.runtime.launch;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeConfig;
import java.net.InetSocketAddress;
import java.util.List;

/** For {@link ConsoleLoggingTest}: starts a node alone (it logs where it listens), logs a warning, and ends. */
public final class SoloNodeMain {
    private SoloNodeMain() {
    }

    public static void main(String[] args) {
        try (Node node = Node.start(NodeConfig.of("solo", "logging", new InetSocketAddress("127.0.0.1", 0), List.of()),
                Codecs.of())) {
            System.getLogger(SoloNodeMain.class.getName()).log(System.Logger.Level.WARNING, "a warning");
        }
    }
}
