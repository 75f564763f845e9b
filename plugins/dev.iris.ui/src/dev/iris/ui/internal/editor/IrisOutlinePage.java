package dev.iris.ui.internal.editor;

import dev.iris.core.IrisModel;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.ITreeContentProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.jface.viewers.TreeViewer;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.TreeItem;
import org.eclipse.ui.views.contentoutline.ContentOutlinePage;

/** The Outline of an Iris file: its declarations and what they contain; selecting one reveals it. */
final class IrisOutlinePage extends ContentOutlinePage {
    private final IrisEditor editor;
    private List<IrisModel.Symbol> symbols = List.of();

    IrisOutlinePage(IrisEditor editor) {
        this.editor = editor;
    }

    @Override
    public void createControl(Composite parent) {
        super.createControl(parent);
        TreeViewer viewer = getTreeViewer();
        viewer.setContentProvider(new ITreeContentProvider() {
            @Override
            public Object[] getElements(Object input) {
                return ((List<?>) input).toArray();
            }

            @Override
            public Object[] getChildren(Object element) {
                return ((IrisModel.Symbol) element).children().toArray();
            }

            @Override
            public Object getParent(Object element) {
                return null;
            }

            @Override
            public boolean hasChildren(Object element) {
                return !((IrisModel.Symbol) element).children().isEmpty();
            }
        });
        viewer.setLabelProvider(new LabelProvider() {
            @Override
            public String getText(Object element) {
                IrisModel.Symbol s = (IrisModel.Symbol) element;
                return s.name() + " : " + s.kind();
            }
        });
        viewer.setInput(symbols);
        viewer.expandAll();
        viewer.addSelectionChangedListener(e -> {
            if (e.getSelection() instanceof IStructuredSelection s && s.getFirstElement() instanceof IrisModel.Symbol symbol) {
                editor.selectAndReveal(symbol.selection().offset(), symbol.selection().length());
            }
        });
    }

    /** Shows {@code symbols} (UI thread). */
    void setSymbols(List<IrisModel.Symbol> symbols) {
        this.symbols = symbols;
        TreeViewer viewer = getTreeViewer();
        if (viewer != null && !viewer.getControl().isDisposed()) {
            viewer.setInput(symbols);
            viewer.expandAll();
        }
    }

    /** The labels of the items shown, depth first (for tests). */
    List<String> labels() {
        List<String> labels = new ArrayList<>();
        collect(getTreeViewer().getTree().getItems(), labels);
        return labels;
    }

    private static void collect(TreeItem[] items, List<String> into) {
        for (TreeItem item : items) {
            into.add(item.getText());
            collect(item.getItems(), into);
        }
    }
}
