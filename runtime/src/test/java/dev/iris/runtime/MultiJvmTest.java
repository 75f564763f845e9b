package dev.iris.runtime;

import static dev.iris.runtime.Clusters.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** End to end: three node JVMs and this one on loopback TCP; one of them is killed with SIGKILL. */
class MultiJvmTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private record NodeJvm(java.lang.Process process, ProcessId echo, ProcessId hold) {
    }

    private final List<java.lang.Process> jvms = new ArrayList<>();
    private Node driver;

    @AfterEach
    void stop() {
        jvms.forEach(java.lang.Process::destroyForcibly);
        if (driver != null) {
            driver.close();
        }
    }

    private NodeJvm startJvm(String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        java.lang.Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                EchoNodeMain.class.getName(), name, "e2e", driver.address())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        jvms.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("READY ")) {
                        return line;
                    }
                }
                throw new IllegalStateException("node JVM " + name + " exited before it was ready");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String[] words = ready.get(60, TimeUnit.SECONDS).split(" ");
        return new NodeJvm(p, new ProcessId(Long.parseLong(words[1])), new ProcessId(Long.parseLong(words[2])));
    }

    @Test
    void threeNodeJvmsTalkAndADeadOneIsNoticed() throws Exception {
        driver = Node.start(NodeConfig.of("driver", "e2e", new InetSocketAddress("127.0.0.1", 0), List.of()), Codecs.of());
        List<NodeJvm> nodes = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            nodes.add(startJvm("jvm" + i));
        }
        assertTrue(driver.awaitMembers(4, Duration.ofSeconds(30)), () -> "driver sees " + driver.members());

        for (int i = 0; i < 3; i++) {
            ProcessId echo = nodes.get(i).echo();
            assertEquals("jvm" + (i + 1) + ":ping", call(driver, k -> k.send(echo, "ping", TIMEOUT)));
        }
        // the JVMs found each other through the driver alone
        assertEquals("driver,jvm1,jvm2,jvm3", call(driver, k -> k.send(nodes.get(0).echo(), "members", TIMEOUT)));

        CompletableFuture<Object> waiting = new CompletableFuture<>();
        ProcessId hold = nodes.get(2).hold();
        driver.spawn("waiter", k -> {
            try {
                waiting.complete(k.send(hold, "wait", Duration.ofMinutes(1)));
            } catch (IpcException e) {
                waiting.completeExceptionally(e);
            }
        });
        // the send is in flight or queued at jvm3 when it dies
        nodes.get(2).process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        long killed = System.nanoTime();

        ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof NodeUnreachableException, e.getCause().toString());
        assertTrue(e.getCause().getMessage().contains("jvm3"), e.getCause().getMessage());
        long detectedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertTrue(detectedMillis < 3_000, "death noticed after " + detectedMillis + " ms, the bound is about 2 s");

        assertTrue(driver.awaitMembers(3, TIMEOUT), () -> "driver sees " + driver.members());
        // the survivors converge too
        for (int i = 0; i < 2; i++) {
            ProcessId echo = nodes.get(i).echo();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            String view;
            do {
                view = (String) call(driver, k -> k.send(echo, "members", TIMEOUT));
            } while (view.contains("jvm3") && System.nanoTime() < deadline);
            assertEquals("driver,jvm1,jvm2", view);
        }
        ProcessId deadEcho = nodes.get(2).echo();
        assertThrows(NodeUnreachableException.class, () -> call(driver, k -> k.send(deadEcho, "anyone?", TIMEOUT)));
    }
}
