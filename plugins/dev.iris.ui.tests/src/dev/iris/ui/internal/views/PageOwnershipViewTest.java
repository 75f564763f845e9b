package dev.iris.ui.internal.views;

import static dev.iris.ui.UiTests.processEventsUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.core.ClusterRegistry;
import dev.iris.core.IrisProjects;
import dev.iris.core.launching.IrisLaunching;
import dev.iris.core.launching.IrisPrograms;
import dev.iris.core.monitor.ClusterMonitor;
import dev.iris.core.monitor.PageOwnership.Picture;
import dev.iris.runtime.Node;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.dsm.PageInfo;
import dev.iris.runtime.monitor.MonitorMessage;
import dev.iris.ui.IrisDebugPerspective;
import dev.iris.ui.IrisPerspective;
import dev.iris.ui.UiTests;
import java.net.ServerSocket;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.eclipse.core.resources.IProject;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.debug.ui.IDebugUIConstants;
import org.eclipse.debug.ui.IDebugView;
import org.eclipse.jface.viewers.TreePath;
import org.eclipse.jface.viewers.TreeSelection;
import org.eclipse.swt.widgets.Display;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.ide.IDE;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Page Ownership view on a real run: the bank example's three node JVMs launched from the IDE
 * over TCP and mutual TLS, watched through their monitor endpoints. Runs on the UI thread.
 */
class PageOwnershipViewTest {
    private static IProject project;
    private static IrisPrograms.Program program;
    private static IrisPrograms.Cluster cluster;

    @BeforeAll
    static void createProject() throws Exception {
        project = UiTests.launchableProject("ownership-test", IrisProjects.Example.BANK);
        program = IrisPrograms.of(project).get(0);
        cluster = program.cluster(null).orElseThrow();
    }

    @AfterAll
    static void deleteProject() throws Exception {
        ClusterRegistry.getDefault().remove(cluster.name());
        project.delete(true, true, null);
    }

