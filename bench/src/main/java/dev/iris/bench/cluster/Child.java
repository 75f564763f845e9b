package dev.iris.bench.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A member JVM as the harness sees it. Line protocol on the child's standard streams: the child
 * prints {@code READY [info]} once it is set up; then each command line the harness writes is
 * answered by one line {@code OK [result]} or {@code ERROR message}. The child exits when its
 * standard input closes, so no member outlives the harness.
 */
final class Child implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 120;

    private final String name;
    private final Process process;
    private final PrintWriter commands;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Deque<String> recent = new ArrayDeque<>();

    private Child(String name, Process process) {
        this.name = name;
        this.process = process;
        this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().name(name + "-out").start(() -> {
            try (BufferedReader out = process.inputReader(StandardCharsets.UTF_8)) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the child is gone; await() reports it
            }
        });
    }

    /** Starts {@code Member <args>} in a new JVM with the harness's class path. */
    static Child start(String name, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Member.class.getName());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new Child(name, p);
    }

    /** The member JVM's process id. */
    long pid() {
        return process.pid();
    }

    /** Waits for the child's {@code READY} line; returns what follows it. */
    String awaitReady() throws Exception {
        return await("READY");
    }

    /** Sends one command and returns the result of its {@code OK} line. */
    String call(String command) throws Exception {
        commands.println(command);
        return await("OK");
    }

    /** Sends one command without waiting; collect its answer with {@link #answer()}. */
    void post(String command) {
        commands.println(command);
    }

    String answer() throws Exception {
        return await("OK");
    }

    private String await(String word) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line == null) {
                if (!process.isAlive() && lines.isEmpty()) {
                    throw new IllegalStateException("member " + name + " exited with " + process.exitValue()
                            + " while the harness waited for " + word + "; its last lines: " + recent);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("member " + name + " sent no " + word + " within "
                            + TIMEOUT_SECONDS + " s; its last lines: " + recent);
                }
                continue;
            }
            if (line.equals(word) || line.startsWith(word + " ")) {
                return line.substring(word.length()).trim();
            }
            if (line.startsWith("ERROR")) {
                throw new IllegalStateException("member " + name + ": " + line);
            }
            recent.addLast(line);
            if (recent.size() > 20) {
                recent.removeFirst();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        commands.close();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Closes every child, also when some fail to close. */
    static void closeAll(List<Child> children) throws InterruptedException {
        for (Child c : children) {
            c.close();
        }
        children.clear();
    }
}
