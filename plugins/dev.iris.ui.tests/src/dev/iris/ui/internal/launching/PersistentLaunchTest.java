package dev.iris.ui.internal.launching;

import static dev.iris.ui.UiTests.processEventsUntil;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.core.IrisProjects;
import dev.iris.core.launching.IrisLaunching;
import dev.iris.core.launching.IrisPrograms;
import dev.iris.ui.UiTests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IncrementalProjectBuilder;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.debug.core.model.IProcess;
import org.eclipse.debug.ui.console.IConsole;
import org.eclipse.ui.console.ConsolePlugin;
import org.eclipse.ui.console.TextConsole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A persistent cluster launched from the IDE with a JVM per node, twice: each node JVM keeps its
 * pages in a directory of its own (before, they all got the launch folder's, where the second
 * node's log was refused as in use, and which every launch deleted), so the second launch counts on
 * from where the first stopped. The second runs the processes on their event loops, as the Program
 * tab's option says: its JVMs get the JVM option that needs.
 */
class PersistentLaunchTest {
    private IProject project;
    private ILaunch launch;

    @AfterEach
    void cleanUp() throws Exception {
        if (launch != null && !launch.isTerminated()) {
            launch.terminate();
            processEventsUntil(launch::isTerminated, () -> "the launch to end");
        }
        if (project != null) {
            project.delete(true, true, null);
        }
    }

    private static String output(IProcess process) {
        return Arrays.stream(ConsolePlugin.getDefault().getConsoleManager().getConsoles())
                .filter(c -> c instanceof IConsole d && d.getProcess() == process)
                .map(c -> ((TextConsole) c).getDocument().get()).findFirst().orElse("");
    }

    /** Launches {@code config} and waits until a node JVM prints {@code line}; returns the launch. */
    private ILaunch launchUntil(ILaunchConfigurationWorkingCopy config, String line) throws CoreException {
        launch = config.launch(ILaunchManager.RUN_MODE, null);
        processEventsUntil(() -> Arrays.stream(launch.getProcesses()).anyMatch(p -> output(p).contains(line)),
                () -> line + " from a node JVM: " + Arrays.stream(launch.getProcesses())
                        .map(p -> p.getLabel() + (p.isTerminated() ? " (ended)" : "") + ": " + output(p)).toList());
        return launch;
    }

    @Test
    void aPersistentClusterCountsOnAcrossLaunches() throws Exception {
        project = UiTests.launchableProject("persistent-launch", IrisProjects.Example.NAMES);
        Path root = project.getLocation().toPath();
        Files.writeString(root.resolve(IrisProjects.IRIS_SRC).resolve("durable.iris"), """
                system demo.durable

                shared Counter { long value }

                process Bumper { uses Counter }

                cluster durable {
                    persistent
                    node d1 at "127.0.0.1:7311" runs Bumper
                    node d2 at "127.0.0.1:7312"
                }
                """, StandardCharsets.UTF_8);
        Path java = Files.createDirectories(root.resolve(IrisProjects.SRC).resolve("demo/durable"));
        Files.writeString(java.resolve("Bumper.java"), """
                package demo.durable;

                /** Counts its starts in the persistent counter, once the memory opened (every node is up). */
                public class Bumper extends AbstractBumper {
                    @Override
                    protected void onStart() {
                        Thread.ofVirtual().start(() -> {
                            long next = counter().getValue() + 1;
                            counter().setValue(next);
                            System.out.println("COUNTER " + next);
                        });
                    }
                }
                """, StandardCharsets.UTF_8);
        project.refreshLocal(org.eclipse.core.resources.IResource.DEPTH_INFINITE, null);
        project.build(IncrementalProjectBuilder.FULL_BUILD, null);
        IrisPrograms.Program program = IrisPrograms.of(project).stream()
                .filter(p -> p.systemClass().equals("demo.durable.DurableSystem")).findFirst().orElseThrow(
                        () -> new AssertionError("the durable system was built: " + IrisPrograms.of(project)));
        IrisPrograms.Cluster cluster = program.cluster("durable").orElseThrow();
        ILaunchConfigurationWorkingCopy config = IrisLaunching.newConfiguration(project, program, cluster);
        config.setAttribute(IrisLaunching.ATTR_FREE_PORTS, true);
        config.setAttribute(IrisLaunching.ATTR_MAIN, "");

        launchUntil(config, "COUNTER 1");
        launch.terminate();
        processEventsUntil(launch::isTerminated, () -> "the first launch to end");
        for (String node : new String[] {"d1", "d2"}) {
            assertTrue(Files.isRegularFile(root.resolve("iris-data/durable").resolve(node).resolve("pages.log")),
                    "node " + node + " keeps its own log");
        }

        boolean loopsAvailable = Runtime.version().feature() >= 24;
        config.setAttribute(IrisLaunching.ATTR_PROCESSES_ON_EVENT_LOOP, loopsAvailable);
        launchUntil(config, "COUNTER 2");
        for (IProcess process : launch.getProcesses()) {
            String command = process.getAttribute(IProcess.ATTR_CMDLINE);
            assertTrue(!loopsAvailable || command.contains("--add-opens=java.base/java.lang=ALL-UNNAMED"), command);
        }
    }
}
