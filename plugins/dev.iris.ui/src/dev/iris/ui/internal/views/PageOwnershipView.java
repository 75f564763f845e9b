package dev.iris.ui.internal.views;

import dev.iris.core.ClusterRegistry;
import dev.iris.core.ClusterRegistry.Cluster;
import dev.iris.core.monitor.ClusterMonitor;
import dev.iris.core.monitor.PageOwnership;
import dev.iris.core.monitor.PageOwnership.Picture;
import dev.iris.runtime.dsm.PageInfo.State;
import dev.iris.runtime.monitor.TraceFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.osgi.util.NLS;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.PaletteData;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Scale;
import org.eclipse.swt.widgets.Text;

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
public final class PageOwnershipView extends MonitorView {
    /** The view id, as declared in plugin.xml. */
    public static final String ID = "dev.iris.ui.views.pageOwnership";
    private static final RGB[] PALETTE = {new RGB(31, 119, 180), new RGB(255, 127, 14), new RGB(44, 160, 44),
        new RGB(214, 39, 40), new RGB(148, 103, 189), new RGB(140, 86, 75), new RGB(227, 119, 194),
        new RGB(188, 189, 34), new RGB(23, 190, 207), new RGB(127, 127, 127)};
    /** The seeks asked for, run one after the other. */
    private CompletableFuture<Void> seeks = CompletableFuture.completedFuture(null);
    /** The recording's position as of the picture shown. */
    private long position;
    private static final int LEGEND_HEIGHT = 22;
    private static final int MAX_CELL = 40;
    /** Cells up to this side are drawn as pixels of one image, without marks. */
    private static final int SMALL_CELL = 5;

    private Display display;
    private Combo clusterCombo;
    private Combo regionCombo;
    private Combo nodeCombo;
    private Canvas canvas;
    private Label timeLabel;
    private Scale time;
    private Text details;
    private Label status;
    private final List<Color> colors = new ArrayList<>();
    private List<Cluster> clusters = List.of();
    private Picture picture;
    private Set<String> regionFilter = Set.of();
    private String invalidNode;
    private long selectedPage = -1;
    private long paints;
    private long paintNanos;

    @Override
    public void createPartControl(Composite parent) {
        display = parent.getDisplay();
        for (RGB rgb : PALETTE) {
            colors.add(new Color(rgb));
        }
        GridLayoutFactory.fillDefaults().numColumns(6).margins(4, 4).applyTo(parent);
        new Label(parent, SWT.NONE).setText(Messages.PageOwnershipView_cluster);
        clusterCombo = combo(parent, 160);
        clusterCombo.addListener(SWT.Selection, e -> DebugContext.pick(clusters.get(clusterCombo.getSelectionIndex())
                .monitor()));
        new Label(parent, SWT.NONE).setText(Messages.PageOwnershipView_sharedObject);
        regionCombo = combo(parent, 140);
        regionCombo.addListener(SWT.Selection, e -> {
            regionFilter = regionCombo.getSelectionIndex() <= 0 ? Set.of() : Set.of(regionCombo.getText());
            monitorChanged();
        });
        new Label(parent, SWT.NONE).setText(Messages.PageOwnershipView_invalidAt);
        nodeCombo = combo(parent, 100);
        nodeCombo.addListener(SWT.Selection, e -> {
            invalidNode = nodeCombo.getSelectionIndex() <= 0 ? null : nodeCombo.getText();
            canvas.redraw();
        });
        timeLabel = new Label(parent, SWT.NONE);
        timeLabel.setText(Messages.PageOwnershipView_time);
        GridDataFactory.fillDefaults().applyTo(timeLabel);
        time = new Scale(parent, SWT.HORIZONTAL);
        GridDataFactory.fillDefaults().grab(true, false).span(5, 1).applyTo(time);
        time.addListener(SWT.Selection, e -> seek(time.getSelection()));
        canvas = new Canvas(parent, SWT.DOUBLE_BUFFERED | SWT.NO_BACKGROUND);
        GridDataFactory.fillDefaults().grab(true, true).span(6, 1).hint(400, 220).applyTo(canvas);
        canvas.addPaintListener(e -> paint(e.gc));
        canvas.addListener(SWT.MouseMove, e -> canvas.setToolTipText(describe(cellAt(e.x, e.y))));
        canvas.addListener(SWT.MouseDown, e -> {
            int cell = cellAt(e.x, e.y);
            clicked(cell < 0 ? -1 : picture.pages()[cell]);
        });
        details = new Text(parent, SWT.READ_ONLY | SWT.MULTI | SWT.WRAP);
        GridDataFactory.fillDefaults().grab(true, false).span(6, 1).hint(SWT.DEFAULT, 48).applyTo(details);
        status = new Label(parent, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).span(6, 1).applyTo(status);
        getViewSite().getActionBars().getToolBarManager().add(new Action(
                Messages.PageOwnershipView_openRecording) {
            @Override
            public void run() {
                FileDialog dialog = new FileDialog(
                        canvas.getShell(), SWT.OPEN);
                dialog.setFilterExtensions(new String[] {"*.iristrace", "*"});
                String file = dialog.open();
                if (file != null) {
                    open(Path.of(file));
                }
            }
        });
        startFollowing(canvas);
    }

