package dev.iris.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfigurationType;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.debug.ui.DebugUITools;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.MenuItem;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.WorkbenchException;
import org.eclipse.ui.console.IConsoleConstants;
import org.junit.jupiter.api.Test;

/** Runs in a real workbench on the UI thread. */
class IrisPerspectiveTest {
    /** Each Iris view has an icon of its own, with a double-size one for high-resolution screens. */
    @Test
    void everyIrisViewHasItsOwnIcon() {
        List<String> views = List.of(IrisPerspective.CLUSTER_VIEW_ID, IrisDebugPerspective.PAGE_OWNERSHIP_VIEW_ID,
                IrisDebugPerspective.HEAP_VIEW_ID, IrisDebugPerspective.PROCESS_GROUPS_VIEW_ID,
                IrisDebugPerspective.MESSAGE_TRACE_VIEW_ID);
        Set<List<Integer>> icons = new HashSet<>();
        for (String id : views) {
            ImageData icon = PlatformUI.getWorkbench().getViewRegistry().find(id).getImageDescriptor().getImageData(100);
            assertEquals(16, icon.width, id);
            ImageData doubled = PlatformUI.getWorkbench().getViewRegistry().find(id).getImageDescriptor()
                    .getImageData(200);
            assertEquals(32, doubled.width, id + " at 200 %");
            List<Integer> pixels = new ArrayList<>();
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    pixels.add(icon.getPixel(x, y) * 256 + icon.getAlpha(x, y));
                }
            }
            icons.add(pixels);
        }
        assertEquals(views.size(), icons.size(), "no two Iris views share an icon");
    }

    @Test
    void opensWithItsViews() throws WorkbenchException {
        IWorkbench workbench = PlatformUI.getWorkbench();
        IWorkbenchPage page = workbench.showPerspective(IrisPerspective.ID, workbench.getActiveWorkbenchWindow());

        assertEquals(IrisPerspective.ID, page.getPerspective().getId());
        assertEquals("Iris", page.getPerspective().getLabel());
        assertNotNull(page.findViewReference(IrisPerspective.CLUSTER_VIEW_ID), "Cluster view in the layout");
        assertNotNull(page.findViewReference(IConsoleConstants.ID_CONSOLE_VIEW), "Console in the layout");
        assertNotNull(page.findViewReference(IPageLayout.ID_PROJECT_EXPLORER), "Project Explorer in the layout");
    }

    /**
     * Iris Debug is the perspective of an Iris Cluster debug launch (no prompt to switch to Debug),
     * and its Run menu has Toggle Breakpoint, as the Debug perspective's has.
     */
    @Test
    void irisDebugIsTheDebugLaunchsPerspectiveAndItsRunMenuTogglesBreakpoints() throws WorkbenchException {
        ILaunchConfigurationType cluster = DebugPlugin.getDefault().getLaunchManager()
                .getLaunchConfigurationType("dev.iris.core.launching.cluster");
        assertEquals(IrisDebugPerspective.ID, DebugUITools.getLaunchPerspective(cluster, ILaunchManager.DEBUG_MODE));

        IWorkbench workbench = PlatformUI.getWorkbench();
        IWorkbenchWindow window = workbench.getActiveWorkbenchWindow();
        IWorkbenchPage page = workbench.showPerspective(IrisDebugPerspective.ID, window);
        List<String> run = new ArrayList<>();
        for (MenuItem item : window.getShell().getMenuBar().getItems()) {
            if (item.getText().replace("&", "").equals("Run")) {
                item.getMenu().notifyListeners(SWT.Show, new Event()); // fills it as opening it would
                for (MenuItem entry : item.getMenu().getItems()) {
                    run.add(entry.getText().replace("&", ""));
                }
                item.getMenu().notifyListeners(SWT.Hide, new Event());
            }
        }
        // the other tests start from the Iris perspective, as a new workbench does
        page.closePerspective(page.getPerspective(), false, false);
        workbench.showPerspective(IrisPerspective.ID, window);
        assertTrue(run.stream().anyMatch(t -> t.startsWith("Toggle Breakpoint")), run.toString());
    }
}
