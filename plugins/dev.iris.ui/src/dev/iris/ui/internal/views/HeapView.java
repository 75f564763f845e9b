package dev.iris.ui.internal.views;

import static dev.iris.ui.internal.views.Tables.column;

import dev.iris.core.monitor.ClusterMonitor;
import dev.iris.core.monitor.HeapPicture;
import dev.iris.core.monitor.HeapPicture.Item;
import dev.iris.core.monitor.HeapPicture.TypeRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.osgi.util.NLS;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;

/**
 * The Heap view: a node's census of the shared heaps ({@link HeapPicture}), live or in a
 * recording. Left, the types of each heap with their objects, bytes, the pages they span and the
 * nodes owning those pages, and a row of freed blocks per heap; selecting one lists its objects
 * (address, type, length, bytes, page, owner of the page), and so does a page number entered above
 * or a page clicked in Page Ownership (the blocks on that page). Selecting an object lists its
 * references with the type of each target; double-click or Enter on one selects the target. Refresh asks a node (the one selected
 * in the debug views, else the first connected) for a new census; a node also sends one after each
 * collection it runs. In a recording the census shown is the newest one at or before the time
 * slider of Page Ownership.
 *
 * <p>The view only draws: the census arrives and is aggregated on the monitor's thread.
 */
public final class HeapView extends MonitorView {
    /** The view id, as declared in plugin.xml. */
    public static final String ID = "dev.iris.ui.views.heap";

    /**
     * One reference of the selected object.
     *
     * @param index   which of its reference fields and elements, from 0
     * @param address the address it holds, 0 for null
     * @param target  what is there, as the view says it
     */
    record Reference(int index, long address, String target) {
    }

    private Text pageField;
    private TableViewer types;
    private Label objectsLabel;
    private TableViewer objects;
    private Label referencesLabel;
    private TableViewer references;
    private Label status;
    private Action refresh;
    private HeapPicture shown;
    /** The node last selected in the debug views, asked first. */
    private String selectedNode;
    /** The node asked for a census, until a census other than {@link #askedOver} shows. */
    private String asked;
    private Object askedOver;
    /** The page whose blocks are listed, or -1 when a type's are. */
    private long page = -1;
    /** A message that replaces the status line until the next census, or null. */
    private String notice;
    /** Set while the view itself selects a type (which then lists nothing by itself). */
    private boolean updating;
    /** The type whose objects are listed, or null. */
    private TypeRow listed;

