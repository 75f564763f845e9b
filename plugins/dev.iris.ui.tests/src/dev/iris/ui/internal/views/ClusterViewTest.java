package dev.iris.ui.internal.views;

import static dev.iris.ui.UiTests.processEventsUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.core.ClusterRegistry;
import dev.iris.core.ClusterRegistry.Cluster;
import dev.iris.core.ClusterRegistry.Cluster.State;
import dev.iris.ui.IrisPerspective;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.swt.widgets.Table;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs in a real workbench on the UI thread. */
class ClusterViewTest {
    private IWorkbenchPage page;
    private ClusterView view;

    @BeforeEach
    void open() throws PartInitException {
        page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        // a view left open by another test would still owe the refresh of the removal below: start a new one
        if (page.findView(IrisPerspective.CLUSTER_VIEW_ID) != null) {
            page.hideView(page.findView(IrisPerspective.CLUSTER_VIEW_ID));
        }
        // other tests' launches may have left clusters behind: start from none
        ClusterRegistry.getDefault().clusters().forEach(c -> ClusterRegistry.getDefault().remove(c.name()));
        view = (ClusterView) page.showView(IrisPerspective.CLUSTER_VIEW_ID);
    }

    @AfterEach
    void close() {
        ClusterRegistry.getDefault().remove("lab");
        page.hideView(view);
    }

    @Test
    void startsEmptyWithAHint() {
        assertEquals(0, view.viewer().getTable().getItemCount());
        assertTrue(view.statusText().startsWith("No cluster is running"), view.statusText());
        assertEquals("Cluster", view.getPartName());
    }

    @Test
    void showsClustersAddedFromAnotherThread() throws Exception {
        CompletableFuture.runAsync(() -> ClusterRegistry.getDefault()
                .put(new Cluster("lab", List.of("n1", "n2", "n3"), State.RUNNING))).get();
        Table table = view.viewer().getTable();
        processEventsUntil(() -> table.getItemCount() == 1);
        assertEquals("lab", table.getItem(0).getText(0));
        assertEquals("n1, n2, n3", table.getItem(0).getText(1));
        assertEquals("running", table.getItem(0).getText(2));
        assertTrue(view.statusText().contains("1 cluster(s)"), view.statusText());

        ClusterRegistry.getDefault().remove("lab");
        processEventsUntil(() -> table.getItemCount() == 0);
        assertTrue(view.statusText().startsWith("No cluster is running"), view.statusText());
    }

