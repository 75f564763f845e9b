package dev.iris.ui.internal.views;

import java.util.function.Function;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;

/** What the views' tables share. */
final class Tables {
    private Tables() {
    }

    /** Adds a column of {@code width} pixels, aligned by {@code align}, whose cells are {@code text} of each row. */
    static void column(TableViewer table, String title, int width, int align, Function<Object, String> text) {
        TableViewerColumn column = new TableViewerColumn(table, align);
        column.getColumn().setText(title);
        column.getColumn().setWidth(width);
        column.setLabelProvider(new ColumnLabelProvider() {
            @Override
            public String getText(Object element) {
                return text.apply(element);
            }
        });
    }
}
