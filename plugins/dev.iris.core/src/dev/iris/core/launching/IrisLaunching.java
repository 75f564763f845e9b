package dev.iris.core.launching;

import dev.iris.runtime.security.ClusterAuthority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.Platform;
import org.eclipse.core.runtime.Status;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationType;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.model.IProcess;
import org.eclipse.jdt.core.JavaCore;
import org.eclipse.jdt.launching.IJavaLaunchConfigurationConstants;
import org.osgi.framework.FrameworkUtil;

/**
 * The "Iris Cluster" launch configurations: run or debug a program's cluster from the IDE, one
 * JVM per node over TCP (each a Java debug target in Debug mode) or all nodes in one JVM.
 *
 * <p>Attributes: the project ({@link #ATTR_PROJECT}), the generated system class
 * ({@link #ATTR_SYSTEM}), the cluster ({@link #ATTR_CLUSTER}; empty: {@code local}, else the
 * first), the nodes to start ({@link #ATTR_NODES}; empty: all), whether to run embedded
 * ({@link #ATTR_EMBEDDED}), whether node JVMs listen on free ports ({@link #ATTR_FREE_PORTS}) and the main class that drives the cluster ({@link #ATTR_MAIN}; empty:
 * the nodes run their processes only), plus JDT's JVM and program arguments, JRE and environment
 * attributes. Embedded, the main class runs with every node in its JVM; with a JVM per node, it
 * runs in a JVM of its own, as a client node that joins them (see
 * {@link dev.iris.runtime.launch.ClusterSession}: the launch names the client's configuration in
 * {@code IRIS_CLIENT}).
 *
 * <p>Nodes in their own JVMs authenticate with mutual TLS: each launch issues their credentials
 * from a certificate authority per project and cluster that the IDE keeps in its state location
 * ({@link #authority}); nothing is written into the project.
 */
public final class IrisLaunching {
    /** The launch configuration type id. */
    public static final String TYPE_ID = "dev.iris.core.launching.cluster";
    /** The project (JDT's attribute, so that JDT's tabs and source lookup find it). */
    public static final String ATTR_PROJECT = IJavaLaunchConfigurationConstants.ATTR_PROJECT_NAME;
    /** The qualified name of the generated system class ({@code demo.names.NamesSystem}). */
    public static final String ATTR_SYSTEM = "dev.iris.core.system";
    /** The cluster's name. */
    public static final String ATTR_CLUSTER = "dev.iris.core.cluster";
    /** The names of the nodes to start (a list); empty or absent: every node of the cluster. */
    public static final String ATTR_NODES = "dev.iris.core.nodes";
    /** Whether all nodes run embedded in one JVM (boolean; default false: one JVM per node). */
    public static final String ATTR_EMBEDDED = "dev.iris.core.embedded";
    /**
     * Whether a node's JVM stopping at a breakpoint suspends every other JVM of the launch too
     * (boolean; default false: only the thread that hit it stops, and the cluster's time stands).
     * Resuming the JVM that stopped resumes the others; stepping in it keeps them suspended.
     */
    public static final String ATTR_SUSPEND_ALL = "dev.iris.core.suspendAll";
    /**
     * Whether each node JVM listens on a free port the system picks as it binds, instead of the
     * address its cluster declares (boolean; default false). The nodes then start one after the
     * other, each told where those already up listen, and the main class's client joins them there:
     * a launch that does not collide with another process on the declared ports, or with another
     * launch of the same program. {@link #ATTR_PROCESS_ADDRESS} says where each node listens.
     */
    public static final String ATTR_FREE_PORTS = "dev.iris.core.freePorts";
    /**
     * Whether the processes of every JVM of the launch run on their nodes' event loops (boolean;
     * default false): a blocking send or page fault then wakes no other thread, but a process must
     * not compute for long between blocking calls, and a breakpoint stops its node's I/O. The launch
     * sets {@code IRIS_PROCESSES_ON_EVENT_LOOP=true} and the {@code --add-opens} it needs; the JRE
     * must be Java 24 or newer.
     */
    public static final String ATTR_PROCESSES_ON_EVENT_LOOP = "dev.iris.core.processesOnEventLoop";
    /**
     * Where a persistent cluster's nodes keep their pages (string): a directory per node under it,
     * relative to the working directory; empty (the default): the Environment tab's
     * {@code IRIS_DATA_DIR}, else {@code iris-data/<cluster>} in the working directory.
     */
    public static final String ATTR_DATA_DIRECTORY = "dev.iris.core.dataDirectory";
    /**
     * The seed of a deterministic simulation (a whole number, as a string); empty (the default): the
     * cluster runs for real. Simulated, all nodes run in one JVM ({@link #ATTR_EMBEDDED}) on a
     * simulated clock and transport, one step at a time, every choice drawn from the seed, and the
     * main class ({@link #ATTR_MAIN}, required) drives them ({@code IRIS_SIMULATE}): so in Debug
     * mode a breakpoint in a handler stops at the same step of the same history every time. The
     * JRE must be Java 24 or newer; the launch adds the {@code --add-opens} it needs.
     */
    public static final String ATTR_SIMULATION_SEED = "dev.iris.core.simulationSeed";
    /** The main class that drives the cluster (JDT's attribute); empty: the nodes run their processes only. */
    public static final String ATTR_MAIN = IJavaLaunchConfigurationConstants.ATTR_MAIN_TYPE_NAME;
    /**
     * The process factory every Iris configuration names ({@link DebugPlugin#ATTR_PROCESS_FACTORY_ID}):
     * it labels each JVM by its node ({@code n1 — 127.0.0.1:7201}), as the Debug view shows it.
     */
    public static final String PROCESS_FACTORY_ID = "dev.iris.core.processFactory";
    /** Process attribute: the cluster a node JVM belongs to. */
    public static final String ATTR_PROCESS_CLUSTER = "dev.iris.core.process.cluster";
    /** Process attribute: the node a JVM runs. */
    public static final String ATTR_PROCESS_NODE = "dev.iris.core.process.node";
    /** Process attribute: where a node JVM listens ({@code host:port}), once it is ready. */
    public static final String ATTR_PROCESS_ADDRESS = "dev.iris.core.process.address";

