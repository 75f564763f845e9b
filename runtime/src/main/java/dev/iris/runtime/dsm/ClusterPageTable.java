package dev.iris.runtime.dsm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The page table of a whole cluster, merged from the {@link SharedMemory#snapshot()} of each node:
 * per page its owner, every node's state, the owner's copyset and version, and the faults summed
 * over the nodes. What a debugger's page-ownership view shows.
 *
 * @param pages one entry per page, in page order
 */
public record ClusterPageTable(List<Page> pages) {

    /**
     * One page across the cluster.
     *
     * @param page          the global page number
     * @param region        its region
     * @param owner         the node that owns it, or {@code null} if no node (of those asked) does
     *                      (the owner died, ownership is in flight, or the page is release-consistent)
     * @param states        each node's access, by node name
     * @param copyset       the owner's copyset
     * @param version       the owner's version (else the highest any node has)
     * @param readFaults    read faults of all nodes on the page
     * @param writeFaults   write faults of all nodes on the page
     * @param invalidations invalidations of all nodes' copies
     */
    public record Page(long page, String region, String owner, Map<String, PageInfo.State> states,
            List<String> copyset, long version, long readFaults, long writeFaults, long invalidations) {
    }

    /** Merges the snapshots of several nodes, by node name (nodes may list different pages). */
    public static ClusterPageTable of(Map<String, List<PageInfo>> snapshots) {
        Map<Long, List<Map.Entry<String, PageInfo>>> byPage = new TreeMap<>();
        snapshots.forEach((node, infos) -> {
            for (PageInfo info : infos) {
                byPage.computeIfAbsent(info.page(), p -> new ArrayList<>()).add(Map.entry(node, info));
            }
        });
        List<Page> pages = new ArrayList<>();
        byPage.forEach((number, entries) -> {
            entries.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
            Map<String, PageInfo.State> states = new TreeMap<>();
            String owner = null;
            List<String> copyset = List.of();
            long version = 0;
            long reads = 0;
            long writes = 0;
            long invalidations = 0;
            for (Map.Entry<String, PageInfo> e : entries) {
                PageInfo info = e.getValue();
                states.put(e.getKey(), info.state());
                if (info.owner()) {
                    owner = e.getKey();
                    copyset = info.copyset();
                }
                version = Math.max(version, info.version());
                reads += info.readFaults();
                writes += info.writeFaults();
                invalidations += info.invalidations();
            }
            for (Map.Entry<String, PageInfo> e : entries) {
                if (e.getKey().equals(owner)) {
                    version = e.getValue().version();
                }
            }
            pages.add(new Page(number, entries.get(0).getValue().region(), owner, states, copyset, version, reads,
                    writes, invalidations));
        });
        return new ClusterPageTable(List.copyOf(pages));
    }
}