    @Override
    public void createPartControl(Composite parent) {
        GridLayoutFactory.fillDefaults().spacing(0, 2).applyTo(parent);
        Composite bar = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(2).margins(4, 2).applyTo(bar);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(bar);
        new Label(bar, SWT.NONE).setText(Messages.HeapView_onPage);
        pageField = new Text(bar, SWT.BORDER | SWT.SEARCH);
        pageField.setMessage(Messages.HeapView_onPageHint);
        GridDataFactory.fillDefaults().hint(200, SWT.DEFAULT).applyTo(pageField);
        pageField.addListener(SWT.DefaultSelection, e -> showPage(pageField.getText()));

        SashForm sash = new SashForm(parent, SWT.HORIZONTAL);
        GridDataFactory.fillDefaults().grab(true, true).hint(SWT.DEFAULT, 160).applyTo(sash);
        types = table(sash, 0);
        column(types, Messages.HeapView_column_type, 130, SWT.LEFT, r -> typeName((TypeRow) r));
        column(types, Messages.HeapView_column_heap, 70, SWT.LEFT, r -> ((TypeRow) r).heap());
        column(types, Messages.HeapView_column_objects, 60, SWT.RIGHT, r -> String.valueOf(((TypeRow) r).objects()));
        column(types, Messages.HeapView_column_bytes, 70, SWT.RIGHT, r -> String.valueOf(((TypeRow) r).bytes()));
        column(types, Messages.HeapView_column_pages, 50, SWT.RIGHT, r -> String.valueOf(((TypeRow) r).pages()));
        column(types, Messages.HeapView_column_owners, 100, SWT.LEFT, r -> String.join(", ", ((TypeRow) r).owners()));
        // a person picked another type: its objects (the view's own selections come back later as deferred
        // events too, with the type it lists already)
        types.addSelectionChangedListener(e -> {
            if (!updating && e.getStructuredSelection().getFirstElement() instanceof TypeRow row
                    && (page >= 0 || !row.equals(listed))) {
                page = -1;
                pageField.setText("");
                showObjects(null);
            }
        });

        Composite middle = pane(sash);
        objectsLabel = new Label(middle, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).indent(4, 0).applyTo(objectsLabel);
        objects = table(middle, SWT.VIRTUAL);
        column(objects, Messages.HeapView_column_address, 90, SWT.LEFT, i -> hex(((Item) i).address()));
        column(objects, Messages.HeapView_column_type, 100, SWT.LEFT, i -> blockType((Item) i));
        column(objects, Messages.HeapView_column_length, 55, SWT.RIGHT, i -> String.valueOf(((Item) i).block()
                .length()));
        column(objects, Messages.HeapView_column_bytes, 60, SWT.RIGHT, i -> String.valueOf(((Item) i).block()
                .bytes()));
        column(objects, Messages.HeapView_column_page, 55, SWT.RIGHT, i -> pages((Item) i));
        column(objects, Messages.HeapView_column_owner, 70, SWT.LEFT, i -> owner((Item) i));
        objects.addSelectionChangedListener(e -> showReferences());

        Composite right = pane(sash);
        referencesLabel = new Label(right, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).indent(4, 0).applyTo(referencesLabel);
        references = table(right, 0);
        column(references, Messages.HeapView_column_field, 50, SWT.RIGHT, r -> "#" + ((Reference) r).index());
        column(references, Messages.HeapView_column_address, 90, SWT.LEFT, r -> hex(((Reference) r).address()));
        column(references, Messages.HeapView_column_target, 140, SWT.LEFT, r -> ((Reference) r).target());
        // a double-click, or Enter, on a reference (both are the table's default selection)
        references.getTable().setToolTipText(Messages.HeapView_follow);
        references.addDoubleClickListener(e -> {
            if (e.getSelection() instanceof IStructuredSelection selection
                    && selection.getFirstElement() instanceof Reference r) {
                follow(r.address());
            }
        });
        sash.setWeights(5, 5, 4);

        status = new Label(parent, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).indent(4, 0).applyTo(status);
        refresh = new Action(Messages.HeapView_refresh) {
            @Override
            public void run() {
                requestCensus();
            }
        };
        refresh.setToolTipText(Messages.HeapView_refreshTooltip);
        getViewSite().getActionBars().getToolBarManager().add(refresh);
        startFollowing(types.getControl());
    }

    private static Composite pane(Composite parent) {
        Composite pane = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().spacing(0, 2).applyTo(pane);
        return pane;
    }

    private static TableViewer table(Composite parent, int style) {
        TableViewer table = new TableViewer(parent, SWT.FULL_SELECTION | SWT.V_SCROLL | SWT.H_SCROLL | SWT.BORDER
                | style);
        table.getTable().setHeaderVisible(true);
        table.getTable().setLinesVisible(true);
        table.setContentProvider(ArrayContentProvider.getInstance());
        if (parent.getLayout() instanceof GridLayout) {
            GridDataFactory.fillDefaults().grab(true, true).applyTo(table.getControl());
        }
        return table;
    }

    /** A page clicked in Page Ownership: its blocks are listed, as if its number were entered above. */
    @Override
    void pageSelected(long page) {
        pageField.setText(String.valueOf(page));
        showPage(pageField.getText());
    }

    @Override
    void nodeSelected(String node) {
        selectedNode = node;
    }

    @Override
    void monitorSwapped() {
        shown = null;
        listed = null;
        asked = null;
        page = -1;
        notice = null;
        types.setInput(List.of());
        objects.setInput(List.of());
        references.setInput(List.of());
    }

    @Override
    void monitorChanged() {
        ClusterMonitor monitor = monitor();
        HeapPicture next = monitor == null ? null : monitor.heap();
        if (next != shown) {
            HeapPicture before = shown;
            boolean sameCensus = next != null && before != null && next.census() == before.census();
            shown = next;
            if (!sameCensus) {
                notice = null;
            }
            if (next != null && next.census() != askedOver) {
                asked = null; // the census asked for (or a newer one) is here
            }
            // a live cluster's census gets new owners at every refresh: redraw only what changed, in place
            if (!sameCensus) {
                showTypes(false);
            } else if (!next.types().equals(before.types()) || !listing().equals(objects.getInput())) {
                showTypes(true);
            }
        }
        refresh.setEnabled(monitor != null && !monitor.isRecording() && !monitor.connected().isEmpty());
        updateStatus();
    }