    private static Combo combo(Composite parent, int width) {
        Combo combo = new Combo(parent, SWT.READ_ONLY | SWT.DROP_DOWN);
        GridDataFactory.fillDefaults().hint(width, SWT.DEFAULT).applyTo(combo);
        return combo;
    }

    @Override
    void clustersChanged() {
        clusters = DebugContext.watched();
        clusterCombo.setItems(clusters.stream().map(c -> c.label() + (c.monitor().isClosed() ? " (stopped)" : ""))
                .toArray(String[]::new));
        clusterCombo.select(clusters.stream().map(Cluster::monitor).toList().indexOf(monitor()));
    }

    @Override
    void nodeSelected(String node) {
        setInvalidNode(node);
    }

    @Override
    void monitorSwapped() {
        selectedPage = -1;
    }

    /**
     * Opens a recording ({@code iris run --record}) in a job: it joins the registry as a stopped
     * cluster and the debug views show it, with the time slider.
     */
    void open(Path file) {
        Job.create(NLS.bind(Messages.PageOwnershipView_opening, file.getFileName()),
                monitor -> {
                    try {
                        var messages = TraceFile.read(file);
                        ClusterMonitor recording = ClusterMonitor.recording(file.getFileName().toString(), messages);
                        ClusterRegistry.getDefault().put(new Cluster(recording.cluster(), recording.watched(),
                                Cluster.State.STOPPED, recording));
                        runOnUi(() -> DebugContext.pick(recording));
                        return Status.OK_STATUS;
                    } catch (IOException e) {
                        return Status.error(e.getMessage(), e);
                    }
                }).schedule();
    }

    /** Moves a recording to {@code clock}, off the UI thread, after the seeks asked before; the picture follows. */
    private void seek(long clock) {
        ClusterMonitor shown = monitor();
        if (shown != null && shown.isRecording()) {
            seeks = seeks.thenRunAsync(() -> shown.seek(clock));
        }
    }

    /** A new picture was published: take it and repaint. */
    @Override
    void monitorChanged() {
        ClusterMonitor monitor = monitor();
        // the position before the picture: a seek publishes its picture first, so the status never
        // names a moment later than the picture shown
        position = monitor == null ? 0 : monitor.position();
        if (monitor == null) {
            picture = null;
        } else if (regionFilter.isEmpty()) {
            picture = monitor.picture();
        } else {
            picture = monitor.picture(regionFilter);
        }
        updateFilters();
        updateTime();
        updateStatus();
        select(selectedPage);
        canvas.redraw();
    }

