package dev.iris.ui.internal.views;

import org.eclipse.osgi.util.NLS;

/** Strings of the Iris views. */
public final class Messages extends NLS {
    public static String ClusterView_column_cluster;
    public static String ClusterView_column_nodes;
    public static String ClusterView_column_state;
    public static String ClusterView_empty;
    public static String ClusterView_status;

    static {
        NLS.initializeMessages("dev.iris.ui.internal.views.messages", Messages.class);
    }

    private Messages() {
    }
}
