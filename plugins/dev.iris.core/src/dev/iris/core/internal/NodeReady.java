package dev.iris.core.internal;

import dev.iris.core.launching.IrisLaunching;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.eclipse.core.runtime.Status;
import org.eclipse.debug.core.DebugEvent;
import org.eclipse.debug.core.DebugException;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.IDebugEventSetListener;
import org.eclipse.debug.core.model.IProcess;

/**
 * Waits for a launched node JVM to be ready: its {@code READY} line gives the process its
 * {@link IrisLaunching#ATTR_PROCESS_ADDRESS} ({@link MonitorAnnouncements}), which fires a change
 * event. A JVM that ends first is reported at once, with its exit code and the last line it wrote
 * to standard error.
 */
final class NodeReady {
    /** How long a node JVM may take to start its node and processes. */
    private static final long READY_SECONDS = 60;

    private NodeReady() {
    }

    /**
     * The address {@code process}, which runs {@code node}, listens on once it is ready; waits at
     * most {@value #READY_SECONDS} s if {@code bounded} (not in Debug: a breakpoint may hold the
     * node's start as long as a person likes).
     *
     * @throws CoreException if the JVM ends first or is not ready in time
     * @throws OperationCanceledException if {@code progress} is cancelled meanwhile
     */
    static String await(IProcess process, String node, MonitorAnnouncements output, boolean bounded,
            IProgressMonitor progress) throws CoreException {
        CompletableFuture<String> ready = new CompletableFuture<>();
        IDebugEventSetListener listener = events -> {
            for (DebugEvent event : events) {
                if (event.getSource() == process) {
                    check(process, output, ready);
                }
            }
        };
        DebugPlugin.getDefault().addDebugEventListener(listener);
        try {
            check(process, output, ready); // it may have printed READY, or ended, before the listener was added
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
            while (true) {
                try {
                    return ready.get(100, TimeUnit.MILLISECONDS); // short, to see a cancellation
                } catch (TimeoutException e) {
                    if (progress.isCanceled()) {
                        throw new OperationCanceledException();
                    }
                    if (bounded && System.nanoTime() - deadline > 0) {
                        throw new CoreException(Status.error("node " + node + " was not ready within " + READY_SECONDS
                                + " s: see its console"));
                    }
                } catch (ExecutionException e) {
                    throw new CoreException(Status.error(e.getCause().getMessage()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new OperationCanceledException();
                }
            }
        } finally {
            DebugPlugin.getDefault().removeDebugEventListener(listener);
        }
    }

    private static void check(IProcess process, MonitorAnnouncements output, CompletableFuture<String> ready) {
        String address = process.getAttribute(IrisLaunching.ATTR_PROCESS_ADDRESS);
        if (address != null) {
            ready.complete(address);
        } else if (process.isTerminated()) {
            ready.completeExceptionally(new IllegalStateException("the JVM of node "
                    + process.getAttribute(IrisLaunching.ATTR_PROCESS_NODE) + " ended before its node was ready"
                    + exitCode(process) + (output.lastError().isEmpty() ? "" : ": " + output.lastError())
                    + " (see its console)"));
        }
    }

    private static String exitCode(IProcess process) {
        try {
            return " (exit code " + process.getExitValue() + ")";
        } catch (DebugException e) {
            return "";
        }
    }
}
