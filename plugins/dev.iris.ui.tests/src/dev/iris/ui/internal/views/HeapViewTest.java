package dev.iris.ui.internal.views;

import static dev.iris.ui.UiTests.processEventsUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.core.ClusterRegistry;
import dev.iris.core.monitor.ClusterMonitor;
import dev.iris.runtime.dsm.HeapCensus;
import dev.iris.runtime.dsm.HeapCensus.Block;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.dsm.PageInfo;
import dev.iris.runtime.dsm.PageInfo.State;
import dev.iris.runtime.monitor.MonitorMessage;
import dev.iris.ui.IrisDebugPerspective;
import dev.iris.ui.UiTests;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.Test;

/**
 * The Heap view on a recording made of real monitor messages (page tables, memory events and two
 * censuses), in a real workbench on the UI thread; no node runs.
 */
class HeapViewTest {
    private static final int PAGE = 1024;
    /** Heap "cells": pages 5 (bookkeeping) to 21, its first arena from page 6 (address 0x1800). */
    private static final long CELLS = 6 * PAGE;
    /** Heap "other": pages 30 to 46, its first arena from page 31 (0x7c00). */
    private static final long OTHER = 31 * PAGE;

    private static final Block CELL1 = new Block("cells", CELLS, "Cell", 0, 40, List.of(CELLS + 40, 0L));
    private static final Block CELL2 = new Block("cells", CELLS + 40, "Cell", 0, 40, List.of(CELLS + 80, CELLS));
    private static final Block FREED = new Block("cells", CELLS + 80, null, 0, 24, List.of());
    private static final Block LONGS = new Block("cells", CELLS + 104, "Longs", 300, 8 + 2400, List.of());
    private static final Block CELL3 = new Block("cells", CELLS + 104 + 2408, "Cell", 0, 40, List.of(CELLS));
    private static final Block NODE = new Block("other", OTHER, "Node", 0, 16, List.of(CELLS + 40, 0L));

    @Test
    void showsTheCensusByTypeFollowsReferencesAndTheSliderShowsTheOlderCensus() throws Exception {
        ClusterMonitor recording = ClusterMonitor.recording("heap-run", messages());
        ClusterRegistry.getDefault().put(new ClusterRegistry.Cluster("heap-run", recording.watched(),
                ClusterRegistry.Cluster.State.STOPPED, recording));
        try {
            IWorkbenchPage page = debugPerspective();
            HeapView view = (HeapView) page.showView(IrisDebugPerspective.HEAP_VIEW_ID);
            DebugContext.pick(recording);
            processEventsUntil(() -> view.monitor() == recording && view.shown() != null,
                    () -> "the recording's census in the view: " + view.statusText());

            // the newest census, n2's at clock 30: the types of both heaps, then the freed blocks
            assertEquals(List.of(
                    List.of("Longs", "cells", "1", "2408", "3", "n1, n2"),
                    List.of("Cell", "cells", "3", "120", "2", "n1, n2"),
                    List.of("Node", "other", "1", "16", "1", "n1"),
                    List.of("(freed blocks)", "cells", "1", "24", "1", "n1")), rows(view.typesViewer()));
            assertEquals("Census of n2 at clock 30: 6 blocks \u00b7 recording at clock 40 of 40", view.statusText());
            assertFalse(view.refreshAction().isEnabled(), "a recording cannot be asked for a census");

            // a type's objects: address, type, length, bytes, page, owner of the page
            select(view.typesViewer(), 1);
            assertEquals("Cell in heap cells: 3 object(s)", view.objectsText());
            assertEquals(List.of(
                    List.of("0x1800", "Cell", "0", "40", "6", "n1"),
                    List.of("0x1828", "Cell", "0", "40", "6", "n1"),
                    List.of("0x21d0", "Cell", "0", "40", "8", "n2")), rows(view.objectsViewer()));

            // an object's references, with their targets' types
            select(view.objectsViewer(), 0);
            assertEquals(List.of(List.of("#0", "0x1828", "Cell"), List.of("#1", "0x0", "null")),
                    rows(view.referencesViewer()));

            // Enter (or a double-click) on the first follows it: the second cell is selected
            open(view.referencesViewer(), 0);
            assertEquals(List.of("0x1828"), selected(view.objectsViewer()));
            assertEquals(List.of(List.of("#0", "0x1850", "(freed)"), List.of("#1", "0x1800", "Cell")),
                    rows(view.referencesViewer()));
            // what the workbench does meanwhile (deferred selection events of the tables) keeps the target selected
            page.bringToTop(view);
            assertTrue(Files.size(UiTests.screenshot("heap-view.png", 300)) > 10_000);
            assertEquals(List.of("0x1828"), selected(view.objectsViewer()));
            // to a block of another row: the freed blocks are listed, the freed one selected
            open(view.referencesViewer(), 0);
            assertEquals(List.of("(freed blocks)"), selected(view.typesViewer()));
            assertEquals(List.of("0x1850"), selected(view.objectsViewer()));
            assertEquals(List.of(), rows(view.referencesViewer()));

            // the blocks on a page, one spanning it from the page before
            view.enterPage("7");
            assertEquals("Page 7: 1 block(s)", view.objectsText());
            assertEquals(List.of(List.of("0x1868", "Longs", "300", "2408", "6\u20138", "n1")),
                    rows(view.objectsViewer()));
            assertEquals(List.of(), selected(view.typesViewer()));
            view.enterPage("eight");
            assertEquals("'eight' is not a page number.", view.statusText());

            // a page clicked in Page Ownership: its blocks are listed here too
            PageOwnershipView ownership = (PageOwnershipView) page.showView(
                    IrisDebugPerspective.PAGE_OWNERSHIP_VIEW_ID);
            ownership.selectPage(8);
            assertEquals("Page 8: 2 block(s)", view.objectsText());
            assertEquals(List.of(List.of("0x1868", "Longs", "300", "2408", "6\u20138", "n1"),
                    List.of("0x21d0", "Cell", "0", "40", "8", "n2")), rows(view.objectsViewer()));

            // the time slider before the newest census: n1's older one, which stopped at its limit
            ownership.slideTo(20);
            processEventsUntil(() -> view.shown() != null && view.shown().census().clock() == 10,
                    () -> "the census of clock 10: " + view.statusText());
            assertEquals(List.of(List.of("Cell", "cells", "1", "40", "1", "n1")), rows(view.typesViewer()));
            assertEquals("Census of n1 at clock 10: 1 blocks, incomplete (the node stopped at its limit of blocks) "
                    + "\u00b7 recording at clock 20 of 40", view.statusText());
            // before any census
            ownership.slideTo(5);
            processEventsUntil(() -> view.shown() == null, () -> "no census at clock 5: " + view.statusText());
            assertEquals(List.of(), rows(view.typesViewer()));
            assertTrue(view.statusText().startsWith("The recording holds no census of the heaps at or before clock 5"),
                    view.statusText());
        } finally {
            ClusterRegistry.getDefault().remove("heap-run");
        }
    }