    @Test
    void attachesToARunningClusterByItsMonitorsAndSaysWhatIsWrongWithAnEntry(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> AttachClusterDialog.parse("lab", "localhost", "")).getMessage().contains("'localhost' is not "
                        + "host:port"));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> AttachClusterDialog.parse("lab", "127.0.0.1:1", dir.toString())).getMessage()
                .contains("holds no credentials"));

        var authority = dev.iris.runtime.security.ClusterAuthority.create("lab");
        authority.issue("ide").write(dir);
        var memory = dev.iris.runtime.dsm.MemoryConfig.of(List.of(dev.iris.runtime.dsm.MemoryConfig.Region.of("data",
                8192))).withPageSize(1024).withManagers(List.of("a", "b"));
        List<AutoCloseable> open = new java.util.ArrayList<>();
        try {
            dev.iris.runtime.Node a = dev.iris.runtime.Node.start(dev.iris.runtime.NodeConfig.of("a", "lab",
                    new java.net.InetSocketAddress("127.0.0.1", 0), List.of()).withMemory(memory)
                    .withCredentials(authority.issue("a")), dev.iris.runtime.Codecs.of());
            open.add(0, a);
            int port = Integer.parseInt(a.address().substring(a.address().lastIndexOf(':') + 1));
            dev.iris.runtime.Node b = dev.iris.runtime.Node.start(dev.iris.runtime.NodeConfig.of("b", "lab",
                    new java.net.InetSocketAddress("127.0.0.1", 0), List.of(new java.net.InetSocketAddress(
                            "127.0.0.1", port))).withMemory(memory).withCredentials(authority.issue("b")),
                    dev.iris.runtime.Codecs.of());
            open.add(0, b);
            StringBuilder monitors = new StringBuilder();
            for (dev.iris.runtime.Node n : List.of(a, b)) {
                var server = dev.iris.runtime.monitor.MonitorServer.start(n, new java.net.InetSocketAddress(
                        "127.0.0.1", 0));
                open.add(0, server);
                monitors.append("127.0.0.1:").append(server.port()).append(", ");
            }
            var job = view.attach(AttachClusterDialog.parse("lab", monitors.toString(), dir.toString()));
            processEventsUntil(() -> job.getResult() != null, () -> "the attach job");
            assertTrue(job.getResult().isOK(), job.getResult().toString());
            processEventsUntil(() -> view.rows().size() == 2 && view.rows().stream().allMatch(r -> r.state()
                    .equals("alive") && r.pagesOwned() == 4), () -> "two alive nodes owning four pages each: "
                            + view.rows());
            assertEquals(List.of("a", "b"), view.rows().stream().map(ClusterView.NodeRow::node).toList());
        } finally {
            ClusterRegistry.getDefault().clusters().stream().filter(c -> c.name().equals("lab") && c.monitor() != null)
                    .forEach(c -> c.monitor().close());
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }

    /**
     * A node of a persistent memory shows where its pages on disk stand: waiting for the other
     * manager's log (one of two heard, with a bar), then how far its log is synced after a write.
     */
    @Test
    void showsHowFarEachNodesPagesAreOnDisk(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        var authority = dev.iris.runtime.security.ClusterAuthority.create("lab");
        authority.issue("ide").write(dir.resolve("ide"));
        var memory = dev.iris.runtime.dsm.MemoryConfig.of(List.of(dev.iris.runtime.dsm.MemoryConfig.Region.of("data",
                1024))).withPageSize(1024).withManagers(List.of("a", "b")).withPersistent(true);
        List<AutoCloseable> open = new java.util.ArrayList<>();
        try {
            dev.iris.runtime.Node a = dev.iris.runtime.Node.start(dev.iris.runtime.NodeConfig.of("a", "lab",
                    new java.net.InetSocketAddress("127.0.0.1", 0), List.of()).withMemory(memory)
                    .withCredentials(authority.issue("a")).withDataDirectory(dir.resolve("a")),
                    dev.iris.runtime.Codecs.of());
            open.add(0, a);
            var server = dev.iris.runtime.monitor.MonitorServer.start(a, new java.net.InetSocketAddress("127.0.0.1", 0));
            open.add(0, server);
            var job = view.attach(AttachClusterDialog.parse("lab", "127.0.0.1:" + server.port(),
                    dir.resolve("ide").toString()));
            processEventsUntil(() -> job.getResult() != null, () -> "the attach job");
            assertTrue(job.getResult().isOK(), job.getResult().toString());
            processEventsUntil(() -> view.rows().size() == 1 && view.rows().get(0).disk()
                    .equals("waiting for the managers' logs: 1 of 2"), () -> "a waiting: " + view.rows());

            dev.iris.runtime.Node b = dev.iris.runtime.Node.start(dev.iris.runtime.NodeConfig.of("b", "lab",
                    new java.net.InetSocketAddress("127.0.0.1", 0), List.of(new java.net.InetSocketAddress("127.0.0.1",
                            Integer.parseInt(a.address().substring(a.address().lastIndexOf(':') + 1)))))
                    .withMemory(memory).withCredentials(authority.issue("b")).withDataDirectory(dir.resolve("b")),
                    dev.iris.runtime.Codecs.of());
            open.add(0, b);
            a.memory().setLong(a.memory().region("data").base(), 7);
            processEventsUntil(() -> view.rows().get(0).disk().equals("synced to record 1"),
                    () -> "a open, its write on disk: " + view.rows());
        } finally {
            ClusterRegistry.getDefault().clusters().stream().filter(c -> c.name().equals("lab") && c.monitor() != null)
                    .forEach(c -> c.monitor().close());
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }
}
