package dev.iris.ui;

import dev.iris.core.launching.IrisLaunching;
import dev.iris.core.launching.IrisPrograms;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeConfig;
import dev.iris.runtime.launch.GeneratedSystem;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.swt.widgets.Display;

/** Helpers of the workbench tests, which run on the UI thread. */
public final class UiTests {
    private UiTests() {
    }

    /**
     * Runs the UI event loop until {@code condition} holds (work finishing in other threads and
     * posting to the UI thread); fails after 20 s, saying what was awaited and what was seen.
     */
    public static void processEventsUntil(BooleanSupplier condition, Supplier<String> what) {
        Display display = Display.getCurrent();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what.get());
            }
            if (!display.readAndDispatch()) {
                display.timerExec(20, () -> { });
                display.sleep();
            }
        }
    }

    /** {@link #processEventsUntil(BooleanSupplier, Supplier)} with a fixed description. */
    public static void processEventsUntil(BooleanSupplier condition) {
        processEventsUntil(condition, () -> "the condition");
    }

    /**
     * Starts a node named {@code name} in this JVM that joins {@code cluster} of a running launch
     * of {@code project}'s {@code program}: the program's classes from the project's {@code bin},
     * credentials from the launch's authority, seeded with the addresses its node JVMs listen on.
     * Waits until it sees every node of the cluster.
     *
     * @param loader receives the class loader of the program's classes (close it after the node)
     */
    public static Node clusterClient(IProject project, IrisPrograms.Program program, IrisPrograms.Cluster cluster,
            String name, java.util.function.Consumer<URLClassLoader> loader) throws Exception {
        URLClassLoader classes = new URLClassLoader(new URL[] {bin(project)}, Node.class.getClassLoader());
        loader.accept(classes);
        GeneratedSystem system = GeneratedSystem.load(program.systemClass(), classes);
        Object spec = system.cluster(cluster.name());
        // where each node listens: as its JVM said (it may run on a free port), else as declared
        List<SocketAddress> seeds = cluster.nodes().stream().map(n -> {
            String address = IrisLaunching.nodeProcess(cluster.name(), n.name())
                    .map(p -> p.getAttribute(IrisLaunching.ATTR_PROCESS_ADDRESS)).orElse(n.address());
            return (SocketAddress) new InetSocketAddress("127.0.0.1",
                    Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)));
        }).toList();
        NodeConfig config = NodeConfig.of(name, GeneratedSystem.name(spec), new InetSocketAddress("127.0.0.1", 0),
                seeds).withMemory(system.memory(spec))
                .withCredentials(IrisLaunching.authority(project, cluster.name()).issue(name));
        Node client = Node.start(config, system.codecs());
        if (!client.awaitMembers(cluster.nodes().size() + 1, Duration.ofSeconds(30))) {
            client.close();
            throw new IllegalStateException("the client sees only " + client.members());
        }
        return client;
    }

    private static URL bin(IProject project) throws MalformedURLException {
        return project.getFolder("bin").getLocation().toFile().toURI().toURL();
    }

    /**
     * Saves the whole screen (the workbench under Xvfb) as {@code target/screenshots/NAME}, after
     * letting it paint for {@code settleMillis}; returns the file.
     */
    public static java.nio.file.Path screenshot(String name, long settleMillis) throws java.io.IOException {
        long settle = System.nanoTime() + settleMillis * 1_000_000L;
        processEventsUntil(() -> System.nanoTime() > settle, () -> "painting");
        Display display = Display.getCurrent();
        org.eclipse.swt.graphics.Rectangle bounds = display.getBounds();
        org.eclipse.swt.graphics.Image image = new org.eclipse.swt.graphics.Image(display, bounds.width, bounds.height);
        org.eclipse.swt.graphics.GC gc = new org.eclipse.swt.graphics.GC(display);
        try {
            gc.copyArea(image, 0, 0);
        } finally {
            gc.dispose();
        }
        java.nio.file.Path png = java.nio.file.Files.createDirectories(java.nio.file.Path.of(
                System.getProperty("user.dir"), "target", "screenshots")).resolve(name);
        org.eclipse.swt.graphics.ImageLoader loader = new org.eclipse.swt.graphics.ImageLoader();
        loader.data = new org.eclipse.swt.graphics.ImageData[] {image.getImageData()};
        loader.save(png.toString(), org.eclipse.swt.SWT.IMAGE_PNG);
        image.dispose();
        return png;
    }

    /**
     * Creates a project from {@code example} and builds it, failing on any error marker; launches
     * of Iris clusters will not switch perspective (no prompt can block the UI thread) nor show the
     * console on output.
     */
    public static IProject launchableProject(String name, dev.iris.core.IrisProjects.Example example)
            throws CoreException {
        for (String mode : List.of(org.eclipse.debug.core.ILaunchManager.RUN_MODE,
                org.eclipse.debug.core.ILaunchManager.DEBUG_MODE)) {
            org.eclipse.debug.ui.DebugUITools.setLaunchPerspective(IrisLaunching.type(), mode,
                    org.eclipse.debug.ui.IDebugUIConstants.PERSPECTIVE_NONE);
        }
        // nor bring the console to the front as nodes print (it would hide the views under test)
        var debugUi = org.eclipse.core.runtime.preferences.InstanceScope.INSTANCE.getNode("org.eclipse.debug.ui");
        debugUi.putBoolean("DEBUG.consoleOpenOnOut", false);
        debugUi.putBoolean("DEBUG.consoleOpenOnErr", false);
        IProject project = dev.iris.core.IrisProjects.create(name, null, example, null);
        project.build(org.eclipse.core.resources.IncrementalProjectBuilder.FULL_BUILD, null);
        List<String> errors = java.util.Arrays.stream(project.findMarkers(org.eclipse.core.resources.IMarker.PROBLEM,
                true, org.eclipse.core.resources.IResource.DEPTH_INFINITE))
                .filter(m -> m.getAttribute(org.eclipse.core.resources.IMarker.SEVERITY, -1)
                        == org.eclipse.core.resources.IMarker.SEVERITY_ERROR)
                .map(m -> m.getAttribute(org.eclipse.core.resources.IMarker.MESSAGE, "")).toList();
        if (!errors.isEmpty()) {
            throw new AssertionError("project " + name + " has errors: " + errors);
        }
        return project;
    }

    /**
     * A socket listening on {@code address} (host:port), so that nothing else can; null if something
     * holds it already, which is what the caller needs either way.
     */
    public static ServerSocket holdIfFree(String address) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.bind(new InetSocketAddress(address.substring(0, address.lastIndexOf(':')),
                    Integer.parseInt(address.substring(address.lastIndexOf(':') + 1))));
            return socket;
        } catch (BindException taken) {
            socket.close();
            return null;
        }
    }
}
