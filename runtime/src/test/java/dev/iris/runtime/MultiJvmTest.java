package dev.iris.runtime;

import static dev.iris.runtime.Clusters.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.dsm.PageManagement;
import dev.iris.runtime.dsm.SharedHeap;
import dev.iris.runtime.dsm.SharedMemory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** End to end: three node JVMs and this one on loopback TCP; one of them is killed with SIGKILL. */
class MultiJvmTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private record NodeJvm(java.lang.Process process, String[] ready, BlockingQueue<String> lines) {
        ProcessId echo() {
            return new ProcessId(Long.parseLong(ready[1]));
        }

        ProcessId hold() {
            return new ProcessId(Long.parseLong(ready[2]));
        }

        void tell(String line) throws IOException {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }

        /** Waits for a line the node JVM prints. */
        void await(String line) throws InterruptedException {
            for (String l; (l = lines.poll(30, TimeUnit.SECONDS)) != null; ) {
                if (l.equals(line)) {
                    return;
                }
            }
            throw new AssertionError("node JVM did not print " + line);
        }

        /** The next line the node JVM prints that starts with {@code prefix}. */
        String next(String prefix) throws InterruptedException {
            for (String l; (l = lines.poll(30, TimeUnit.SECONDS)) != null; ) {
                if (l.startsWith(prefix)) {
                    return l;
                }
            }
            throw new AssertionError("node JVM did not print " + prefix + "...");
        }
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

    private NodeJvm startJvm(String name, String... extra) throws Exception {
        return startJvm(EchoNodeMain.class, name, extra);
    }