    /** The running JVM of {@code node} of {@code cluster} among the IDE's launches, if there is one. */
    public static Optional<IProcess> nodeProcess(String cluster, String node) {
        for (ILaunch launch : DebugPlugin.getDefault().getLaunchManager()
                .getLaunches()) {
            for (IProcess process : launch.getProcesses()) {
                if (!process.isTerminated() && cluster.equals(process.getAttribute(ATTR_PROCESS_CLUSTER))
                        && node.equals(process.getAttribute(ATTR_PROCESS_NODE))) {
                    return Optional.of(process);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Fault injection: kills the JVM of {@code node} of {@code cluster} at once (SIGKILL: no
     * shutdown hook runs, its peers see it vanish), as a crash would.
     *
     * @throws CoreException if the IDE runs no such node
     */
    public static void kill(String cluster, String node) throws CoreException {
        IProcess process = nodeProcess(cluster, node).orElseThrow(() -> new CoreException(
                Status.error("the IDE runs no node '" + node + "' of cluster '" + cluster
                        + "'")));
        String pid = process.getAttribute(IProcess.ATTR_PROCESS_ID);
        Optional<ProcessHandle> handle = pid == null ? Optional.empty()
                : ProcessHandle.of(Long.parseLong(pid));
        if (handle.isPresent()) {
            handle.get().destroyForcibly();
        } else {
            process.terminate();
        }
    }

    private IrisLaunching() {
    }

    /**
     * The open project named {@code name}, if there is one; empty for a blank or invalid name (a
     * new configuration's), where {@code getProject} would throw.
     */
    public static Optional<IProject> openProject(String name) {
        String trimmed = name == null ? "" : name.strip();
        if (!ResourcesPlugin.getWorkspace().validateName(trimmed, IResource.PROJECT).isOK()) {
            return Optional.empty();
        }
        IProject project = ResourcesPlugin.getWorkspace().getRoot().getProject(trimmed);
        return project.isAccessible() ? Optional.of(project) : Optional.empty();
    }

    /** The launch configuration type. */
    public static ILaunchConfigurationType type() {
        return DebugPlugin.getDefault().getLaunchManager().getLaunchConfigurationType(TYPE_ID);
    }

    /**
     * A new (unsaved) configuration that runs {@code cluster} of {@code program} in {@code project},
     * one JVM per node, named after the project and cluster (made unique); driven by the project's
     * main class if it has exactly one.
     */
    public static ILaunchConfigurationWorkingCopy newConfiguration(IProject project, IrisPrograms.Program program,
            IrisPrograms.Cluster cluster) throws CoreException {
        String name = DebugPlugin.getDefault().getLaunchManager()
                .generateLaunchConfigurationName(project.getName() + " - " + cluster.name());
        ILaunchConfigurationWorkingCopy copy = type().newInstance(null, name);
        copy.setAttribute(ATTR_PROJECT, project.getName());
        copy.setAttribute(ATTR_SYSTEM, program.systemClass());
        copy.setAttribute(ATTR_CLUSTER, cluster.name());
        copy.setAttribute(ATTR_NODES, List.<String>of());
        copy.setAttribute(ATTR_EMBEDDED, false);
        copy.setAttribute(ATTR_FREE_PORTS, false);
        List<String> mains = IrisPrograms.mainTypes(JavaCore.create(project));
        copy.setAttribute(ATTR_MAIN, mains.size() == 1 ? mains.get(0) : "");
        copy.setAttribute(DebugPlugin.ATTR_PROCESS_FACTORY_ID, PROCESS_FACTORY_ID);
        copy.setMappedResources(new IResource[] {project});
        return copy;
    }

    /** Where a launch of {@code configuration} keeps its nodes' configuration and credentials. */
    public static Path launchDirectory(ILaunchConfiguration configuration) {
        return state().resolve("launches").resolve(safe(configuration.getName()));
    }

    /**
     * The certificate authority of {@code cluster} of {@code project}, created on first use and
     * kept in the IDE's state location (the key readable by its owner only).
     */
    public static synchronized ClusterAuthority authority(IProject project, String cluster) throws CoreException {
        Path dir = state().resolve("authorities").resolve(safe(project.getName())).resolve(safe(cluster));
        try {
            if (Files.isRegularFile(dir.resolve("ca.pem"))) {
                return ClusterAuthority.read(dir);
            }
            ClusterAuthority authority = ClusterAuthority.create(cluster);
            authority.write(dir);
            return authority;
        } catch (IOException e) {
            throw new CoreException(Status.error("cannot keep the certificate authority of cluster '" + cluster
                    + "' in " + dir + ": " + e.getMessage(), e));
        }
    }

    private static Path state() {
        return Platform.getStateLocation(FrameworkUtil.getBundle(IrisLaunching.class)).toPath();
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
