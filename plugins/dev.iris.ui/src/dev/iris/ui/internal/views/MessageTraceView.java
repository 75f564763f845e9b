package dev.iris.ui.internal.views;

import dev.iris.core.monitor.ClusterMonitor;
import dev.iris.core.monitor.MessageTrace;
import dev.iris.core.monitor.MessageTrace.Arrow;
import dev.iris.core.monitor.MessageTrace.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.osgi.util.NLS;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.ScrolledComposite;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Scale;

/**
 * The Message Trace view: a time-space diagram of the shown cluster (see {@link DebugContext}):
 * one lane per node, time to the right in causal order, an arrow for every request, reply, group
 * send (one per node it reached), page copy, ownership move and invalidation. Zoom, filters for
 * messages and pages, a click on an arrow says what it carried; the diagram exports as PNG or SVG.
 * A live cluster shows its latest {@value ClusterMonitor#TRACE_EVENTS} events, a recording its
 * events up to the time slider of Page Ownership.
 */
public final class MessageTraceView extends MonitorView {
    /** The view id, as declared in plugin.xml. */
    public static final String ID = "dev.iris.ui.views.messageTrace";
    private static final int LEFT = 120;
    private static final int LANE = 40;

    private ScrolledComposite scroller;
    private Canvas canvas;
    private Scale zoom;
    private Button messages;
    private Button pages;
    private Label status;
    private MessageTrace trace;
    private Arrow selected;

    @Override
    public void createPartControl(Composite parent) {
        GridLayoutFactory.fillDefaults().numColumns(5).margins(4, 4).applyTo(parent);
        messages = check(parent, Messages.MessageTraceView_messages);
        pages = check(parent, Messages.MessageTraceView_pages);
        new Label(parent, SWT.NONE).setText(Messages.MessageTraceView_zoom);
        zoom = new Scale(parent, SWT.HORIZONTAL);
        zoom.setMinimum(2);
        zoom.setMaximum(60);
        zoom.setSelection(16);
        GridDataFactory.fillDefaults().hint(160, SWT.DEFAULT).applyTo(zoom);
        zoom.addListener(SWT.Selection, e -> layoutCanvas());
        new Label(parent, SWT.NONE);
        scroller = new ScrolledComposite(parent, SWT.H_SCROLL | SWT.V_SCROLL | SWT.BORDER);
        GridDataFactory.fillDefaults().grab(true, true).span(5, 1).hint(400, 200).applyTo(scroller);
        canvas = new Canvas(scroller, SWT.DOUBLE_BUFFERED);
        scroller.setContent(canvas);
        canvas.addPaintListener(e -> paint(e.gc));
        canvas.addListener(SWT.MouseDown, e -> select(arrowAt(e.x, e.y)));
        status = new Label(parent, SWT.WRAP);
        GridDataFactory.fillDefaults().grab(true, false).span(5, 1).hint(400, SWT.DEFAULT).applyTo(status);
        var toolBar = getViewSite().getActionBars().getToolBarManager();
        toolBar.add(new Action(Messages.MessageTraceView_exportPng) {
            @Override
            public void run() {
                export("*.png", MessageTraceView.this::exportPng);
            }
        });
        toolBar.add(new Action(Messages.MessageTraceView_exportSvg) {
            @Override
            public void run() {
                export("*.svg", MessageTraceView.this::exportSvg);
            }
        });
        startFollowing(canvas);
    }

    private Button check(Composite parent, String text) {
        Button button = new Button(parent, SWT.CHECK);
        button.setText(text);
        button.setSelection(true);
        button.addListener(SWT.Selection, e -> layoutCanvas());
        return button;
    }

    @Override
    void monitorChanged() {
        ClusterMonitor monitor = monitor();
        trace = monitor == null ? null : MessageTrace.of(monitor.watched(), monitor.traceEvents());
        if (selected != null && (trace == null || !trace.arrows().contains(selected))) {
            selected = null;
        }
        layoutCanvas();
    }

    /** The kinds of arrows the filters let through. */
    Set<Kind> shown() {
        Set<Kind> shown = EnumSet.noneOf(Kind.class);
        for (Kind k : Kind.values()) {
            if (k.isMessage() ? messages.getSelection() : pages.getSelection()) {
                shown.add(k);
            }
        }
        return shown;
    }

    private void layoutCanvas() {
        int steps = trace == null ? 0 : trace.steps().size();
        int lanes = trace == null ? 0 : trace.lanes().size();
        canvas.setSize(LEFT + steps * zoom.getSelection() + 40, 20 + lanes * LANE + 10);
        ClusterMonitor monitor = monitor();
        status.setText(trace == null ? Messages.MessageTraceView_empty : selected != null && monitor != null
                ? trace.details(selected, monitor::processName)
                : NLS.bind(Messages.MessageTraceView_status, new Object[] {trace.lanes().size(), trace.steps().size(),
                    trace.arrows(shown()).size()}));
        status.requestLayout();
        canvas.redraw();
    }

    private void paint(GC gc) {
        draw(gc, canvas.getDisplay());
    }