    @Test
    void showsPagesOwnedByTheNodesAndAWriteFromAnotherNodeMovesOwnership() throws Exception {
        IWorkbenchPage page = debugPerspective();
        IDE.openEditor(page, project.getFile(IrisProjects.IRIS_SRC + "/bank.iris"));
        PageOwnershipView view = (PageOwnershipView) page.showView(IrisDebugPerspective.PAGE_OWNERSHIP_VIEW_ID);
        var config = IrisLaunching.newConfiguration(project, program, cluster);
        config.setAttribute(IrisLaunching.ATTR_MAIN, ""); // the nodes only: this test drives them
        // on free ports: the launch works while another process holds n1's declared port
        config.setAttribute(IrisLaunching.ATTR_FREE_PORTS, true);
        ILaunch launch;
        try (ServerSocket declared = UiTests.holdIfFree(cluster.node("n1").orElseThrow().address())) {
            launch = config.launch(ILaunchManager.RUN_MODE, null);
        }
        try {
            page.bringToTop(view); // the nodes' consoles come to the front as they print
            // the status line is redrawn from the next picture, after the monitor counts the third node
            processEventsUntil(() -> view.monitor() != null && view.monitor().connected().size() == 3
                    && view.picture().size() > 0 && owners(view.picture()).size() >= 2
                    && view.statusText().contains("3 of 3 nodes"),
                    () -> "the view to show the pages of three connected nodes: " + view.statusText() + " "
                            + (view.monitor() == null ? "" : view.monitor().failures()));
            // the bank's pages start with their managers, n1, n2 and n3 in turn
            assertTrue(owners(view.picture()).size() >= 2, owners(view.picture()).toString());
            assertTrue(view.statusText().contains("3 of 3 nodes"), view.statusText());
            ProcessGroupsView groups = (ProcessGroupsView) page.showView(IrisDebugPerspective.PROCESS_GROUPS_VIEW_ID);
            processEventsUntil(() -> tellers(groups).startsWith("tellers (well-known 2) \u2014 3 member(s)"),
                    () -> "the tellers group with a teller on each node: " + groups.rows());
            assertEquals(List.of("n1 (1)", "n2 (1)", "n3 (1)"), groups.rows().stream()
                    .filter(r -> r.label().startsWith("tellers")).findFirst().orElseThrow().children().stream()
                    .map(ProcessGroupsView.Row::label).toList());

            // selecting n2's JVM in the Debug view selects n2 in the debug views, in one opened later too,
            // and closing one of them leaves the others following
            page.hideView(page.showView(IrisPerspective.CLUSTER_VIEW_ID));
            var debugView = (IDebugView) page.showView(IDebugUIConstants.ID_DEBUG_VIEW);
            var n2 = IrisLaunching.nodeProcess(cluster.name(), "n2").orElseThrow();
            var n2Path = new TreeSelection(new TreePath(new Object[] {launch, n2}));
            // the Debug view fills its tree lazily: a selection made before n2's row exists is dropped
            processEventsUntil(() -> {
                if (!n2Path.equals(debugView.getViewer().getSelection())) {
                    debugView.getViewer().setSelection(n2Path, true);
                }
                return n2Path.equals(debugView.getViewer().getSelection());
            }, () -> "n2 selected in the Debug view, not " + debugView.getViewer().getSelection());

            // the Cluster view lists the nodes, alive, with their addresses and the pages they own
            ClusterView clusterView = (ClusterView) page.showView(IrisPerspective.CLUSTER_VIEW_ID);
            processEventsUntil(() -> clusterView.rows().stream().filter(r -> r.state().equals("alive")).count() == 3,
                    () -> "three alive nodes in the Cluster view: " + clusterView.rows());
            assertEquals(List.of("n1", "n2", "n3"), clusterView.rows().stream().map(ClusterView.NodeRow::node).toList());
            assertEquals(IrisLaunching.nodeProcess(cluster.name(), "n1").orElseThrow()
                    .getAttribute(IrisLaunching.ATTR_PROCESS_ADDRESS), clusterView.rows().get(0).address());
            assertNotEquals(cluster.node("n1").orElseThrow().address(), clusterView.rows().get(0).address());
            // a page's owner is known once its owner's table has arrived: then every page has one
            processEventsUntil(() -> clusterView.rows().stream().mapToInt(ClusterView.NodeRow::pagesOwned).sum()
                    == view.monitor().picture().size() && view.monitor().picture().size() == 5,
                    () -> "every page owned by one of the nodes: " + clusterView.rows());
            processEventsUntil(() -> "n2".equals(clusterView.selectedNode()),
                    () -> "n2 selected in the Cluster view, not " + clusterView.selectedNode());
            Path trace = Files.createTempDirectory("iris-recording").resolve("local.iristrace");
            assertEquals(trace, clusterView.toggleRecording(trace));
            page.bringToTop(view);

            URLClassLoader[] loader = new URLClassLoader[1];
            try (Node client = UiTests.clusterClient(project, program, cluster, "teller-desk", l -> loader[0] = l)) {
                // transfers through the tellers of every node move the accounts' pages between them
                var transfer = loader[0].loadClass("demo.bank.Transfer").getConstructor(int.class, int.class,
                        long.class);
                client.call("transfers", java.time.Duration.ofSeconds(60), k -> {
                    List<ProcessId> tellers = List.copyOf(k.members(ProcessId.wellKnownGroup(2)));
                    for (int i = 0; i < 30; i++) {
                        k.send(tellers.get(i % tellers.size()), transfer.newInstance(i % 64, (i * 7 + 1) % 64, 5L),
                                java.time.Duration.ofSeconds(10));
                    }
                    return null;
                });
                processEventsUntil(() -> view.monitor().eventsApplied() >= 30,
                        () -> "the transfers' memory events in the view: " + view.statusText());
                Picture before = view.picture();
                assertTrue(owners(before).size() >= 2, owners(before).toString());

                // the Message Trace shows the transfers arriving at the tellers and the pages moving
                MessageTraceView traceView = (MessageTraceView) page.showView(
                        IrisDebugPerspective.MESSAGE_TRACE_VIEW_ID);
                processEventsUntil(() -> traceView.trace() != null && traceView.trace().arrows().stream()
                        .filter(a -> a.kind() == dev.iris.core.monitor.MessageTrace.Kind.SEND
                                && a.summary().startsWith("Transfer")).count() == 30
                        && traceView.trace().arrows().stream().anyMatch(a -> !a.kind().isMessage()),
                        () -> "30 transfers and page moves in the trace: " + traceView.statusText());
                var arrived = traceView.trace().arrows().stream().filter(a -> a.summary().startsWith("Transfer"))
                        .findFirst().orElseThrow();
                assertEquals("teller-desk", arrived.fromNode());
                int[] middle = traceView.endOf(arrived);
                assertTrue(traceView.clickAt(middle[0], middle[1]) != null, "an arrow under the click");
                // a transfer's arrow says its fields, its receiver's process name and its reply
                assertTrue(traceView.statusText().startsWith("Transfer[from=") && traceView.statusText().matches(
                        "(?s).* to \\S+#\\d+ \\(.*; reply Done\\[moved=.*")
                        || traceView.statusText().contains("page"), traceView.statusText());
                Path exports = Files.createTempDirectory("iris-trace");
                traceView.exportSvg(exports.resolve("trace.svg"));
                traceView.exportPng(exports.resolve("trace.png"));
                String svg = Files.readString(exports.resolve("trace.svg"));
                assertTrue(svg.split("class=\"send\"", -1).length - 1 >= 30, "the transfers in the SVG");
                assertTrue(svg.contains("class=\"ownership\"") || svg.contains("class=\"page\""), "pages in the SVG");
                assertTrue(Files.size(exports.resolve("trace.png")) > 1_000);
                traceView.filter(false, true);
                assertTrue(traceView.trace().arrows(traceView.shown()).stream().noneMatch(a -> a.kind().isMessage()));
                traceView.filter(true, true);
                assertTrue(Files.size(UiTests.screenshot("message-trace.png", 500)) > 10_000);
                page.bringToTop(view);

                // a node that is not the page's owner writes it: the view shows the page move to it
                long pageNumber = before.pages()[0];
                long address = pageNumber * client.memory().pageSize();
                client.memory().setLong(address, 42);
                processEventsUntil(() -> "teller-desk".equals(ownerOf(view.picture(), pageNumber)),
                        () -> "page " + pageNumber + " to move to teller-desk; it is at "
                                + ownerOf(view.picture(), pageNumber));
                Picture after = view.picture();
                int moved = indexOf(after, pageNumber);
                for (int k = 0; k < after.nodes().size(); k++) {
                    if (!after.nodes().get(k).equals("teller-desk")) {
                        assertEquals(PageInfo.State.INVALID, after.access(moved, k),
                                "write-invalidate: " + after.nodes().get(k) + " has no valid copy");
                    }
                }
                assertEquals(Picture.EXCLUSIVE, after.kind()[moved]);
                view.selectPage(pageNumber);
                assertTrue(view.detailsText().contains("owner teller-desk (version ")
                        && view.detailsText().contains("copyset of 0;"), view.detailsText());
                assertTrue(view.detailsText().contains("ownership_lost (teller-desk)"), "the last transitions: "
                        + view.detailsText());
                view.setInvalidNode("n1");
                page.bringToTop(view);
                page.bringToTop(groups);
                assertTrue(Files.size(UiTests.screenshot("page-ownership.png", 1_000)) > 10_000);

                // a process of the new node joins the tellers: the Process Groups view shows it
                java.util.concurrent.CountDownLatch joined = new java.util.concurrent.CountDownLatch(1);
                client.spawn("night-teller", k -> {
                    k.join(ProcessId.wellKnownGroup(2));
                    joined.countDown();
                    k.receive();
                });
                assertTrue(joined.await(10, java.util.concurrent.TimeUnit.SECONDS));
                processEventsUntil(() -> tellers(groups).startsWith("tellers (well-known 2) \u2014 4 member(s)"),
                        () -> "the night teller in the group: " + groups.rows());
            } finally {
                if (loader[0] != null) {
                    loader[0].close();
                }
            }
            // the new node left: its member is gone from the group
            processEventsUntil(() -> tellers(groups).startsWith("tellers (well-known 2) \u2014 3 member(s)"),
                    () -> "the night teller gone with its node: " + groups.rows());

            // the recording holds the three tables and the page that moved to the desk
            assertEquals(null, clusterView.toggleRecording(null), "the second toggle stops recording");
            List<MonitorMessage> recorded = dev.iris.runtime.monitor.TraceFile.read(trace);
            assertEquals(java.util.Set.of("n1", "n2", "n3"), recorded.stream()
                    .filter(m -> m instanceof MonitorMessage.Pages).map(MonitorMessage::node)
                    .collect(java.util.stream.Collectors.toSet()));
            assertTrue(recorded.stream().anyMatch(m -> m instanceof MonitorMessage.Memory e
                    && e.event().kind() == MemoryEvent.Kind.OWNERSHIP_LOST && "teller-desk".equals(e.event().peer())),
                    "the move to the desk is in the recording");

            // fault injection: n3's JVM is killed; the view sees it go
            clusterView.kill(cluster.name(), "n3");
            processEventsUntil(() -> IrisLaunching.nodeProcess(cluster.name(), "n3").isEmpty(),
                    () -> "n3's JVM to end");
            processEventsUntil(() -> clusterView.rows().get(2).state().equals("dead"),
                    () -> "n3 dead in the Cluster view: " + clusterView.rows());
            assertEquals("alive", clusterView.rows().get(0).state());
            processEventsUntil(() -> tellers(groups).startsWith("tellers (well-known 2) \u2014 2 member(s)"),
                    () -> "n3's teller gone from the group with n3: " + groups.rows());
            page.bringToTop(clusterView);
            assertTrue(Files.size(UiTests.screenshot("cluster-view.png", 500)) > 10_000);
            long[] cost = view.paintCost();
            assertTrue(cost[0] > 0, "the view painted");
        } finally {
            launch.terminate();
            processEventsUntil(launch::isTerminated, () -> "the launch to end");
        }
        processEventsUntil(() -> view.statusText().contains("stopped"),
                () -> "the view to say the run stopped, and keep its last picture: " + view.statusText());
        assertTrue(view.picture().size() > 0);
    }

