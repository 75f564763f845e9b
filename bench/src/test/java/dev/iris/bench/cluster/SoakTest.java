package dev.iris.bench.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The soak's short version (6 s, in a JVM of its own so that the leak detector sees every buffer
 * from the start): mixed group sends and shared-memory traffic on three TCP nodes with no failure,
 * no leaked buffer, no stall, no lost atomic add and a flat heap; once without and once with
 * backup copies of pages. {@code bench/soak} runs it for 10 minutes.
 */
class SoakTest {
    @ParameterizedTest(name = "backup copies {0}")
    @ValueSource(booleans = {false, true})
    void mixedLoadLeaksNothingAndLosesNothing(boolean backup) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(Harness.jvmOptions("soak"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Soak.class.getName(), "--seconds", "6"));
        if (backup) {
            command.add("--backup");
        }
        Process soak = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(soak.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(soak.waitFor(3, TimeUnit.MINUTES), output);

        Matcher line = Pattern.compile("^SOAK (.*)$", Pattern.MULTILINE).matcher(output);
        assertTrue(line.find(), output);
        Map<String, Long> figures = Pattern.compile(" ").splitAsStream(line.group(1)).map(kv -> kv.split("="))
                .collect(Collectors.toMap(kv -> kv[0], kv -> Long.parseLong(kv[1])));
        assertEquals(0, soak.exitValue(), output);
        assertEquals(0, figures.get("failures"), output);
        assertEquals(0, figures.get("leaks"), output);
        assertEquals(figures.get("adds"), figures.get("counted"), output);
        assertTrue(figures.get("groupSends") > 100 && figures.get("memoryOps") > 100, output);
    }
}
