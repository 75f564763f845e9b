package dev.iris.ui.internal.launching;

import static dev.iris.ui.UiTests.processEventsUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.core.ClusterRegistry;
import dev.iris.core.IrisProjects;
import dev.iris.core.launching.IrisLaunching;
import dev.iris.core.launching.IrisPrograms;
import dev.iris.core.monitor.ClusterMonitor;
import dev.iris.runtime.Kernel;
import dev.iris.runtime.Node;
import dev.iris.runtime.monitor.MonitorMessage;
import dev.iris.ui.UiTests;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.resources.IncrementalProjectBuilder;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.debug.core.DebugEvent;
import org.eclipse.debug.core.DebugException;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.IDebugEventSetListener;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.debug.core.model.IProcess;
import org.eclipse.jdt.debug.core.IJavaBreakpoint;
import org.eclipse.jdt.debug.core.IJavaLineBreakpoint;
import org.eclipse.jdt.debug.core.IJavaObject;
import org.eclipse.jdt.debug.core.IJavaStackFrame;
import org.eclipse.jdt.debug.core.IJavaThread;
import org.eclipse.jdt.debug.core.JDIDebugModel;
import org.eclipse.debug.ui.IDebugUIConstants;
import org.eclipse.debug.ui.console.IConsole;
import org.eclipse.jface.text.IDocument;
import org.eclipse.swt.graphics.Color;
import org.eclipse.ui.console.ConsolePlugin;
import org.eclipse.ui.console.IConsoleDocumentPartitioner;
import org.eclipse.ui.console.TextConsole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Iris Cluster" launches in a real workbench: node JVMs over TCP with mutual TLS, a console per
 * node, one launch to terminate them all; all nodes in one JVM; and debugging, where a breakpoint
 * in a handler stops one node's JVM while another goes on. A client node in this JVM (with
 * credentials from the launch's authority) drives the example's client code against the nodes.
 */
class IrisLaunchTest {
    private static final String EXPECTED = "registered with 4 name servers\nprinter found: true\nscanner found: false";

    private static IProject project;
    private static IrisPrograms.Program program;
    private static IrisPrograms.Cluster cluster;
    private ILaunch launch;
    /** The example's client as it was before {@link #shortTimeOuts}, put back after the test; null if unchanged. */
    private String mainSource;

    @BeforeAll
    static void createProject() throws CoreException {
        project = UiTests.launchableProject("launch-test", IrisProjects.Example.NAMES);
        program = IrisPrograms.of(project).get(0);
        cluster = program.cluster(null).orElseThrow();
    }

    @AfterAll
    static void deleteProject() throws CoreException {
        ClusterRegistry.getDefault().remove(cluster.name());
        project.delete(true, true, null);
    }

    @AfterEach
    void terminate() throws Exception {
        DebugPlugin.getDefault().getBreakpointManager().removeBreakpoints(
                DebugPlugin.getDefault().getBreakpointManager().getBreakpoints(), true);
        if (launch != null && !launch.isTerminated()) {
            launch.terminate();
            processEventsUntil(launch::isTerminated, () -> "the launch to end");
        }
        // the delegate marks the cluster stopped on the terminate event, which may come after isTerminated
        processEventsUntil(() -> state() != ClusterRegistry.Cluster.State.RUNNING, () -> "the cluster marked stopped");
        if (mainSource != null) {
            setMainSource(mainSource);
            mainSource = null;
        }
    }

    /** The example client's time-out for each send, and for the whole client, once {@link #shortTimeOuts} cut them. */
    private static final int SEND_TIMEOUT_S = 3;
    private static final int CLIENT_TIMEOUT_S = 6;

    /**
     * Cuts the example client's time-outs (10 s a send, 30 s in all) to {@value #SEND_TIMEOUT_S} s and
     * {@value #CLIENT_TIMEOUT_S} s in the project's copy, and builds it, so that a node held for some
     * seconds outlasts them more than twice over; the test's end puts them back.
     */
    private void shortTimeOuts() throws CoreException {
        String source = main().readString();
        assertTrue(source.contains("Duration.ofSeconds(10)") && source.contains("Duration.ofSeconds(30)"),
                "the example's client time-outs, where this test cuts them");
        mainSource = source;
        setMainSource(source.replace("Duration.ofSeconds(10)", "Duration.ofSeconds(" + SEND_TIMEOUT_S + ")")
                .replace("Duration.ofSeconds(30)", "Duration.ofSeconds(" + CLIENT_TIMEOUT_S + ")"));
    }