    /**
     * 100,000 pages, 10,000 events a second for 5 seconds, fed the way a cluster's monitors feed
     * the IDE: the view keeps up (its picture follows the last event) and reports what a repaint
     * costs on the UI thread to target/view-timings.txt.
     */
    @Test
    void drawsOneHundredThousandPagesUnderTenThousandEventsASecond() throws Exception {
        IWorkbenchPage page = debugPerspective();
        PageOwnershipView view = (PageOwnershipView) page.showView(IrisDebugPerspective.PAGE_OWNERSHIP_VIEW_ID);
        List<String> nodes = List.of("n1", "n2", "n3");
        int pages = 100_000;
        ClusterMonitor monitor = ClusterMonitor.offline("big", nodes);
        try {
            for (int k = 0; k < nodes.size(); k++) {
                List<PageInfo> table = new java.util.ArrayList<>(pages);
                for (int p = 0; p < pages; p++) {
                    boolean owner = p % 3 == k;
                    table.add(new PageInfo(p, p < pages / 2 ? "grid" : "halo", owner ? PageInfo.State.WRITE
                            : PageInfo.State.INVALID, owner, null, List.of(), 1, 0, 0, 0));
                }
                monitor.feed(new MonitorMessage.Pages(nodes.get(k), table));
            }
            ClusterRegistry.getDefault().put(new ClusterRegistry.Cluster("big", nodes,
                    ClusterRegistry.Cluster.State.RUNNING, monitor));
            page.bringToTop(view);
            processEventsUntil(() -> view.picture() != null && view.picture().size() == pages,
                    () -> "the view to show 100,000 pages: " + view.statusText());
            long paintsBefore = view.paintCost()[0];
            java.util.Random random = new java.util.Random(3);
            String[] owner = new String[pages];
            for (int p = 0; p < pages; p++) {
                owner[p] = nodes.get(p % 3);
            }
            long clock = 1;
            long end = System.nanoTime() + 5_000_000_000L;
            long next = System.nanoTime();
            while (System.nanoTime() < end) {
                if (System.nanoTime() >= next) { // 100 moves (200 events) every 20 ms
                    for (int i = 0; i < 100; i++) {
                        int p = random.nextInt(pages);
                        String to = nodes.get((nodes.indexOf(owner[p]) + 1) % 3);
                        monitor.feed(new MonitorMessage.Memory(new MemoryEvent(MemoryEvent.Kind.OWNERSHIP_LOST,
                                owner[p], p, to, "grid", 0, clock++)));
                        monitor.feed(new MonitorMessage.Memory(new MemoryEvent(MemoryEvent.Kind.OWNERSHIP_GAINED,
                                to, p, owner[p], "grid", 0, clock++)));
                        owner[p] = to;
                    }
                    next += 20_000_000L;
                }
                if (!Display.getCurrent().readAndDispatch()) {
                    Display.getCurrent().timerExec(5, () -> { });
                    Display.getCurrent().sleep();
                }
            }
            long events = clock - 1;
            processEventsUntil(() -> view.monitor().eventsApplied() == events
                    && view.picture().clock() == events, () -> "the view to catch up: " + view.statusText());
            Picture last = view.picture();
            for (int p = 0; p < pages; p++) {
                assertEquals(owner[p], last.nodes().get(last.owner()[p]), "page " + p);
            }
            long[] cost = view.paintCost();
            long paints = cost[0] - paintsBefore;
            assertTrue(paints >= 5, "the view repainted as pictures came: " + paints);
            var size = view.canvas().getSize();
            String report = String.format("Page Ownership view, %,d pages, 3 nodes, %,d events in 5 s: %d repaints, "
                    + "mean repaint %.1f ms on the UI thread (canvas %dx%d)%n", pages, events, paints, cost[1] / 1e6,
                    size.x, size.y);
            Path target = Files.createDirectories(Path.of(System.getProperty("user.dir"), "target"));
            Files.writeString(target.resolve("view-timings.txt"), report);
            System.out.print(report);
        } finally {
            ClusterRegistry.getDefault().remove("big");
            monitor.close();
        }
    }