    /**
     * Page tables of n1 and n2 (pages 5-21 of heap "cells", 30-46 of heap "other"; n1 owns 6 and
     * 31, n2 owns 7 and 8), memory events at clocks 5 to 40, n1's census at 10, n2's at 30.
     */
    private static List<MonitorMessage> messages() {
        List<PageInfo> n1 = new ArrayList<>();
        List<PageInfo> n2 = new ArrayList<>();
        for (long p = 5; p <= 46; p++) {
            if (p > 21 && p < 30) {
                continue;
            }
            String region = p <= 21 ? "cells" : "other";
            boolean one = p == 6 || p == 31;
            boolean two = p == 7 || p == 8;
            n1.add(new PageInfo(p, region, one ? State.WRITE : State.INVALID, one, null, List.of(), 1, 0, 0, 0));
            n2.add(new PageInfo(p, region, two ? State.WRITE : State.INVALID, two, null, List.of(), 1, 0, 0, 0));
        }
        return List.of(new MonitorMessage.Pages("n1", n1), new MonitorMessage.Pages("n2", n2),
                fault("n1", 6, 5),
                new MonitorMessage.Heap("n1", new HeapCensus(10, PAGE, List.of(new Block("cells", CELLS, "Cell", 0, 40,
                        List.of(0L, 0L))), false)),
                fault("n2", 31, 20),
                new MonitorMessage.Heap("n2", new HeapCensus(30, PAGE, List.of(CELL1, CELL2, FREED, LONGS, CELL3, NODE),
                        true)),
                fault("n1", 7, 40));
    }

    private static MonitorMessage fault(String node, long page, long clock) {
        return new MonitorMessage.Memory(new MemoryEvent(MemoryEvent.Kind.READ_FAULT, node, page, null,
                page < 30 ? "cells" : "other", 0, clock));
    }

    /** What each row of a table shows, column by column. */
    private static List<List<String>> rows(TableViewer viewer) {
        Table table = viewer.getTable();
        List<List<String>> rows = new ArrayList<>();
        for (TableItem item : table.getItems()) {
            List<String> row = new ArrayList<>();
            for (int c = 0; c < table.getColumnCount(); c++) {
                row.add(item.getText(c));
            }
            rows.add(row);
        }
        return rows;
    }

    /** The first column of the selected rows. */
    private static List<String> selected(TableViewer viewer) {
        return Arrays.stream(viewer.getTable().getSelection()).map(i -> i.getText(0)).toList();
    }

    /** Selects row {@code index} as a click on it does. */
    private static void select(TableViewer viewer, int index) {
        viewer.getTable().getItem(index).getText(); // a row of a virtual table gets its element when drawn
        viewer.setSelection(new StructuredSelection(viewer.getElementAt(index)), true);
    }

    /** Selects row {@code index} and opens it, as Enter or a double-click does (the table's default selection). */
    private static void open(TableViewer viewer, int index) {
        Table table = viewer.getTable();
        table.setSelection(index);
        Event event = new Event();
        event.item = table.getItem(index);
        table.notifyListeners(SWT.DefaultSelection, event);
    }

    /** The Iris Debug perspective in a window as large as the screen. */
    private static IWorkbenchPage debugPerspective() throws Exception {
        var window = PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        PlatformUI.getWorkbench().showPerspective(IrisDebugPerspective.ID, window);
        window.getShell().setBounds(window.getShell().getDisplay().getBounds());
        return window.getActivePage();
    }
}