    private static IFile main() {
        return project.getFile(IrisProjects.SRC + "/demo/names/Main.java");
    }

    private static void setMainSource(String source) throws CoreException {
        main().setContents(source.getBytes(StandardCharsets.UTF_8), IResource.FORCE, null);
        project.build(IncrementalProjectBuilder.INCREMENTAL_BUILD, null);
    }

    /** What the process's console shows (standard output and error). */
    private static String output(IProcess process) {
        return Arrays.stream(ConsolePlugin.getDefault().getConsoleManager().getConsoles())
                .filter(c -> c instanceof IConsole d && d.getProcess() == process)
                .map(c -> ((TextConsole) c).getDocument().get()).findFirst().orElse("");
    }

    /** The process's label, as the Debug view shows it. */
    private static String label(IProcess process) {
        return process.getLabel();
    }

    /**
     * Each node JVM is labelled by its node and the address it listens on ({@code n1 —
     * 127.0.0.1:40123}) in the Debug view, not by the java executable, date and pid; on free ports,
     * that address is the one it got, not the declared one.
     */
    private static void assertLabelledByNode(IProcess[] processes) {
        assertEquals(cluster.nodes().stream().map(IrisPrograms.Node::name).collect(Collectors.toSet()),
                Arrays.stream(processes).map(p -> p.getAttribute(IrisLaunching.ATTR_PROCESS_NODE))
                        .collect(Collectors.toSet()));
        for (IProcess p : processes) {
            String node = p.getAttribute(IrisLaunching.ATTR_PROCESS_NODE);
            String address = p.getAttribute(IrisLaunching.ATTR_PROCESS_ADDRESS);
            String declared = cluster.node(node).orElseThrow().address();
            assertTrue(address != null && !address.equals(declared) && !address.endsWith(":0"), address);
            String shown = p.getAttribute(IProcess.ATTR_PROCESS_LABEL);
            assertTrue(shown.startsWith(node + " — " + address + " ["), shown);
        }
    }

    /** Whether {@code text} in {@code process}'s console has standard output's colour, not standard error's. */
    private static boolean onStandardOutput(IProcess process, String text) {
        IConsole console = (IConsole) Arrays.stream(ConsolePlugin.getDefault().getConsoleManager().getConsoles())
                .filter(c -> c instanceof IConsole d && d.getProcess() == process).findFirst().orElseThrow();
        IDocument document = ((TextConsole) console).getDocument();
        int at = document.get().indexOf(text);
        assertTrue(at >= 0, text + " in " + document.get());
        Color colour = ((IConsoleDocumentPartitioner) document.getDocumentPartitioner())
                .getStyleRanges(at, text.length())[0].foreground;
        Color out = console.getStream(IDebugUIConstants.ID_STANDARD_OUTPUT_STREAM).getColor();
        Color err = console.getStream(IDebugUIConstants.ID_STANDARD_ERROR_STREAM).getColor();
        assertFalse(Objects.equals(out, err), "standard output and error look different");
        return Objects.equals(out, colour);
    }

    private void awaitReady(IProcess[] processes) {
        processEventsUntil(() -> Arrays.stream(processes).allMatch(p -> output(p).contains("READY ")),
                () -> "READY from every node: " + Arrays.stream(processes).map(p -> label(p) + (p.isTerminated()
                        ? " (ended)" : "") + ": " + output(p)).toList());
    }

    /**
     * The default configuration of the example, but with its node JVMs on free ports (its declared
     * ports may be taken on a test machine).
     */
    private static ILaunchConfigurationWorkingCopy onFreePorts() throws CoreException {
        ILaunchConfigurationWorkingCopy config = IrisLaunching.newConfiguration(project, program, cluster);
        config.setAttribute(IrisLaunching.ATTR_FREE_PORTS, true);
        return config;
    }