    private void updateFilters() {
        ClusterMonitor monitor = monitor();
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

    private static void setItems(Combo combo, String first, Collection<String> items) {
        List<String> wanted = new ArrayList<>();
        wanted.add(first);
        wanted.addAll(items);
        if (!wanted.equals(List.of(combo.getItems()))) {
            String selected = combo.getText();
            combo.setItems(wanted.toArray(String[]::new));
            combo.select(Math.max(0, wanted.indexOf(selected)));
        }
    }

    private void updateTime() {
        ClusterMonitor monitor = monitor();
        boolean recording = monitor != null && monitor.isRecording();
        timeLabel.setVisible(recording);
        time.setVisible(recording);
        ((GridData) time.getLayoutData()).exclude = !recording;
        ((GridData) timeLabel.getLayoutData()).exclude = !recording;
        if (recording) {
            long[] range = monitor.clockRange();
            time.setMinimum((int) Math.min(Integer.MAX_VALUE - 1, range[0]));
            time.setMaximum((int) Math.min(Integer.MAX_VALUE, Math.max(range[0] + 1, range[1])));
            time.setPageIncrement(Math.max(1, (int) ((range[1] - range[0]) / 20)));
            time.setSelection((int) Math.min(Integer.MAX_VALUE, position));
        }
        timeLabel.getParent().layout(true);
    }

    private void updateStatus() {
        ClusterMonitor monitor = monitor();
        if (monitor == null) {
            status.setText(Messages.PageOwnershipView_empty);
            return;
        }
        Set<String> up = monitor.connected();
        String connection = monitor.isRecording() ? NLS.bind(Messages.PageOwnershipView_recording,
                position, monitor.clockRange()[1])
                : monitor.isClosed() ? Messages.PageOwnershipView_stopped
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
        ClusterMonitor monitor = monitor();
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
        if (side <= SMALL_CELL) {
            paintPixels(gc, side, columns);
        } else {
            paintCells(gc, side, columns);
        }
        paintLegend(gc, size.y - LEGEND_HEIGHT + 4);
        paints++;
        paintNanos += System.nanoTime() - start;
    }

    /** Cells of a few pixels: set into one image and drawn at once (a rectangle each would cost 100 ms). */
    private void paintPixels(GC gc, int side, int columns) {
        int rows = (picture.size() + columns - 1) / columns;
        int width = columns * side;
        int height = rows * side;
        ImageData data = new ImageData(width, height, 24,
                new PaletteData(0xFF0000, 0xFF00, 0xFF));
        int[] rgb = new int[PALETTE.length + 1];
        for (int k = 0; k < PALETTE.length; k++) {
            rgb[k] = PALETTE[k].red << 16 | PALETTE[k].green << 8 | PALETTE[k].blue;
        }
        RGB grey = display.getSystemColor(SWT.COLOR_GRAY).getRGB();
        rgb[PALETTE.length] = grey.red << 16 | grey.green << 8 | grey.blue;
        RGB bg = display.getSystemColor(SWT.COLOR_LIST_BACKGROUND).getRGB();
        int background = bg.red << 16 | bg.green << 8 | bg.blue;
        int[] line = new int[width];
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < columns; column++) {
                int i = row * columns + column;
                int color = i >= picture.size() ? background
                        : picture.owner()[i] < 0 ? rgb[PALETTE.length] : rgb[picture.owner()[i] % PALETTE.length];
                Arrays.fill(line, column * side, column * side + side, color);
            }
            for (int y = 0; y < side; y++) {
                data.setPixels(0, row * side + y, width, line, 0);
            }
        }
        Image image = new Image(display, data);
        try {
            gc.drawImage(image, 4, 4);
        } finally {
            image.dispose();
        }
    }

    private void paintCells(GC gc, int side, int columns) {
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
            } else if (side >= 6 && picture.kind()[i] == Picture.MOVING) {
                gc.setForeground(white);
                gc.drawLine(x, y + side - gap - 1, x + side - gap - 1, y);
            }
            if (side >= 6 && invalidAt >= 0 && picture.access(i, invalidAt) == State.INVALID) {
                gc.setForeground(black);
                gc.drawLine(x + 1, y + 1, x + side - gap - 2, y + side - gap - 2);
                gc.drawLine(x + side - gap - 2, y + 1, x + 1, y + side - gap - 2);
            }
            if (picture.pages()[i] == selectedPage) {
                gc.setForeground(black);
                gc.drawRectangle(x, y, side - gap - 1, side - gap - 1);
            }
        }
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
        ClusterMonitor monitor = monitor();
        return monitor == null ? null : monitor.page(page).map(p -> describe(p, p.owner() != null
                && monitor.nodeState(p.owner()) == ClusterMonitor.NodeState.DEAD && !monitor.connected().isEmpty()))
                .orElse(null);
    }

    /** What the details pane and the hover say of a page; {@code ownerDead} if its owner is known dead. */
    static String describe(PageOwnership.Page p, boolean ownerDead) {
        State held = p.owner() == null ? null : p.states().get(p.owner());
        String owner = p.owner() == null ? Messages.PageOwnershipView_unknown
                : ownerDead ? NLS.bind(Messages.PageOwnershipView_ownerDead, p.owner())
                : held == State.INVALID ? NLS.bind(Messages.PageOwnershipView_moving, p.owner())
                : p.owner();
        StringBuilder access = new StringBuilder();
        new TreeMap<>(p.states()).forEach((node, state) -> access.append(access.length() == 0 ? "" : ", ").append(node).append(' ')
                .append(state.name().toLowerCase(Locale.ROOT)));
        return NLS.bind(Messages.PageOwnershipView_details, new Object[] {p.page(), p.region(),
            owner,
            p.copyset().size() + (p.copyset().isEmpty() ? "" : ": " + String.join(", ", new LinkedHashSet<>(p.copyset()))),
            access,
            p.readFaults(), p.writeFaults(), p.transfers(), p.invalidations(),
            p.lastTransitions().isEmpty() ? "-" : String.join(", ", p.lastTransitions()), p.version()});
    }

    /** A person clicked {@code page} (-1: no cell): its details stay here, and the other debug views show it. */
    private void clicked(long page) {
        select(page);
        if (page >= 0) {
            DebugContext.selectPage(page);
        }
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

    /** The time slider, for tests. */
    Scale timeSlider() {
        return time;
    }

    /** Moves the time slider to {@code clock} as a person would. */
    void slideTo(long clock) {
        time.setSelection((int) clock);
        seek(clock);
    }

    /** Crosses the pages {@code node} holds no valid copy of, as choosing it in the filter does. */
    void setInvalidNode(String node) {
        nodeCombo.select(Math.max(0, List.of(nodeCombo.getItems()).indexOf(node)));
        invalidNode = nodeCombo.getSelectionIndex() <= 0 ? null : node;
        canvas.redraw();
    }

    /** Selects the cell of {@code page}, as a click on it does. */
    void selectPage(long page) {
        clicked(page);
    }

    @Override
    public void setFocus() {
        canvas.setFocus();
    }

    @Override
    public void dispose() {
        colors.forEach(Color::dispose);
        super.dispose();
    }
}
