package dev.iris.ui.internal.views;

import org.eclipse.osgi.util.NLS;

/** Strings of the Iris views. */
public final class Messages extends NLS {
    public static String ClusterView_column_cluster;
    public static String ClusterView_column_nodes;
    public static String ClusterView_column_state;
    public static String ClusterView_empty;
    public static String ClusterView_status;
    public static String MessageTraceView_messages;
    public static String MessageTraceView_pages;
    public static String MessageTraceView_zoom;
    public static String MessageTraceView_exportPng;
    public static String MessageTraceView_exportSvg;
    public static String MessageTraceView_empty;
    public static String MessageTraceView_status;
    public static String ClusterView_attach;
    public static String ClusterView_attaching;
    public static String ClusterView_attachFailed;
    public static String AttachClusterDialog_title;
    public static String AttachClusterDialog_message;
    public static String AttachClusterDialog_cluster;
    public static String AttachClusterDialog_monitors;
    public static String AttachClusterDialog_credentials;
    public static String ClusterView_column_node;
    public static String ClusterView_column_address;
    public static String ClusterView_column_processes;
    public static String ClusterView_column_pages;
    public static String ClusterView_column_events;
    public static String ClusterView_column_disk;
    public static String ClusterView_disk_waiting;
    public static String ClusterView_disk_open;
    public static String ClusterView_disk_closed;
    public static String ClusterView_kill;
    public static String ClusterView_record;
    public static String ClusterView_recorded;
    public static String ClusterView_stopped;
    public static String ClusterView_recorded_to;
    public static String ClusterView_recording_to;
    public static String PageOwnershipView_time;
    public static String PageOwnershipView_openRecording;
    public static String PageOwnershipView_opening;
    public static String PageOwnershipView_recording;
    public static String PageOwnershipView_moving;
    public static String PageOwnershipView_ownerDead;
    public static String ProcessGroupsView_empty;
    public static String ProcessGroupsView_status;
    public static String ProcessGroupsView_live;
    public static String ProcessGroupsView_recording;
    public static String ProcessGroupsView_group;
    public static String ProcessGroupsView_wellKnown;
    public static String ProcessGroupsView_local;
    public static String ProcessGroupsView_dynamic;
    public static String ProcessGroupsView_names;
    public static String ProcessGroupsView_name;
    public static String PageOwnershipView_cluster;
    public static String PageOwnershipView_sharedObject;
    public static String PageOwnershipView_invalidAt;
    public static String PageOwnershipView_all;
    public static String PageOwnershipView_none;
    public static String PageOwnershipView_empty;
    public static String PageOwnershipView_noPages;
    public static String PageOwnershipView_stopped;
    public static String PageOwnershipView_connected;
    public static String PageOwnershipView_status;
    public static String PageOwnershipView_legend;
    public static String PageOwnershipView_details;
    public static String PageOwnershipView_unknown;
    public static String PageOwnershipView_hint;
    public static String HeapView_onPage;
    public static String HeapView_onPageHint;
    public static String HeapView_column_type;
    public static String HeapView_column_heap;
    public static String HeapView_column_objects;
    public static String HeapView_column_bytes;
    public static String HeapView_column_pages;
    public static String HeapView_column_owners;
    public static String HeapView_column_address;
    public static String HeapView_column_length;
    public static String HeapView_column_page;
    public static String HeapView_column_owner;
    public static String HeapView_column_field;
    public static String HeapView_column_target;
    public static String HeapView_freed;
    public static String HeapView_freedBlock;
    public static String HeapView_ofType;
    public static String HeapView_onPageListed;
    public static String HeapView_references;
    public static String HeapView_follow;
    public static String HeapView_noReferences;
    public static String HeapView_null;
    public static String HeapView_notInCensus;
    public static String HeapView_inside;
    public static String HeapView_notFound;
    public static String HeapView_badPage;
    public static String HeapView_noOwner;
    public static String HeapView_refresh;
    public static String HeapView_refreshTooltip;
    public static String HeapView_empty;
    public static String HeapView_noCensus;
    public static String HeapView_noCensusRecorded;
    public static String HeapView_asked;
    public static String HeapView_and;
    public static String HeapView_status;
    public static String HeapView_incomplete;
    public static String HeapView_live;
    public static String HeapView_recording;
    public static String HeapView_stopped;

    static {
        NLS.initializeMessages("dev.iris.ui.internal.views.messages", Messages.class);
    }

    private Messages() {
    }
}