    /** The default configuration without its main class: the node JVMs only, driven by {@link #client()}. */
    private static ILaunchConfigurationWorkingCopy nodesOnly() throws CoreException {
        ILaunchConfigurationWorkingCopy config = onFreePorts();
        config.setAttribute(IrisLaunching.ATTR_MAIN, "");
        return config;
    }

    /**
     * A node JVM that cannot start (its declared port is taken) fails the launch with what its JVM
     * said, and the launch's other JVMs are stopped: nothing of a failed launch runs on.
     */
    @Test
    void aNodeThatCannotStartFailsTheLaunchSayingWhyAndStopsTheOthers() throws Exception {
        String declared = cluster.node("n1").orElseThrow().address();
        ILaunchConfigurationWorkingCopy config = IrisLaunching.newConfiguration(project, program, cluster);
        CoreException failed;
        try (ServerSocket held = UiTests.holdIfFree(declared)) {
            failed = assertThrows(CoreException.class, () -> config.launch(ILaunchManager.RUN_MODE, null));
        }
        String message = failed.getStatus().getMessage();
        assertTrue(message.contains("node n1 ended before its node was ready"), message);
        assertTrue(message.contains("cannot listen on " + declared), message);
        List<ILaunch> launches = Arrays.stream(DebugPlugin.getDefault().getLaunchManager().getLaunches())
                .filter(l -> l.getLaunchConfiguration() != null
                        && l.getLaunchConfiguration().getName().equals(config.getName())).toList();
        processEventsUntil(() -> launches.stream().allMatch(ILaunch::isTerminated),
                () -> "every JVM of the failed launch stopped: " + launches.stream()
                        .flatMap(l -> Arrays.stream(l.getProcesses())).map(p -> label(p) + " " + p.isTerminated())
                        .toList());
    }

    @Test
    void eachNodeRunsInItsOwnJvmWithItsConsoleAndTerminateStopsThemAll() throws Exception {
        launch = nodesOnly().launch(ILaunchManager.RUN_MODE, null);
        IProcess[] processes = launch.getProcesses();
        assertEquals(2, processes.length, "a process per node, in one launch");
        awaitReady(processes);
        assertLabelledByNode(processes);
        for (IProcess p : processes) {
            String node = p.getAttribute(IrisLaunching.ATTR_PROCESS_NODE);
            assertTrue(output(p).contains("READY " + node + " "), label(p) + ": " + output(p));
            // the runtime's classpath carries no log4j (Netty would log through it, unconfigured)
            assertFalse(output(p).contains("log4j:"), output(p));
            // INFO is no error: it goes to standard output
            assertTrue(onStandardOutput(p, "listening on"), output(p));
        }
        processEventsUntil(() -> Arrays.stream(ConsolePlugin.getDefault().getConsoleManager().getConsoles())
                .filter(c -> c instanceof IConsole)
                .map(c -> ((IConsole) c).getProcess()).collect(Collectors.toSet())
                .containsAll(List.of(processes)), () -> "a console per node");
        assertEquals(ClusterRegistry.Cluster.State.RUNNING, state());
        assertTrue(ClusterRegistry.getDefault().clusters().stream().anyMatch(c -> c.label().equals(
                cluster.name() + " (" + project.getName() + ")")), "the Cluster view names the project's cluster");
        // each node's monitor bound a free port and said which: the IDE found them there
        for (IProcess p : processes) {
            assertTrue(output(p).matches("(?s).*MONITOR n[12] 127\\.0\\.0\\.1:[1-9][0-9]*\\R.*"), output(p));
        }
        processEventsUntil(() -> monitor() != null && monitor().connected().equals(Set.of("n1", "n2")),
                () -> "the IDE connected to both nodes' monitors: " + (monitor() == null ? "no monitor"
                        : monitor().failures()));

        assertEquals(EXPECTED, client().get(90, TimeUnit.SECONDS), "the program works across the node JVMs");

        launch.terminate();
        processEventsUntil(launch::isTerminated, () -> "every node JVM to end");
        assertTrue(Arrays.stream(processes).allMatch(IProcess::isTerminated));
        processEventsUntil(() -> state() == ClusterRegistry.Cluster.State.STOPPED, () -> "the cluster stopped");
    }

