package dev.iris.ui.internal.editor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.dsl.ide.highlighting.IrisHighlighting;
import dev.iris.ui.UiTests;
import java.util.Arrays;
import org.eclipse.jface.preference.FieldEditor;
import org.eclipse.jface.preference.PreferenceConverter;
import org.eclipse.jface.util.PropertyChangeEvent;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.StyleRange;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Test;

/**
 * The Iris Syntax Coloring page shows a program in its colours, and the preview follows a colour
 * as it is chosen, before Apply.
 */
class IrisColorsPreferencePageTest {
    @Test
    void thePreviewShowsEachStyleAndFollowsAColourAsItIsChosen() throws Exception {
        Shell shell = new Shell(Display.getCurrent());
        shell.setLayout(new FillLayout());
        IrisColorsPreferencePage page = new IrisColorsPreferencePage();
        try {
            page.createControl(shell);
            shell.setSize(760, 700);
            shell.open();
            UiTests.screenshot("syntax-coloring.png", 300);
            String text = page.preview().getText();
            assertTrue(text.contains("message Transfer"), text);
            RGB message = PreferenceConverter.getColor(IrisColors.preferences(), "color." + IrisHighlighting.MESSAGE);
            StyleRange transfer = page.preview().getStyleRangeAtOffset(text.indexOf("Transfer"));
            assertEquals(message, transfer.foreground.getRGB(), "a message name in the message names' colour");
            StyleRange keyword = page.preview().getStyleRangeAtOffset(text.indexOf("message"));
            assertEquals(SWT.BOLD, keyword.fontStyle, "keywords are bold by default");
            for (String style : IrisColors.STYLES.keySet()) {
                assertTrue(Arrays.stream(page.preview().getStyleRanges()).anyMatch(r -> r.foreground.getRGB()
                        .equals(PreferenceConverter.getColor(IrisColors.preferences(), "color." + style))),
                        "the preview shows style " + style);
            }

            // choosing a colour (the colour selector's dialog sets it and tells the page) recolours the preview
            RGB chosen = new RGB(200, 10, 10);
            assertNotEquals(message, chosen);
            var editor = page.colorEditor(IrisHighlighting.MESSAGE);
            editor.getColorSelector().setColorValue(chosen);
            page.propertyChange(new PropertyChangeEvent(editor, FieldEditor.VALUE, message, chosen));
            assertEquals(chosen, page.preview().getStyleRangeAtOffset(text.indexOf("Transfer")).foreground.getRGB());
            assertEquals(message, PreferenceConverter.getColor(IrisColors.preferences(), "color." + IrisHighlighting.MESSAGE),
                    "nothing is stored before Apply");
            assertTrue(page.performCancel());
        } finally {
            shell.dispose();
        }
    }
}
