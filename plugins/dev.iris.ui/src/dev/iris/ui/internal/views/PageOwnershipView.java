package dev.iris.ui.internal.views;

import dev.iris.core.ClusterRegistry;
import dev.iris.core.ClusterRegistry.Cluster;
import dev.iris.core.monitor.ClusterMonitor;
import dev.iris.core.monitor.PageOwnership;
import dev.iris.core.monitor.PageOwnership.Picture;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.osgi.util.NLS;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.part.ViewPart;

/**
 * The Page Ownership view: every page of the watched cluster's shared objects as a cell coloured
 * by its owner node; a light centre marks a read-shared page (copies beside the owner's), a cross
 * a page the chosen node holds no valid copy of, grey a page without a known owner. A legend says
 * which node has which colour and how many pages it owns; hovering a cell or clicking it shows the
 * page's owner, copyset, every node's access and its counts. Filters: one shared object, and the
 * node whose invalid copies are crossed.
 *
 * <p>The view only draws: the cluster's {@link ClusterMonitor} applies events off the UI thread
 * and publishes a {@link Picture} (arrays, one entry per page); the view repaints at most once
 * per published picture, whatever the number of events behind it.
 */
public final class PageOwnershipView extends ViewPart {
    /** The view id, as declared in plugin.xml. */
    public static final String ID = "dev.iris.ui.views.pageOwnership";
    private static final RGB[] PALETTE = {new RGB(31, 119, 180), new RGB(255, 127, 14), new RGB(44, 160, 44),
        new RGB(214, 39, 40), new RGB(148, 103, 189), new RGB(140, 86, 75), new RGB(227, 119, 194),
        new RGB(188, 189, 34), new RGB(23, 190, 207), new RGB(127, 127, 127)};
    private static final int LEGEND_HEIGHT = 22;
    private static final int MAX_CELL = 40;

    private final ClusterRegistry registry;
    private final ClusterRegistry.Listener registryListener = r -> runOnUi(this::clustersChanged);
    private final Runnable monitorListener = () -> runOnUi(this::pictureChanged);
    private Display display;
    private Combo clusterCombo;
    private Combo regionCombo;
    private Combo nodeCombo;
    private Canvas canvas;
    private Text details;
    private Label status;
    private final List<Color> colors = new ArrayList<>();
    private List<Cluster> clusters = List.of();
    private ClusterMonitor monitor;
    private Picture picture;
    private Set<String> regionFilter = Set.of();
    private String invalidNode;
    private long selectedPage = -1;
    private long paints;
    private long paintNanos;

    public PageOwnershipView() {
        this(ClusterRegistry.getDefault());
    }

