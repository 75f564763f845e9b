package dev.iris.ui;

import org.eclipse.debug.ui.IDebugUIConstants;
import org.eclipse.ui.IFolderLayout;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IPerspectiveFactory;
import org.eclipse.ui.console.IConsoleConstants;

/**
 * The Iris Debug perspective: the Debug view (one debug target per node JVM), the process groups
 * and the variables on top, the editor in the middle, and below it what the cluster does: page ownership, the
 * cluster's nodes, and the nodes' consoles.
 */
public final class IrisDebugPerspective implements IPerspectiveFactory {
    /** The perspective id, as declared in plugin.xml. */
    public static final String ID = "dev.iris.ui.debugPerspective";
    /** The Page Ownership view id, as declared in plugin.xml. */
    public static final String PAGE_OWNERSHIP_VIEW_ID = "dev.iris.ui.views.pageOwnership";
    /** The Heap view id, as declared in plugin.xml. */
    public static final String HEAP_VIEW_ID = "dev.iris.ui.views.heap";
    /** The Message Trace view id, as declared in plugin.xml. */
    public static final String MESSAGE_TRACE_VIEW_ID = "dev.iris.ui.views.messageTrace";
    /** Debug's action set with Toggle Breakpoint (no constant in {@link IDebugUIConstants}). */
    private static final String BREAKPOINT_ACTION_SET = "org.eclipse.debug.ui.breakpointActionSet";
    /** JDT's debug actions for Java code (the user's handlers). */
    private static final String JDT_DEBUG_ACTION_SET = "org.eclipse.jdt.debug.ui.JDTDebugActionSet";
    /** The Process Groups view id, as declared in plugin.xml. */
    public static final String PROCESS_GROUPS_VIEW_ID = "dev.iris.ui.views.processGroups";

    @Override
    public void createInitialLayout(IPageLayout layout) {
        String editors = layout.getEditorArea();
        IFolderLayout top = layout.createFolder("dev.iris.ui.debug.top", IPageLayout.TOP, 0.3f, editors);
        top.addView(IDebugUIConstants.ID_DEBUG_VIEW);
        IFolderLayout right = layout.createFolder("dev.iris.ui.debug.right", IPageLayout.RIGHT, 0.55f,
                "dev.iris.ui.debug.top");
        right.addView(PROCESS_GROUPS_VIEW_ID);
        right.addView(IDebugUIConstants.ID_VARIABLE_VIEW);
        right.addView(IDebugUIConstants.ID_BREAKPOINT_VIEW);
        IFolderLayout bottom = layout.createFolder("dev.iris.ui.debug.bottom", IPageLayout.BOTTOM, 0.3f, editors);
        bottom.addView(PAGE_OWNERSHIP_VIEW_ID);
        bottom.addView(HEAP_VIEW_ID);
        bottom.addView(MESSAGE_TRACE_VIEW_ID);
        bottom.addView(IrisPerspective.CLUSTER_VIEW_ID);
        bottom.addView(IConsoleConstants.ID_CONSOLE_VIEW);

        layout.addShowViewShortcut(PAGE_OWNERSHIP_VIEW_ID);
        layout.addShowViewShortcut(HEAP_VIEW_ID);
        layout.addShowViewShortcut(PROCESS_GROUPS_VIEW_ID);
        layout.addShowViewShortcut(MESSAGE_TRACE_VIEW_ID);
        layout.addShowViewShortcut(IrisPerspective.CLUSTER_VIEW_ID);
        layout.addShowViewShortcut(IDebugUIConstants.ID_DEBUG_VIEW);
        layout.addPerspectiveShortcut(IrisPerspective.ID);
        layout.addPerspectiveShortcut("org.eclipse.debug.ui.DebugPerspective");
        layout.addActionSet(IDebugUIConstants.LAUNCH_ACTION_SET);
        // the Run menu of the Debug perspective: stepping, and Toggle Breakpoint (Ctrl+Shift+B) for the handlers
        layout.addActionSet(IDebugUIConstants.DEBUG_ACTION_SET);
        layout.addActionSet(BREAKPOINT_ACTION_SET);
        layout.addActionSet(JDT_DEBUG_ACTION_SET);
    }
}
