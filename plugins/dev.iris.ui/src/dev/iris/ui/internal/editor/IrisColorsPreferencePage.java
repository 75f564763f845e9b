package dev.iris.ui.internal.editor;

import dev.iris.dsl.ide.highlighting.IrisHighlighting;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.preference.BooleanFieldEditor;
import org.eclipse.jface.preference.ColorFieldEditor;
import org.eclipse.jface.preference.FieldEditorPreferencePage;
import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.jface.util.PropertyChangeEvent;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.StyleRange;
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.IWorkbenchPreferencePage;

/**
 * Preferences > Iris Syntax Coloring: a colour and a bold flag per style of the Iris editor, and a
 * preview of an Iris program in the colours chosen so far (before Apply).
 */
public final class IrisColorsPreferencePage extends FieldEditorPreferencePage implements IWorkbenchPreferencePage {
    /** The preview's program: pieces of text, each with its style (null: plain). */
    private static final String[][] SAMPLE = {
        {IrisColors.KEYWORD, "system"}, {null, " demo.bank\n\n"},
        {IrisColors.DOC, "/** Move cents from one account to another. */"}, {null, "\n"},
        {IrisColors.KEYWORD, "message"}, {null, " "}, {IrisHighlighting.MESSAGE, "Transfer"}, {null, " {\n    "},
        {IrisColors.KEYWORD, "int"}, {null, " from\n    "}, {IrisColors.KEYWORD, "long"}, {null, " cents\n} "},
        {IrisColors.KEYWORD, "returns"}, {null, " "}, {IrisHighlighting.MESSAGE, "Done"}, {null, "\n\n"},
        {IrisColors.COMMENT, "// clients pick one of the tellers"}, {null, "\n"},
        {IrisColors.KEYWORD, "group"}, {null, " "}, {IrisHighlighting.GROUP, "tellers"}, {null, " = "},
        {IrisColors.NUMBER, "2"}, {null, "\n\n"},
        {IrisColors.KEYWORD, "shared"}, {null, " "}, {IrisHighlighting.SHARED, "Accounts"}, {null, " { "},
        {IrisColors.KEYWORD, "long"}, {null, "["}, {IrisColors.NUMBER, "64"}, {null, "] cents }\n\n"},
        {IrisColors.KEYWORD, "heap"}, {null, " "}, {IrisHighlighting.HEAP, "Ledger"}, {null, " "},
        {IrisColors.KEYWORD, "size"}, {null, " "}, {IrisColors.NUMBER, "4"}, {null, " "},
        {IrisColors.KEYWORD, "MiB"}, {null, "\n"},
        {IrisColors.KEYWORD, "object"}, {null, " "}, {IrisHighlighting.OBJECT, "Entry"}, {null, " "},
        {IrisColors.KEYWORD, "in"}, {null, " "}, {IrisHighlighting.HEAP, "Ledger"}, {null, " { "},
        {IrisColors.KEYWORD, "long"}, {null, " cents  "}, {IrisHighlighting.OBJECT, "Entry"}, {null, " next }\n\n"},
        {IrisColors.KEYWORD, "process"}, {null, " "}, {IrisHighlighting.PROCESS, "Teller"}, {null, " {\n    "},
        {IrisColors.KEYWORD, "joins"}, {null, " "}, {IrisHighlighting.GROUP, "tellers"}, {null, "\n    "},
        {IrisColors.KEYWORD, "handles"}, {null, " "}, {IrisHighlighting.MESSAGE, "Transfer"}, {null, "\n    "},
        {IrisColors.KEYWORD, "uses"}, {null, " "}, {IrisHighlighting.SHARED, "Accounts"}, {null, "\n}\n\n"},
        {IrisColors.KEYWORD, "cluster"}, {null, " "}, {IrisHighlighting.CLUSTER, "local"}, {null, " {\n    "},
        {IrisColors.KEYWORD, "node"}, {null, " "}, {IrisHighlighting.NODE, "n1"}, {null, " "},
        {IrisColors.KEYWORD, "at"}, {null, " "}, {IrisColors.STRING, "\"127.0.0.1:7201\""}, {null, " "},
        {IrisColors.KEYWORD, "runs"}, {null, " "}, {IrisHighlighting.PROCESS, "Teller"}, {null, "\n}\n"},
    };

    private final Map<String, ColorFieldEditor> colors = new HashMap<>();
    private final Map<String, BooleanFieldEditor> bold = new HashMap<>();
    private StyledText preview;

    public IrisColorsPreferencePage() {
        super(GRID);
        setPreferenceStore(IrisColors.preferences());
        setDescription("Colours of the Iris editor. Names are coloured by what they name, where they are "
                + "declared and wherever they are used.");
    }

    @Override
    protected void createFieldEditors() {
        IrisColors.STYLES.forEach((style, s) -> {
            ColorFieldEditor color = new ColorFieldEditor("color." + style, s.label(), getFieldEditorParent());
            BooleanFieldEditor b = new BooleanFieldEditor("bold." + style, "Bold", getFieldEditorParent());
            colors.put(style, color);
            bold.put(style, b);
            addField(color);
            addField(b);
        });
    }

    @Override
    protected Control createContents(Composite parent) {
        Composite page = new Composite(parent, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(page);
        GridLayoutFactory.fillDefaults().numColumns(2).spacing(16, 4).applyTo(page);
        Control fields = super.createContents(page); // the styles on the left, the preview beside them
        GridDataFactory.fillDefaults().align(SWT.FILL, SWT.BEGINNING).applyTo(fields);
        Composite right = new Composite(page, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(right);
        GridLayoutFactory.fillDefaults().applyTo(right);
        new Label(right, SWT.NONE).setText("Preview:");
        preview = new StyledText(right, SWT.BORDER | SWT.READ_ONLY | SWT.H_SCROLL | SWT.V_SCROLL);
        preview.setFont(JFaceResources.getTextFont());
        StringBuilder text = new StringBuilder();
        for (String[] piece : SAMPLE) {
            text.append(piece[1]);
        }
        preview.setText(text.toString());
        GridDataFactory.fillDefaults().grab(true, true).hint(340, SWT.DEFAULT).applyTo(preview);
        colorPreview(); // the field editors were loaded before the preview was there
        return page;
    }

    @Override
    protected void performDefaults() {
        super.performDefaults();
        colorPreview();
    }

    @Override
    public void propertyChange(PropertyChangeEvent event) {
        super.propertyChange(event);
        colorPreview();
    }

    /** Colours the preview with what the field editors hold now. */
    private void colorPreview() {
        if (preview == null || preview.isDisposed()) {
            return;
        }
        List<StyleRange> ranges = new ArrayList<>();
        int at = 0;
        for (String[] piece : SAMPLE) {
            if (piece[0] != null) {
                RGB rgb = colors.get(piece[0]).getColorSelector().getColorValue();
                ranges.add(new StyleRange(at, piece[1].length(), new Color(rgb), null,
                        bold.get(piece[0]).getBooleanValue() ? SWT.BOLD : SWT.NORMAL));
            }
            at += piece[1].length();
        }
        preview.setStyleRanges(ranges.toArray(StyleRange[]::new));
    }

    /** The preview (for tests). */
    StyledText preview() {
        return preview;
    }

    /** The colour field editor of {@code style} (for tests). */
    ColorFieldEditor colorEditor(String style) {
        return colors.get(style);
    }

    @Override
    public void init(IWorkbench workbench) {
    }
}