    /**
     * Fills the types, keeping the selected type (or page) and object where the census shown has
     * them; {@code inPlace}: the same census with new owners, shown without scrolling the tables.
     */
    private void showTypes(boolean inPlace) {
        int top = objects.getTable().getTopIndex();
        TypeRow selected = types.getStructuredSelection().getFirstElement() instanceof TypeRow r ? r : null;
        Item object = objects.getStructuredSelection().getFirstElement() instanceof Item i ? i : null;
        List<TypeRow> rows = shown == null ? List.of() : shown.types();
        TypeRow again = selected == null || page >= 0 ? null : rows.stream().filter(r -> r.heap()
                .equals(selected.heap()) && Objects.equals(r.type(), selected.type())).findFirst().orElse(null);
        updating = true;
        try {
            types.setInput(rows);
            types.setSelection(again == null ? StructuredSelection.EMPTY : new StructuredSelection(again), true);
        } finally {
            updating = false;
        }
        Item keep = object == null || shown == null ? null : shown.at(object.address())
                .filter(i -> i.address() == object.address() && Objects.equals(i.block().type(), object.block()
                        .type())).orElse(null);
        showObjects(keep, inPlace);
        if (inPlace) {
            objects.getTable().setTopIndex(top);
        }
    }

    /** The blocks on {@link #page}, or the objects of the selected type. */
    private List<Item> listing() {
        if (shown == null) {
            return List.of();
        } else if (page >= 0) {
            return shown.onPage(page);
        } else if (types.getStructuredSelection().getFirstElement() instanceof TypeRow row) {
            return shown.objects(row.heap(), row.type());
        }
        return List.of();
    }

    /** Lists the objects of the selected type, or the blocks on {@link #page}; then selects {@code select}. */
    private void showObjects(Item select) {
        showObjects(select, false);
    }

    /** As {@link #showObjects(Item)}; {@code inPlace}: without scrolling to the selection or the top. */
    private void showObjects(Item select, boolean inPlace) {
        List<Item> items = listing();
        listed = null;
        if (shown != null && page >= 0) {
            objectsLabel.setText(NLS.bind(Messages.HeapView_onPageListed, page, items.size()));
        } else if (shown != null && types.getStructuredSelection().getFirstElement() instanceof TypeRow row) {
            listed = row;
            objectsLabel.setText(NLS.bind(Messages.HeapView_ofType, new Object[] {typeName(row), row.heap(),
                items.size()}));
        } else {
            objectsLabel.setText("");
        }
        objects.setInput(items);
        boolean selected = select != null && items.contains(select);
        objects.setSelection(selected ? new StructuredSelection(select) : StructuredSelection.EMPTY, !inPlace);
        if (!selected && !items.isEmpty() && !inPlace) {
            objects.getTable().setTopIndex(0); // a new list starts at its top, not where the last one was scrolled
        }
        objectsLabel.getParent().layout();
        showReferences();
    }

    private void showReferences() {
        Item item = objects.getStructuredSelection().getFirstElement() instanceof Item i ? i : null;
        List<Reference> rows = new ArrayList<>();
        if (item != null && shown != null) {
            List<Long> held = item.block().references();
            for (int k = 0; k < held.size(); k++) {
                rows.add(new Reference(k, held.get(k), target(held.get(k))));
            }
            referencesLabel.setText(NLS.bind(Messages.HeapView_references, new Object[] {hex(item.address()),
                blockType(item), rows.size()}));
        } else {
            referencesLabel.setText(Messages.HeapView_noReferences);
        }
        references.setInput(rows);
        referencesLabel.getParent().layout();
    }

    /** What the references table says is at {@code address}. */
    private String target(long address) {
        if (address == 0) {
            return Messages.HeapView_null;
        }
        Optional<Item> at = shown.at(address);
        if (at.isEmpty()) {
            return Messages.HeapView_notInCensus;
        }
        Item item = at.get();
        return item.address() == address ? blockType(item)
                : NLS.bind(Messages.HeapView_inside, hex(item.address()), blockType(item));
    }