    /**
     * A recording opened in the view (as File > Open Recording does, without the dialog): it shows
     * the end of the run, and the time slider replays ownership to an earlier moment.
     */
    @Test
    void opensARecordingAndTheTimeSliderReplaysOwnership(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        IWorkbenchPage page = debugPerspective();
        PageOwnershipView view = (PageOwnershipView) page.showView(IrisDebugPerspective.PAGE_OWNERSHIP_VIEW_ID);
        List<String> nodes = List.of("n1", "n2", "n3");
        int pages = 96;
        Path file = dir.resolve("run.iristrace");
        String[] owner = new String[pages];
        String[] ownerAt500 = new String[pages];
        try (var writer = new dev.iris.runtime.monitor.TraceFile.Writer(file)) {
            for (int k = 0; k < 3; k++) {
                List<PageInfo> table = new java.util.ArrayList<>();
                for (int p = 0; p < pages; p++) {
                    boolean owns = p % 3 == k;
                    table.add(new PageInfo(p, "grid", owns ? PageInfo.State.WRITE : PageInfo.State.INVALID, owns,
                            null, List.of(), 1, 0, 0, 0));
                    owner[p] = nodes.get(p % 3);
                }
                writer.write(new MonitorMessage.Pages(nodes.get(k), table));
            }
            java.util.Random random = new java.util.Random(11);
            for (long clock = 1; clock <= 1000; clock += 2) {
                int p = random.nextInt(pages);
                String to = nodes.get((nodes.indexOf(owner[p]) + 1 + random.nextInt(2)) % 3);
                writer.write(new MonitorMessage.Memory(new MemoryEvent(MemoryEvent.Kind.OWNERSHIP_LOST, owner[p], p,
                        to, "grid", 0, clock)));
                writer.write(new MonitorMessage.Memory(new MemoryEvent(MemoryEvent.Kind.OWNERSHIP_GAINED, to, p,
                        owner[p], "grid", 0, clock + 1)));
                owner[p] = to;
                if (clock == 499) {
                    ownerAt500 = owner.clone();
                }
            }
        }
        view.open(file);
        processEventsUntil(() -> view.monitor() != null && view.monitor().isRecording()
                && view.picture().size() == pages, () -> "the recording in the view: " + view.statusText());
        for (int p = 0; p < pages; p++) {
            assertEquals(owner[p], ownerOf(view.picture(), p), "at the end, page " + p);
        }
        assertTrue(view.timeSlider().isVisible(), "a recording has a time slider");
        assertEquals(1000, view.timeSlider().getMaximum());
        view.slideTo(500);
        processEventsUntil(() -> view.statusText().contains("clock 500 of 1000"), () -> view.statusText());
        String[] expected = ownerAt500;
        for (int p = 0; p < pages; p++) {
            assertEquals(expected[p], ownerOf(view.picture(), p), "at clock 500, page " + p);
        }
        assertTrue(Files.size(UiTests.screenshot("page-ownership-replay.png", 500)) > 10_000);
        ClusterRegistry.getDefault().remove("run.iristrace");
        processEventsUntil(() -> view.monitor() == null || !view.monitor().isRecording(), () -> "the view to let go");
    }

    /** The Iris Debug perspective in a window as large as the screen. */
    private static IWorkbenchPage debugPerspective() throws Exception {
        var window = PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        PlatformUI.getWorkbench().showPerspective(IrisDebugPerspective.ID, window);
        window.getShell().setBounds(window.getShell().getDisplay().getBounds());
        return window.getActivePage();
    }

    private static String tellers(ProcessGroupsView view) {
        return view.rows().stream().map(ProcessGroupsView.Row::label).filter(l -> l.startsWith("tellers")).findFirst()
                .orElse("");
    }

    private static List<String> owners(Picture p) {
        return IntStream.range(0, p.size()).filter(i -> p.owner()[i] >= 0).mapToObj(i -> p.nodes().get(p.owner()[i]))
                .distinct().toList();
    }

    private static int indexOf(Picture p, long page) {
        return IntStream.range(0, p.size()).filter(i -> p.pages()[i] == page).findFirst().orElse(-1);
    }

    private static String ownerOf(Picture p, long page) {
        int i = indexOf(p, page);
        return i < 0 || p.owner()[i] < 0 ? null : p.nodes().get(p.owner()[i]);
    }
}