    /** Starts {@code main NAME e2e DRIVER-ADDRESS extra...} and waits for its READY line. */
    private NodeJvm startJvm(Class<?> main, String name, String... extra) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                main.getName(), name, "e2e", driver.address()));
        command.addAll(List.of(extra));
        java.lang.Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        jvms.add(p);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the JVM is gone
            }
        });
        String ready = null;
        for (String l; ready == null && (l = lines.poll(60, TimeUnit.SECONDS)) != null; ) {
            ready = l.startsWith("READY ") ? l : null;
        }
        if (ready == null) {
            throw new AssertionError("node JVM " + name + " did not get ready");
        }
        return new NodeJvm(p, ready.split(" "), lines);
    }

    @Test
    void threeNodeJvmsTalkAndADeadOneIsNoticed() throws Exception {
        driver = Node.start(NodeConfig.of("driver", "e2e", new InetSocketAddress("127.0.0.1", 0), List.of()), Codecs.of());
        List<NodeJvm> nodes = new ArrayList<>();
        nodes.add(startJvm("jvm1"));
        nodes.add(startJvm("jvm2"));
        nodes.add(startJvm("jvm3", "hold"));
        assertTrue(driver.awaitMembers(4, Duration.ofSeconds(30)), () -> "driver sees " + driver.members());

        for (int i = 0; i < 3; i++) {
            ProcessId echo = nodes.get(i).echo();
            assertEquals("jvm" + (i + 1) + ":ping", call(driver, k -> k.send(echo, "ping", TIMEOUT)));
        }
        // their names, registered at run time, are found from the driver
        for (int i = 0; i < 3; i++) {
            String name = "echo-jvm" + (i + 1);
            assertEquals(Optional.of(nodes.get(i).echo()), call(driver, k -> k.lookup(name, NameScope.CLUSTER)));
        }
        // the JVMs found each other through the driver alone
        assertEquals("driver,jvm1,jvm2,jvm3", call(driver, k -> k.send(nodes.get(0).echo(), "members", TIMEOUT)));

        // a group send to the three echo processes, one frame per JVM
        ProcessId echoes = ProcessId.wellKnownGroup(7);
        GroupReplies all = call(driver, k -> k.sendGroup(echoes, "hi all", ReplyMode.ALL, TIMEOUT));
        assertEquals(3, all.replies().size());
        assertEquals(Set.of("jvm1:hi all", "jvm2:hi all", "jvm3:hi all"),
                all.replies().stream().map(r -> (String) r.message()).collect(Collectors.toSet()));

        // group 9: the echoes of jvm1 and jvm2, and jvm3's hold, which receives and never replies
        CompletableFuture<GroupReplies> waiting = new CompletableFuture<>();
        driver.spawn("waiter", k -> waiting.complete(
                k.sendGroup(ProcessId.wellKnownGroup(9), "wait", ReplyMode.ALL, Duration.ofMinutes(1))));
        nodes.get(2).await("HOLDING");
        nodes.get(2).process().destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL mid-send
        long killed = System.nanoTime();

        GroupReplies replies = waiting.get(10, TimeUnit.SECONDS);
        long detectedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertTrue(detectedMillis < 3_000, "death noticed after " + detectedMillis + " ms, the bound is about 2 s");
        assertEquals(Set.of(nodes.get(0).echo(), nodes.get(1).echo()),
                replies.replies().stream().map(GroupReplies.Reply::from).collect(Collectors.toSet()),
                "the survivors replied");
        IpcException dead = replies.failures().get(nodes.get(2).hold());
        assertTrue(dead instanceof NodeUnreachableException, String.valueOf(dead));
        assertTrue(dead.getMessage().contains("jvm3"), dead.getMessage());
        assertEquals(Set.of(nodes.get(0).echo(), nodes.get(1).echo()),
                call(driver, k -> k.members(ProcessId.wellKnownGroup(9))), "group 9 without the dead member");

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
        assertEquals(Optional.empty(), call(driver, k -> k.lookup("echo-jvm3", NameScope.CLUSTER)),
                "the dead node's names went with it");
        assertEquals(Optional.of(nodes.get(0).echo()),
                call(driver, k -> k.lookup("echo-jvm1", NameScope.CLUSTER)));
        ProcessId deadEcho = nodes.get(2).echo();
        assertThrows(NodeUnreachableException.class, () -> call(driver, k -> k.send(deadEcho, "anyone?", TIMEOUT)));
    }

    /**
     * Shared memory across four JVMs: transfers under a distributed lock and atomic adds from every
     * node conserve the totals; a page owned by a killed node fails with an error naming it, and
     * only such a page.
     */
    @ParameterizedTest
    @EnumSource(PageManagement.class)
    void sharedMemoryAcrossNodeJvms(PageManagement management) throws Exception {
        driver = Node.start(NodeConfig.of("driver", "e2e", new InetSocketAddress("127.0.0.1", 0), List.of())
                .withMemory(MemoryNodeMain.memory(management)), Codecs.of());
        List<NodeJvm> nodes = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            nodes.add(startJvm(MemoryNodeMain.class, "jvm" + i, management.name()));
        }
        assertTrue(driver.awaitMembers(4, Duration.ofSeconds(30)), () -> "driver sees " + driver.members());
        SharedMemory m = driver.memory();
        long accounts = m.region("accounts").base();
        for (int i = 0; i < MemoryNodeMain.ACCOUNTS; i++) {
            m.setLong(accounts + 8L * i, 100);
        }
        int rounds = 60;
        for (NodeJvm node : nodes) {
            node.tell("work " + rounds);
        }
        MemoryNodeMain.work(m, rounds);
        for (NodeJvm node : nodes) {
            node.await("DONE");
        }
        long total = 0;
        for (int i = 0; i < MemoryNodeMain.ACCOUNTS; i++) {
            total += m.getLong(accounts + 8L * i);
        }
        assertEquals(100L * MemoryNodeMain.ACCOUNTS, total, "money is conserved");
        assertEquals(4L * rounds, m.getLong(m.region("counter").base()), "no add is lost");
        for (int i = 0; i < MemoryNodeMain.ACCOUNTS; i++) {
            m.setLong(accounts + 8L * i, m.getLong(accounts + 8L * i)); // the driver owns every account's page
        }

        long home = m.region("jvm3home").base();
        nodes.get(2).tell("own");
        nodes.get(2).await("OWNED");
        assertEquals(3, m.getLong(home));
        nodes.get(2).process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertTrue(driver.awaitMembers(3, Duration.ofSeconds(10)), () -> "driver sees " + driver.members());
        MemoryException lost = assertThrows(MemoryException.class, () -> m.setLong(home, 4));
        assertTrue(lost.getMessage().contains("jvm3") && lost.getMessage().contains("'jvm3home'"), lost.getMessage());
        // jvm3 managed one of the accounts' pages (fixed manager), and chains of probable owners may run
        // through it (dynamic): the pages the driver owns are found from the other node JVMs all the same
        for (NodeJvm node : nodes.subList(0, 2)) {
            node.tell("sum");
            assertEquals("SUM " + 100L * MemoryNodeMain.ACCOUNTS, node.next("SUM"));
        }
    }

    /**
     * A handle that a process in another node JVM dropped keeps nothing from a collection that
     * clears dropped handles: each node's JVM collects its own garbage as it starts, so the handles
     * dropped there are cleared (a node JVM with heap to spare would not collect by itself for a long
     * while).
     */
    @Test
    void aHandleDroppedInAnotherJvmKeepsNothingFromTheNextCollection() throws Exception {
        driver = Node.start(NodeConfig.of("driver", "e2e", new InetSocketAddress("127.0.0.1", 0), List.of())
                .withMemory(HeapNodeMain.memory()), Codecs.of());
        NodeJvm jvm1 = startJvm(HeapNodeMain.class, "jvm1");
        assertTrue(driver.awaitMembers(2, Duration.ofSeconds(30)), () -> "driver sees " + driver.members());
        jvm1.tell("hold 10");
        jvm1.await("HELD");
        SharedHeap.Collection kept = driver.memory().heap().collect(true);
        assertEquals(0, kept.freed(), "the handles keep their objects: " + kept);
        assertEquals(10, kept.live(), kept.toString());
        jvm1.tell("drop");
        jvm1.await("DROPPED");
        SharedHeap.Collection freed = driver.memory().heap().collect(true);
        assertEquals(10, freed.freed(), "the handles were dropped: " + freed);
        assertEquals(0, freed.live(), freed.toString());
    }

    /**
     * V's segments between two node JVMs of 256 MiB heap each: a Send passes a 1 GiB file region,
     * which the receiver reads whole in 1 MiB parts and writes the end of; neither side could hold
     * it in its heap.
     */
    @Test
    void aGibibyteSegmentMovesBetweenNodeJvmsWithQuarterGibibyteHeaps(@TempDir Path dir) throws Exception {
        driver = Node.start(NodeConfig.of("driver", "e2e", new InetSocketAddress("127.0.0.1", 0), List.of()), Codecs.of());
        NodeJvm holder = startJvm(SegmentNodeMain.class, "holder");
        NodeJvm reader = startJvm(SegmentNodeMain.class, "reader");
        assertTrue(driver.awaitMembers(3, Duration.ofSeconds(30)), () -> "driver sees " + driver.members());
        ProcessId holding = new ProcessId(Long.parseLong(holder.ready()[2]));
        ProcessId reading = new ProcessId(Long.parseLong(reader.ready()[1]));
        String job = reading.value() + " " + dir.resolve("segment") + " " + (1L << 30);
        assertEquals("ok", driver.call("test-call", Duration.ofMinutes(5), k -> k.send(holding, job,
                Duration.ofMinutes(5))));
    }
}
