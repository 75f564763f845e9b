package dev.iris.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Prints the fingerprint of the simulated histories of {@link SimulatedClusterTest} and {@link
 * SimulatedBankTest} for the seed given: a JVM of its own replays them for
 * {@code SimulatedClusterTest.anotherJvmReplaysTheSameHistories}.
 */
public final class SimulationReplayMain {
    private SimulationReplayMain() {
    }

    /** A SHA-256 of the message history, the memory history and the bank's run under {@code seed}. */
    static String fingerprint(long seed) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (List<String> history : List.of(SimulatedClusterTest.history(seed),
                SimulatedClusterTest.memoryHistory(seed, false), List.of(SimulatedBankTest.run(seed)))) {
            for (String event : history) {
                sha.update(event.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '\n');
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    public static void main(String[] args) throws Exception {
        System.out.println("FINGERPRINT " + fingerprint(Long.parseLong(args[0])));
    }
}