    /** Selects the object at {@code address}: its type, then it among its type's objects. */
    private void follow(long address) {
        Optional<Item> target = shown == null ? Optional.empty() : shown.at(address);
        if (target.isEmpty()) {
            notice = NLS.bind(Messages.HeapView_notFound, hex(address));
            updateStatus();
            return;
        }
        selectObject(target.get());
    }

    private void selectObject(Item item) {
        TypeRow row = shown.types().stream().filter(r -> r.heap().equals(item.block().heap())
                && Objects.equals(r.type(), item.block().type())).findFirst().orElseThrow();
        page = -1;
        pageField.setText("");
        notice = null;
        updating = true;
        try {
            types.setSelection(new StructuredSelection(row), true);
        } finally {
            updating = false;
        }
        showObjects(item);
        updateStatus();
    }

    /** Lists the blocks on the page {@code text} names. */
    private void showPage(String text) {
        String number = text.trim();
        if (number.isEmpty()) {
            page = -1;
            showObjects(null);
            return;
        }
        try {
            long p = Long.parseLong(number);
            if (p < 0) {
                throw new NumberFormatException(number);
            }
            page = p;
            notice = null;
            updating = true;
            try {
                types.setSelection(StructuredSelection.EMPTY);
            } finally {
                updating = false;
            }
            showObjects(null);
        } catch (NumberFormatException e) {
            notice = NLS.bind(Messages.HeapView_badPage, number);
        }
        updateStatus();
    }

    private void requestCensus() {
        ClusterMonitor monitor = monitor();
        if (monitor == null) {
            return;
        }
        String node = selectedNode != null && monitor.requestCensus(selectedNode) ? selectedNode
                : monitor.requestCensus().orElse(null);
        if (node != null) {
            asked = node;
            askedOver = shown == null ? null : shown.census();
            notice = null;
            updateStatus();
        }
    }

    private void updateStatus() {
        ClusterMonitor monitor = monitor();
        String text;
        if (notice != null) {
            text = notice;
        } else if (monitor == null) {
            text = Messages.HeapView_empty;
        } else if (shown == null) {
            text = monitor.isRecording() ? NLS.bind(Messages.HeapView_noCensusRecorded, monitor.position())
                    : Messages.HeapView_noCensus;
        } else {
            String where = monitor.isRecording() ? NLS.bind(Messages.HeapView_recording, monitor.position(),
                    monitor.clockRange()[1])
                    : monitor.isClosed() ? Messages.HeapView_stopped : Messages.HeapView_live;
            text = NLS.bind(Messages.HeapView_status, new Object[] {shown.node(), shown.census().clock(),
                shown.census().blocks().size(), shown.census().complete() ? "" : Messages.HeapView_incomplete,
                where});
        }
        if (asked != null && notice == null && monitor != null) {
            text = shown == null ? NLS.bind(Messages.HeapView_asked, asked)
                    : NLS.bind(Messages.HeapView_and, text, NLS.bind(Messages.HeapView_asked, asked));
        }
        status.setText(text);
    }

    private static String typeName(TypeRow row) {
        return row.freed() ? Messages.HeapView_freed : row.type();
    }

    private static String blockType(Item item) {
        return item.block().freed() ? Messages.HeapView_freedBlock : item.block().type();
    }

    private static String pages(Item item) {
        return item.firstPage() == item.lastPage() ? String.valueOf(item.firstPage())
                : item.firstPage() + "\u2013" + item.lastPage();
    }

    private static String owner(Item item) {
        return item.owner() != null ? item.owner() : Messages.HeapView_noOwner;
    }

    private static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }

    // ------------------------------------------------------------------ for tests

    /** The census shown, or null. */
    HeapPicture shown() {
        return shown;
    }

    TableViewer typesViewer() {
        return types;
    }

    TableViewer objectsViewer() {
        return objects;
    }

    TableViewer referencesViewer() {
        return references;
    }

    String statusText() {
        return status.getText();
    }

    String objectsText() {
        return objectsLabel.getText();
    }

    /** Types {@code text} into the page field and presses Enter. */
    void enterPage(String text) {
        pageField.setText(text);
        pageField.notifyListeners(SWT.DefaultSelection, null);
    }

    /** The Refresh action. */
    Action refreshAction() {
        return refresh;
    }

    @Override
    public void setFocus() {
        types.getControl().setFocus();
    }
}