    /**
     * Run As > Iris Cluster on a new project shows traffic: the project's main class runs in a JVM of
     * its own as a client node of the node JVMs, its requests show in the message trace, and the
     * nodes run on after it ends.
     */
    @Test
    void theDefaultLaunchRunsTheMainClassAsAClientOfTheNodeJvms() throws Exception {
        ILaunchConfigurationWorkingCopy config = onFreePorts();
        assertEquals("demo.names.Main", config.getAttribute(IrisLaunching.ATTR_MAIN, ""),
                "the project's one main class drives the cluster");
        launch = config.launch(ILaunchManager.RUN_MODE, null);
        IProcess[] processes = launch.getProcesses();
        assertEquals(3, processes.length, "a JVM per node and one for the main class");
        IProcess main = Arrays.stream(processes).filter(p -> p.getAttribute(IrisLaunching.ATTR_PROCESS_NODE) == null)
                .findFirst().orElseThrow();
        assertEquals("client — demo.names.Main", main.getLabel());
        processEventsUntil(() -> main.isTerminated() && output(main).contains("scanner found"),
                () -> "Main to end: " + output(main));
        assertEquals(0, main.getExitValue(), output(main));
        assertTrue(output(main).replace("\r", "").contains(EXPECTED), output(main));
        // its log lines look like the nodes' (INFO on standard output), not JUL's two-line default on standard error
        assertTrue(output(main).lines().noneMatch(l -> l.startsWith("INFO: ")), output(main));
        processEventsUntil(() -> monitor() != null && monitor().traceEvents().stream()
                .anyMatch(m -> m instanceof MonitorMessage.Message e && e.event().message().endsWith("Register")),
                () -> "the main class's Register in the message trace: " + (monitor() == null ? "no monitor"
                        : monitor().traceEvents()));
        assertTrue(Arrays.stream(processes).filter(p -> p != main).noneMatch(IProcess::isTerminated),
                "the nodes run on");
        // the client ended on purpose: the views say it left, not that it died
        processEventsUntil(() -> monitor().nodeState("client") == ClusterMonitor.NodeState.LEFT,
                () -> "the client shown as left: " + monitor().nodeState("client") + ", connected " + monitor().connected()
                        + ", states of " + monitor().states().keySet() + ", failures " + monitor().failures()
                        + ", client said " + output(main));
    }

    /** All nodes in one JVM serve their monitors too: the IDE watches them like node JVMs, over TLS. */
    @Test
    void allNodesInOneJvmAreWatchedThroughTheirMonitors() throws Exception {
        ILaunchConfigurationWorkingCopy config = nodesOnly();
        config.setAttribute(IrisLaunching.ATTR_EMBEDDED, true);
        launch = config.launch(ILaunchManager.RUN_MODE, null);
        assertEquals(1, launch.getProcesses().length);
        processEventsUntil(() -> monitor() != null && monitor().connected().equals(Set.of("n1", "n2"))
                && monitor().states().size() == 2, () -> "the IDE connected to both nodes' monitors: "
                        + (monitor() == null ? "no monitor" : monitor().failures() + " "
                                + output(launch.getProcesses()[0])));
        assertTrue(monitor().states().get("n1").members().containsAll(List.of("n1", "n2")));
        assertTrue(!monitor().states().get("n1").processes().isEmpty(), "the name servers run on n1");
        launch.terminate();
        processEventsUntil(launch::isTerminated, () -> "the launch to end");
        processEventsUntil(() -> monitor().isClosed(), () -> "the monitor closed with the launch");
    }

