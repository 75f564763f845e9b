package dev.iris.ui;

import org.eclipse.ui.IFolderLayout;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IPerspectiveFactory;
import org.eclipse.ui.console.IConsoleConstants;

/**
 * The Iris perspective: projects on the left, the editor in the middle, the outline on the
 * right, and the cluster, console and problems views below.
 */
public final class IrisPerspective implements IPerspectiveFactory {
    /** The perspective id, as declared in plugin.xml. */
    public static final String ID = "dev.iris.ui.perspective";
    /** The Cluster view id, as declared in plugin.xml. */
    public static final String CLUSTER_VIEW_ID = "dev.iris.ui.views.cluster";

    @Override
    public void createInitialLayout(IPageLayout layout) {
        String editors = layout.getEditorArea();
        layout.addView(IPageLayout.ID_PROJECT_EXPLORER, IPageLayout.LEFT, 0.22f, editors);
        layout.addView(IPageLayout.ID_OUTLINE, IPageLayout.RIGHT, 0.78f, editors);
        IFolderLayout bottom = layout.createFolder("dev.iris.ui.bottom", IPageLayout.BOTTOM, 0.68f, editors);
        bottom.addView(CLUSTER_VIEW_ID);
        bottom.addView(IConsoleConstants.ID_CONSOLE_VIEW);
        bottom.addView(IPageLayout.ID_PROBLEM_VIEW);

        layout.addShowViewShortcut(CLUSTER_VIEW_ID);
        layout.addShowViewShortcut(IConsoleConstants.ID_CONSOLE_VIEW);
        layout.addShowViewShortcut(IPageLayout.ID_PROBLEM_VIEW);
        layout.addShowViewShortcut(IPageLayout.ID_PROJECT_EXPLORER);
        layout.addPerspectiveShortcut("org.eclipse.debug.ui.DebugPerspective");
        layout.addPerspectiveShortcut("org.eclipse.jdt.ui.JavaPerspective");
        layout.addActionSet("org.eclipse.debug.ui.launchActionSet");
    }
}
