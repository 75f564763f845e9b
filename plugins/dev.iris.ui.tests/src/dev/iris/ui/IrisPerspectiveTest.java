package dev.iris.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.WorkbenchException;
import org.eclipse.ui.console.IConsoleConstants;
import org.junit.jupiter.api.Test;

/** Runs in a real workbench on the UI thread. */
class IrisPerspectiveTest {
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
}