    private static ClusterMonitor monitor() {
        return ClusterRegistry.getDefault().clusters().stream().filter(c -> c.name().equals(cluster.name()))
                .map(ClusterRegistry.Cluster::monitor).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    @Test
    void allNodesInOneJvmRunTheProgramsMainClass() throws Exception {
        ILaunchConfigurationWorkingCopy config = onFreePorts();
        config.setAttribute(IrisLaunching.ATTR_EMBEDDED, true);
        config.setAttribute(IrisLaunching.ATTR_MAIN, "demo.names.Main");
        launch = config.launch(ILaunchManager.RUN_MODE, null);
        IProcess process = launch.getProcesses()[0];
        assertEquals(1, launch.getProcesses().length);
        processEventsUntil(() -> process.isTerminated() && output(process).contains("scanner found"),
                () -> "Main to end: " + output(process));
        assertEquals(0, process.getExitValue(), output(process));
        assertTrue(output(process).replace("\r", "").contains(EXPECTED), output(process));
    }

    /**
     * A simulated launch (Program tab: a seed): all nodes in one JVM on a simulated clock, the main
     * class driving them, and in Debug mode a breakpoint in a handler stops at the same step every
     * time: launched twice with seed 7, the handler's hits come in the same order, on the same
     * process threads (their ids drawn from the seed), with the same messages; seed 8 is another
     * history. Each run completes the program.
     */
    @Test
    void aSimulatedLaunchStopsAtTheSameStepEveryTime() throws Exception {
        breakAtRegister(project.getFile(IrisProjects.SRC + "/demo/names/NameServer.java"));
        List<String> seven = simulatedHits("7");
        assertTrue(seven.size() >= 4, "every name server registers the names: " + seven);
        assertEquals(seven, simulatedHits("7"), "the same seed, the same steps");
        List<String> eight = simulatedHits("8");
        assertEquals(seven.size(), eight.size());
        assertFalse(seven.equals(eight), "another seed, another history: " + eight);
    }

    /** Each hit of the breakpoint in a simulated Debug launch under {@code seed}, resumed after it is noted. */
    private List<String> simulatedHits(String seed) throws Exception {
        ILaunchConfigurationWorkingCopy config = IrisLaunching.newConfiguration(project, program, cluster);
        config.setAttribute(IrisLaunching.ATTR_EMBEDDED, true);
        config.setAttribute(IrisLaunching.ATTR_MAIN, "demo.names.Main");
        config.setAttribute(IrisLaunching.ATTR_SIMULATION_SEED, seed);
        List<IJavaThread> suspended = new CopyOnWriteArrayList<>();
        List<String> hits = new ArrayList<>();
        IDebugEventSetListener listener = collectBreakpointHits(suspended);
        try {
            launch = config.launch(ILaunchManager.DEBUG_MODE, null);
            IProcess process = launch.getProcesses()[0];
            processEventsUntil(() -> {
                for (IJavaThread t : suspended) {
                    try {
                        if (t.isSuspended()) {
                            IJavaStackFrame top = (IJavaStackFrame) t.getTopStackFrame();
                            IJavaObject message = (IJavaObject) top.findVariable("message").getValue();
                            hits.add(t.getName() + " at line " + top.getLineNumber() + " registers "
                                    + message.getField("name", false).getValue().getValueString() + " as "
                                    + message.getField("pid", false).getValue().getValueString());
                            t.resume();
                        }
                    } catch (DebugException e) {
                        throw new IllegalStateException(e);
                    }
                }
                return process.isTerminated();
            }, () -> "the simulated run of seed " + seed + " to end: " + hits + "\n" + output(process));
            assertEquals(0, process.getExitValue(), output(process));
            assertTrue(output(process).replace("\r", "").contains(EXPECTED), output(process));
            assertTrue(output(process).contains("listening on local:sim:"), "simulated nodes: " + output(process));
        } finally {
            DebugPlugin.getDefault().removeDebugEventListener(listener);
            launch.terminate();
            processEventsUntil(launch::isTerminated, () -> "the launch to end");
        }
        return hits;
    }

    /** Sets a line breakpoint where the name server puts a name; returns its line. */
    private static IJavaLineBreakpoint breakAtRegister(IFile handler) throws Exception {
        List<String> lines = handler.readString().lines().toList();
        int line = lines.indexOf(lines.stream().filter(l -> l.contains("names.put(")).findFirst().orElseThrow()) + 1;
        return JDIDebugModel.createLineBreakpoint(handler, "demo.names.NameServer", line, -1, -1, 0, true, null);
    }

    /** Lets {@code seconds} pass with a node held, and asserts the program did not end meanwhile. */
    private static void holdFor(int seconds, IProcess main) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < until) {
            long chunk = Math.min(until, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
            processEventsUntil(() -> main.isTerminated() || System.nanoTime() >= chunk, () -> "ten seconds");
            assertFalse(main.isTerminated(), "the program ended while a node was held: " + output(main));
        }
    }