    PageOwnershipView(ClusterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void createPartControl(Composite parent) {
        display = parent.getDisplay();
        for (RGB rgb : PALETTE) {
            colors.add(new Color(rgb));
        }
        GridLayoutFactory.fillDefaults().numColumns(6).margins(4, 4).applyTo(parent);
        new Label(parent, SWT.NONE).setText(Messages.PageOwnershipView_cluster);
        clusterCombo = combo(parent, 160);
        clusterCombo.addListener(SWT.Selection, e -> watch(clusters.get(clusterCombo.getSelectionIndex())));
        new Label(parent, SWT.NONE).setText(Messages.PageOwnershipView_sharedObject);
        regionCombo = combo(parent, 140);
        regionCombo.addListener(SWT.Selection, e -> {
            regionFilter = regionCombo.getSelectionIndex() <= 0 ? Set.of() : Set.of(regionCombo.getText());
            pictureChanged();
        });
        new Label(parent, SWT.NONE).setText(Messages.PageOwnershipView_invalidAt);
        nodeCombo = combo(parent, 100);
        nodeCombo.addListener(SWT.Selection, e -> {
            invalidNode = nodeCombo.getSelectionIndex() <= 0 ? null : nodeCombo.getText();
            canvas.redraw();
        });
        canvas = new Canvas(parent, SWT.DOUBLE_BUFFERED | SWT.NO_BACKGROUND);
        GridDataFactory.fillDefaults().grab(true, true).span(6, 1).hint(400, 220).applyTo(canvas);
        canvas.addPaintListener(e -> paint(e.gc));
        canvas.addListener(SWT.MouseMove, e -> canvas.setToolTipText(describe(cellAt(e.x, e.y))));
        canvas.addListener(SWT.MouseDown, e -> select(cellAt(e.x, e.y)));
        details = new Text(parent, SWT.READ_ONLY | SWT.MULTI | SWT.WRAP);
        GridDataFactory.fillDefaults().grab(true, false).span(6, 1).hint(SWT.DEFAULT, 48).applyTo(details);
        status = new Label(parent, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).span(6, 1).applyTo(status);
        registry.addListener(registryListener);
        clustersChanged();
    }

    private static Combo combo(Composite parent, int width) {
        Combo combo = new Combo(parent, SWT.READ_ONLY | SWT.DROP_DOWN);
        GridDataFactory.fillDefaults().hint(width, SWT.DEFAULT).applyTo(combo);
        return combo;
    }

    private void runOnUi(Runnable r) {
        if (display != null && !display.isDisposed()) {
            display.asyncExec(() -> {
                if (canvas != null && !canvas.isDisposed()) {
                    r.run();
                }
            });
        }
    }

    /** The registry changed: list the watched clusters; follow the newest one if none is shown. */
    private void clustersChanged() {
        List<Cluster> watched = registry.clusters().stream().filter(c -> c.monitor() != null).toList();
        clusters = watched;
        clusterCombo.setItems(watched.stream().map(c -> c.name() + (c.monitor().isClosed() ? " (stopped)" : ""))
                .toArray(String[]::new));
        Cluster shown = watched.stream().filter(c -> c.monitor() == monitor).findFirst().orElse(null);
        if (shown == null || (monitor != null && monitor.isClosed() && !watched.isEmpty()
                && !watched.get(watched.size() - 1).monitor().isClosed())) {
            shown = watched.isEmpty() ? null : watched.get(watched.size() - 1);
        }
        watch(shown);
    }

    private void watch(Cluster cluster) {
        ClusterMonitor next = cluster == null ? null : cluster.monitor();
        if (next != monitor) {
            if (monitor != null) {
                monitor.removeListener(monitorListener);
            }
            monitor = next;
            selectedPage = -1;
            if (monitor != null) {
                monitor.addListener(monitorListener);
            }
        }
        clusterCombo.select(cluster == null ? -1 : clusters.indexOf(cluster));
        pictureChanged();
    }

    /** A new picture was published: take it (once per pending redraw) and repaint. */
    private void pictureChanged() {
        if (monitor == null) {
            picture = null;
        } else if (regionFilter.isEmpty()) {
            picture = monitor.picture();
        } else {
            picture = monitor.picture(regionFilter);
        }
        updateFilters();
        updateStatus();
        select(selectedPage);
        canvas.redraw();
    }

    private void updateFilters() {
        Set<String> regions = new TreeSet<>();
        if (monitor != null) {
            Picture all = regionFilter.isEmpty() ? picture : monitor.picture();
            for (String r : all.regions()) {
                regions.add(r);
            }
        }
        setItems(regionCombo, Messages.PageOwnershipView_all, regions);
        setItems(nodeCombo, Messages.PageOwnershipView_none, picture == null ? List.of() : picture.nodes());
    }

    private static void setItems(Combo combo, String first, java.util.Collection<String> items) {
        List<String> wanted = new ArrayList<>();
        wanted.add(first);
        wanted.addAll(items);
        if (!wanted.equals(List.of(combo.getItems()))) {
            String selected = combo.getText();
            combo.setItems(wanted.toArray(String[]::new));
            combo.select(Math.max(0, wanted.indexOf(selected)));
        }
    }

    private void updateStatus() {
        if (monitor == null) {
            status.setText(Messages.PageOwnershipView_empty);
            return;
        }
        Set<String> up = monitor.connected();
        String connection = monitor.isClosed() ? Messages.PageOwnershipView_stopped
                : NLS.bind(Messages.PageOwnershipView_connected, up.size(), monitor.watched().size());
        status.setText(NLS.bind(Messages.PageOwnershipView_status, new Object[] {picture.size(), monitor.eventsApplied(),
            picture.clock(), connection}));
    }

    // ------------------------------------------------------------------ drawing

    /** Cell side and columns for the current picture in the canvas. */
    private int[] layout() {
        Point size = canvas.getSize();
        int width = Math.max(1, size.x - 8);
        int height = Math.max(1, size.y - LEGEND_HEIGHT - 8);
        int n = picture == null ? 0 : picture.size();
        int side = n == 0 ? MAX_CELL : (int) Math.max(1, Math.min(MAX_CELL, Math.floor(Math.sqrt((double) width
                * height / n))));
        while (side > 1 && (width / side) * (height / side) < n) {
            side--;
        }
        return new int[] {side, Math.max(1, width / side)};
    }

    private void paint(GC gc) {
        long start = System.nanoTime();
        Point size = canvas.getSize();
        gc.setBackground(display.getSystemColor(SWT.COLOR_LIST_BACKGROUND));
        gc.fillRectangle(0, 0, size.x, size.y);
        if (picture == null || picture.size() == 0) {
            gc.setForeground(display.getSystemColor(SWT.COLOR_DARK_GRAY));
            gc.drawText(monitor == null ? Messages.PageOwnershipView_empty : Messages.PageOwnershipView_noPages, 8, 8,
                    true);
            return;
        }
        int[] layout = layout();
        int side = layout[0];
        int columns = layout[1];
        int gap = side >= 6 ? 1 : 0;
        int invalidAt = invalidNode == null ? -1 : picture.nodes().indexOf(invalidNode);
        Color grey = display.getSystemColor(SWT.COLOR_GRAY);
        Color white = display.getSystemColor(SWT.COLOR_WHITE);
        Color black = display.getSystemColor(SWT.COLOR_BLACK);
        for (int i = 0; i < picture.size(); i++) {
            int x = 4 + (i % columns) * side;
            int y = 4 + (i / columns) * side;
            short owner = picture.owner()[i];
            gc.setBackground(owner < 0 ? grey : colors.get(owner % colors.size()));
            gc.fillRectangle(x, y, side - gap, side - gap);
            if (side >= 6 && picture.kind()[i] == Picture.SHARED) {
                gc.setBackground(white);
                int inner = Math.max(2, side / 3);
                gc.fillRectangle(x + (side - gap - inner) / 2, y + (side - gap - inner) / 2, inner, inner);
            }
            if (side >= 6 && invalidAt >= 0 && picture.access(i, invalidAt) == dev.iris.runtime.dsm.PageInfo.State.INVALID) {
                gc.setForeground(black);
                gc.drawLine(x + 1, y + 1, x + side - gap - 2, y + side - gap - 2);
                gc.drawLine(x + side - gap - 2, y + 1, x + 1, y + side - gap - 2);
            }
            if (picture.pages()[i] == selectedPage) {
                gc.setForeground(black);
                gc.drawRectangle(x, y, side - gap - 1, side - gap - 1);
            }
        }
        paintLegend(gc, size.y - LEGEND_HEIGHT + 4);
        paints++;
        paintNanos += System.nanoTime() - start;
    }

    private void paintLegend(GC gc, int y) {
        int[] owned = picture.owned();
        int x = 4;
        gc.setForeground(display.getSystemColor(SWT.COLOR_LIST_FOREGROUND));
        for (int k = 0; k < picture.nodes().size(); k++) {
            gc.setBackground(colors.get(k % colors.size()));
            gc.fillRectangle(x, y + 2, 12, 12);
            String label = picture.nodes().get(k) + " (" + owned[k] + ")";
            gc.drawText(label, x + 16, y, true);
            x += 16 + gc.textExtent(label).x + 14;
        }
        gc.setBackground(display.getSystemColor(SWT.COLOR_GRAY));
        gc.fillRectangle(x, y + 2, 12, 12);
        String rest = Messages.PageOwnershipView_legend;
        gc.drawText(rest, x + 16, y, true);
    }

    /** The index of the cell under a point, or -1. */
    private int cellAt(int px, int py) {
        if (picture == null || picture.size() == 0) {
            return -1;
        }
        int[] layout = layout();
        int column = (px - 4) / layout[0];
        int row = (py - 4) / layout[0];
        int i = row * layout[1] + column;
        return px < 4 || py < 4 || column >= layout[1] || i >= picture.size() ? -1 : i;
    }

    private String describe(int cell) {
        return cell < 0 ? null : describePage(picture.pages()[cell]);
    }

    private String describePage(long page) {
        return monitor == null ? null : monitor.page(page).map(PageOwnershipView::describe).orElse(null);
    }

    /** What the details pane and the hover say of a page. */
    static String describe(PageOwnership.Page p) {
        StringBuilder access = new StringBuilder();
        new java.util.TreeMap<>(p.states()).forEach((node, state) -> access.append(access.length() == 0 ? "" : ", ").append(node).append(' ')
                .append(state.name().toLowerCase(java.util.Locale.ROOT)));
        return NLS.bind(Messages.PageOwnershipView_details, new Object[] {p.page(), p.region(),
            p.owner() == null ? Messages.PageOwnershipView_unknown : p.owner(),
            p.copyset().isEmpty() ? "-" : String.join(", ", new LinkedHashSet<>(p.copyset())), access,
            p.readFaults(), p.writeFaults(), p.transfers(), p.invalidations()});
    }

    private void select(int cell) {
        select(cell < 0 ? -1 : picture.pages()[cell]);
    }

    private void select(long page) {
        selectedPage = page;
        String text = page < 0 ? null : describePage(page);
        details.setText(text == null ? Messages.PageOwnershipView_hint : text);
        canvas.redraw();
    }

    // ------------------------------------------------------------------ for tests

    /** The picture drawn last. */
    Picture picture() {
        return picture;
    }

    /** The monitor shown. */
    ClusterMonitor monitor() {
        return monitor;
    }

    /** Paints so far and their mean cost in nanoseconds. */
    long[] paintCost() {
        return new long[] {paints, paints == 0 ? 0 : paintNanos / paints};
    }

    String statusText() {
        return status.getText();
    }

    String detailsText() {
        return details.getText();
    }

    Canvas canvas() {
        return canvas;
    }

    /** Crosses the pages {@code node} holds no valid copy of, as choosing it in the filter does. */
    void setInvalidNode(String node) {
        nodeCombo.select(Math.max(0, List.of(nodeCombo.getItems()).indexOf(node)));
        invalidNode = nodeCombo.getSelectionIndex() <= 0 ? null : node;
        canvas.redraw();
    }

    /** Selects the cell of {@code page}, as a click on it does. */
    void selectPage(long page) {
        select(page);
    }

    @Override
    public void setFocus() {
        canvas.setFocus();
    }

    @Override
    public void dispose() {
        registry.removeListener(registryListener);
        if (monitor != null) {
            monitor.removeListener(monitorListener);
        }
        colors.forEach(Color::dispose);
        super.dispose();
    }
}
