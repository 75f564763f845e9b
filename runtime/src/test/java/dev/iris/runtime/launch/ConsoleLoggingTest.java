package dev.iris.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launchers' logging in a node JVM: INFO on standard output (consoles show standard error as
 * errors), WARNING on standard error, one line a record.
 */
class ConsoleLoggingTest {
    @Test
    void infoGoesToStandardOutputAndWarningsToStandardError(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                MonitoredMain.class.getName(), "--", SoloNodeMain.class.getName())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), "the node JVM to end");
        assertEquals(0, jvm.exitValue(), read(err));
        List<String> stdout = Files.readAllLines(out, StandardCharsets.UTF_8);
        List<String> stderr = Files.readAllLines(err, StandardCharsets.UTF_8);
        assertTrue(stdout.stream().anyMatch(l -> l.contains(" INFO dev.iris.runtime.Node: Node 'solo' of cluster "
                + "'logging' listening on ")), "stdout: " + stdout);
        assertTrue(stderr.stream().anyMatch(l -> l.contains(" WARNING " + SoloNodeMain.class.getName()
                + ": a warning")), "stderr: " + stderr);
        assertTrue(stderr.stream().noneMatch(l -> l.contains("INFO")), "stderr: " + stderr);
        assertTrue(stdout.stream().noneMatch(l -> l.contains("WARNING")), "stdout: " + stdout);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