    /** Draws the diagram (on the canvas, or an image for export). */
    private void draw(GC gc, Display display) {
        Point size = canvas.getSize();
        gc.setBackground(display.getSystemColor(SWT.COLOR_LIST_BACKGROUND));
        gc.fillRectangle(0, 0, size.x, size.y);
        if (trace == null) {
            return;
        }
        int step = zoom.getSelection();
        gc.setForeground(display.getSystemColor(SWT.COLOR_LIST_FOREGROUND));
        for (int i = 0; i < trace.lanes().size(); i++) {
            int y = laneY(i);
            gc.drawText(trace.lanes().get(i), 8, y - 8, true);
            gc.setForeground(display.getSystemColor(SWT.COLOR_GRAY));
            gc.drawLine(LEFT, y, size.x - 10, y);
            gc.setForeground(display.getSystemColor(SWT.COLOR_LIST_FOREGROUND));
        }
        gc.setAntialias(SWT.ON);
        for (Arrow a : trace.arrows(shown())) {
            int[] line = line(a, step);
            Color color = new Color(rgb(MessageTrace.color(a.kind())));
            try {
                gc.setForeground(color);
                gc.setBackground(color);
                gc.setLineWidth(a.equals(selected) ? 3 : 1);
                gc.drawLine(line[0], line[1], line[2], line[3]);
                double angle = Math.atan2(line[3] - line[1], line[2] - line[0]);
                int[] head = {line[2], line[3], (int) (line[2] - 8 * Math.cos(angle - 0.4)),
                    (int) (line[3] - 8 * Math.sin(angle - 0.4)), (int) (line[2] - 8 * Math.cos(angle + 0.4)),
                    (int) (line[3] - 8 * Math.sin(angle + 0.4))};
                gc.fillPolygon(head);
            } finally {
                color.dispose();
            }
        }
        gc.setLineWidth(1);
    }

    private int[] line(Arrow a, int step) {
        return trace.line(a, LEFT, step, MessageTraceView::laneY);
    }

    private static int laneY(int lane) {
        return 20 + Math.max(0, lane) * LANE + LANE / 2;
    }

    private static RGB rgb(String hex) {
        int v = Integer.parseInt(hex.substring(1), 16);
        return new RGB(v >> 16 & 0xFF, v >> 8 & 0xFF, v & 0xFF);
    }

    /** The arrow nearest a point (within 5 px), or null. */
    private Arrow arrowAt(int x, int y) {
        if (trace == null) {
            return null;
        }
        Arrow best = null;
        double bestDistance = 5;
        for (Arrow a : trace.arrows(shown())) {
            int[] l = line(a, zoom.getSelection());
            double d = distance(l, x, y);
            if (d <= bestDistance) {
                best = a;
                bestDistance = d;
            }
        }
        return best;
    }

    /** The distance from a point to a segment {x1, y1, x2, y2}. */
    private static double distance(int[] l, int x, int y) {
        double dx = l[2] - l[0];
        double dy = l[3] - l[1];
        double t = dx == 0 && dy == 0 ? 0 : Math.max(0, Math.min(1, ((x - l[0]) * dx + (y - l[1]) * dy)
                / (dx * dx + dy * dy)));
        return Math.hypot(x - (l[0] + t * dx), y - (l[1] + t * dy));
    }

    private void select(Arrow arrow) {
        selected = arrow;
        layoutCanvas();
    }

    private void export(String extension, Consumer<Path> writer) {
        FileDialog dialog = new FileDialog(canvas.getShell(),
                SWT.SAVE);
        dialog.setFilterExtensions(new String[] {extension});
        dialog.setOverwrite(true);
        String file = dialog.open();
        if (file != null) {
            writer.accept(Path.of(file));
        }
    }

    /** Writes the diagram as SVG (the filters apply). */
    void exportSvg(Path file) {
        try {
            Files.writeString(file, trace == null ? "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n"
                    : trace.svg(shown(), zoom.getSelection()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            status.setText(e.getMessage());
        }
    }

    /** Writes the diagram as PNG, as drawn. */
    void exportPng(Path file) {
        Point size = canvas.getSize();
        Image image = new Image(canvas.getDisplay(),
                Math.max(1, size.x), Math.max(1, size.y));
        GC gc = new GC(image);
        try {
            draw(gc, canvas.getDisplay());
        } finally {
            gc.dispose();
        }
        ImageLoader loader = new ImageLoader();
        loader.data = new ImageData[] {image.getImageData()};
        loader.save(file.toString(), SWT.IMAGE_PNG);
        image.dispose();
    }

    /** The trace shown, for tests. */
    MessageTrace trace() {
        return trace;
    }

    /** Selects the arrow drawn through a point, as a click does; returns it. */
    Arrow clickAt(int x, int y) {
        select(arrowAt(x, y));
        return selected;
    }

    /** Where an arrow ends, for tests that click it. */
    int[] endOf(Arrow a) {
        int[] l = line(a, zoom.getSelection());
        return new int[] {(l[0] + l[2]) / 2, (l[1] + l[3]) / 2};
    }

    String statusText() {
        return status.getText();
    }

    /** Lets only messages, only pages, or both through, as the check boxes do. */
    void filter(boolean showMessages, boolean showPages) {
        messages.setSelection(showMessages);
        pages.setSelection(showPages);
        layoutCanvas();
    }

    @Override
    public void setFocus() {
        canvas.setFocus();
    }
}
