package dev.iris.ui.internal.editor;

import org.eclipse.jface.preference.BooleanFieldEditor;
import org.eclipse.jface.preference.ColorFieldEditor;
import org.eclipse.jface.preference.FieldEditorPreferencePage;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.IWorkbenchPreferencePage;

/** Preferences > Iris Syntax Coloring: a colour and a bold flag per style of the Iris editor. */
public final class IrisColorsPreferencePage extends FieldEditorPreferencePage implements IWorkbenchPreferencePage {
    public IrisColorsPreferencePage() {
        super(GRID);
        setPreferenceStore(IrisColors.preferences());
        setDescription("Colours of the Iris editor. Names are coloured by what they name, where they are "
                + "declared and wherever they are used.");
    }

    @Override
    protected void createFieldEditors() {
        IrisColors.STYLES.forEach((style, s) -> {
            addField(new ColorFieldEditor("color." + style, s.label(), getFieldEditorParent()));
            addField(new BooleanFieldEditor("bold." + style, "Bold", getFieldEditorParent()));
        });
    }

    @Override
    public void init(IWorkbench workbench) {
    }
}
