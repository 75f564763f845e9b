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
}