    /** Adds (and returns) a debug event listener that collects the threads a breakpoint suspends. */
    private static IDebugEventSetListener collectBreakpointHits(List<IJavaThread> suspended) {
        IDebugEventSetListener listener = events -> {
            for (DebugEvent e : events) {
                if (e.getKind() == DebugEvent.SUSPEND && e.getDetail() == DebugEvent.BREAKPOINT
                        && e.getSource() instanceof IJavaThread t) {
                    suspended.add(t);
                }
            }
        };
        DebugPlugin.getDefault().addDebugEventListener(listener);
        return listener;
    }

    /** Resumes each of {@code suspended} that is suspended (as a person would, one by one) until {@code done}. */
    private static void resumeUntil(List<IJavaThread> suspended, BooleanSupplier done, Supplier<String> what) {
        processEventsUntil(() -> {
            for (IJavaThread t : suspended) {
                if (t.isSuspended()) {
                    try {
                        t.resume();
                    } catch (DebugException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            return done.getAsBoolean();
        }, what);
    }

    @Test
    void aBreakpointInAHandlerStopsThatNodesJvmWhileAnotherGoesOn() throws Exception {
        IFile handler = project.getFile(IrisProjects.SRC + "/demo/names/NameServer.java");
        int line = breakAtRegister(handler).getLineNumber();
        List<IJavaThread> suspended = new CopyOnWriteArrayList<>();
        IDebugEventSetListener listener = collectBreakpointHits(suspended);
        try {
            launch = nodesOnly().launch(ILaunchManager.DEBUG_MODE, null);
            assertEquals(2, launch.getDebugTargets().length, "each node JVM is a Java debug target");
            assertLabelledByNode(launch.getProcesses());
            awaitReady(launch.getProcesses());

            CompletableFuture<String> client = client();
            // two name servers per node: each one's handler stops at the breakpoint
            processEventsUntil(() -> suspended.stream().distinct().count() == 4,
                    () -> "the four name servers at the breakpoint, seen " + suspended);
            var targets = launch.getDebugTargets();
            for (IJavaThread thread : suspended) {
                IJavaStackFrame top = (IJavaStackFrame) thread.getTopStackFrame();
                assertEquals("demo.names.NameServer", top.getDeclaringTypeName());
                assertEquals("onRegister", top.getMethodName());
                assertEquals(line, top.getLineNumber());
                assertEquals(handler, launch.getSourceLocator().getSourceElement(top), "source lookup finds the handler");
            }
            assertEquals(2, suspended.stream().filter(t -> t.getDebugTarget() == targets[0]).count());

            targets[0].resume();
            processEventsUntil(() -> suspended.stream().filter(t -> t.getDebugTarget() == targets[0])
                    .noneMatch(IJavaThread::isSuspended), () -> "the first node to go on");
            assertTrue(suspended.stream().filter(t -> t.getDebugTarget() == targets[1]).allMatch(IJavaThread::isSuspended),
                    "the other node's handlers stay stopped");
            assertTrue(!launch.getProcesses()[0].isTerminated() && !launch.getProcesses()[1].isTerminated());

            targets[1].resume();
            processEventsUntil(client::isDone, () -> "the client to complete once both nodes go on");
            assertEquals(EXPECTED, client.get(), "once both go on, the program completes");
        } finally {
            DebugPlugin.getDefault().removeDebugEventListener(listener);
        }
    }

    /**
     * Debug time with a breakpoint that suspends its whole JVM (suspend policy VM): held 7 s, more
     * than twice the sends' time-out (cut to 3 s) and three failure time-outs, then the JVM resumed, the
     * program completes. (The example's held node waits on no time-out of its own, so this passes
     * without {@code JvmStills} too; {@code JvmStillsTest} is what shows a stopped JVM's own
     * time-outs do not run.)
     */
    @Test
    void aBreakpointThatSuspendsItsWholeJvmDoesNotBreakTheProgram() throws Exception {
        shortTimeOuts();
        breakAtRegister(project.getFile(IrisProjects.SRC + "/demo/names/NameServer.java"))
                .setSuspendPolicy(IJavaBreakpoint.SUSPEND_VM);
        List<IJavaThread> suspended = new CopyOnWriteArrayList<>();
        IDebugEventSetListener listener = collectBreakpointHits(suspended);
        try {
            launch = onFreePorts().launch(ILaunchManager.DEBUG_MODE, null);
            IProcess main = Arrays.stream(launch.getProcesses()).filter(p -> p.getLabel().startsWith("client — "))
                    .findFirst().orElseThrow();
            processEventsUntil(() -> !suspended.isEmpty(), () -> "a name server at the breakpoint: " + output(main));
            assertTrue(suspended.get(0).getDebugTarget().isSuspended(), "the whole JVM stands");
            holdFor(7, main);
            // Resume on the JVM, as a person resumes a JVM that stands whole (each hit stops it again)
            processEventsUntil(() -> {
                for (IJavaThread t : suspended) {
                    if (t.getDebugTarget().isSuspended()) {
                        try {
                            t.getDebugTarget().resume();
                        } catch (DebugException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
                return main.isTerminated();
            }, () -> "the program to end once resumed: " + output(main));
            assertEquals(0, main.getExitValue(), output(main));
            assertTrue(output(main).replace("\r", "").contains(EXPECTED), output(main));
        } finally {
            DebugPlugin.getDefault().removeDebugEventListener(listener);
        }
    }

    /**
     * Debug time: the program's main class, in Debug, is held for 13 s at a breakpoint in a name
     * server's handler, more than four times its sends' time-out and twice its client's (cut to 3 s
     * and 6 s); the IDE stops the time of every JVM of the launch meanwhile, and once the threads
     * are resumed the program completes as if nothing had happened.
     */
    @Test
    void aBreakpointHeldLongerThanEveryTimeOutDoesNotBreakTheProgram() throws Exception {
        shortTimeOuts();
        breakAtRegister(project.getFile(IrisProjects.SRC + "/demo/names/NameServer.java"));
        List<IJavaThread> suspended = new CopyOnWriteArrayList<>();
        IDebugEventSetListener listener = collectBreakpointHits(suspended);
        try {
            launch = onFreePorts().launch(ILaunchManager.DEBUG_MODE, null);
            IProcess main = Arrays.stream(launch.getProcesses()).filter(p -> p.getLabel().startsWith("client — "))
                    .findFirst().orElseThrow();
            processEventsUntil(() -> !suspended.isEmpty(), () -> "a name server at the breakpoint: " + output(main));
            processEventsUntil(() -> monitor().timePaused() && monitor().connected().containsAll(
                    List.of("n1", "n2", "client")), () -> "the time of every JVM stopped: " + monitor().connected());
            holdFor(13, main);
            // resume every held handler, those that reach the breakpoint later too, until the program ends
            resumeUntil(suspended, main::isTerminated, () -> "the program to end once resumed: " + output(main));
            assertEquals(0, main.getExitValue(), output(main));
            assertTrue(output(main).replace("\r", "").contains(EXPECTED), output(main));
            processEventsUntil(() -> !monitor().timePaused(), () -> "the time running again");
        } finally {
            DebugPlugin.getDefault().removeDebugEventListener(listener);
        }
    }

    /**
     * With "suspend every JVM" on, a breakpoint in one node's handler suspends the other JVMs of the
     * launch too (the other node's and the main class's), and resuming the thread that stopped
     * resumes them; the program completes.
     */
    @Test
    void suspendAllSuspendsEveryNodeAtABreakpointAndResumingResumesThemAll() throws Exception {
        breakAtRegister(project.getFile(IrisProjects.SRC + "/demo/names/NameServer.java"));
        List<IJavaThread> suspended = new CopyOnWriteArrayList<>();
        IDebugEventSetListener listener = collectBreakpointHits(suspended);
        try {
            // the default configuration: the main class drives the cluster from a JVM of the launch
            ILaunchConfigurationWorkingCopy config = onFreePorts();
            config.setAttribute(IrisLaunching.ATTR_SUSPEND_ALL, true);
            launch = config.launch(ILaunchManager.DEBUG_MODE, null);
            IProcess main = Arrays.stream(launch.getProcesses()).filter(p -> p.getLabel().startsWith("client — "))
                    .findFirst().orElseThrow();
            processEventsUntil(() -> !suspended.isEmpty(), () -> "a name server at the breakpoint: " + output(main));
            var stopped = suspended.get(0).getDebugTarget();
            var others = Arrays.stream(launch.getDebugTargets()).filter(t -> t != stopped).toList();
            assertEquals(2, others.size(), "the other node's JVM and the main's");
            processEventsUntil(() -> others.stream().allMatch(t -> t.isSuspended() || t.isTerminated()),
                    () -> "the other JVMs suspended with the one that stopped");
            assertFalse(main.isTerminated(), output(main));

            // a person resumes each handler that stops; the JVMs suspended with it go on each time
            resumeUntil(suspended, main::isTerminated, () -> "the program to end: " + output(main));
            assertEquals(0, main.getExitValue(), output(main));
            assertTrue(output(main).replace("\r", "").contains(EXPECTED), output(main));
            processEventsUntil(() -> Arrays.stream(launch.getDebugTargets()).noneMatch(t -> t.isSuspended()),
                    () -> "no JVM left suspended");
        } finally {
            DebugPlugin.getDefault().removeDebugEventListener(listener);
        }
    }

    private static ClusterRegistry.Cluster.State state() {
        return ClusterRegistry.getDefault().clusters().stream().filter(c -> c.name().equals(cluster.name()))
                .map(ClusterRegistry.Cluster::state).findFirst().orElse(null);
    }

    /**
     * Runs the example's client ({@code Main.client}) on a client node in this JVM, with the
     * project's compiled classes and credentials from the launch's authority.
     */
    private static CompletableFuture<String> client() {
        return CompletableFuture.supplyAsync(() -> {
            URLClassLoader[] loader = new URLClassLoader[1];
            try (Node client = UiTests.clusterClient(project, program, cluster, "client", l -> loader[0] = l)) {
                Method main = loader[0].loadClass("demo.names.Main").getMethod("client", Kernel.class);
                return client.call("client", Duration.ofSeconds(120), k -> (String) main.invoke(null, k));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                try {
                    if (loader[0] != null) {
                        loader[0].close();
                    }
                } catch (java.io.IOException e) {
                    // nothing held open
                }
            }
        });
    }

    @Test
    void theShortcutLaunchesTheLocalClusterAndReusesItsConfiguration() throws Exception {
        var first = IrisLaunchShortcut.configuration(project);
        assertEquals(project.getName(), first.getAttribute(IrisLaunching.ATTR_PROJECT, ""));
        assertEquals("demo.names.NamesSystem", first.getAttribute(IrisLaunching.ATTR_SYSTEM, ""));
        assertEquals("local", first.getAttribute(IrisLaunching.ATTR_CLUSTER, ""));
        assertEquals(false, first.getAttribute(IrisLaunching.ATTR_EMBEDDED, true));
        assertEquals("demo.names.Main", first.getAttribute(IrisLaunching.ATTR_MAIN, ""), "its main class drives it");
        assertEquals(first, IrisLaunchShortcut.configuration(project), "Run As again reuses the configuration");
        first.delete();
        org.junit.jupiter.api.Assertions.assertThrows(CoreException.class, () -> IrisLaunchShortcut.configuration(
                org.eclipse.core.resources.ResourcesPlugin.getWorkspace().getRoot().getProject("no-such-project")));
    }
}
