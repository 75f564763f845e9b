package dev.iris.ui.internal.wizards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.core.IrisNature;
import dev.iris.core.IrisProjects;
import dev.iris.ui.internal.editor.IrisEditor;
import java.util.Arrays;
import org.eclipse.core.resources.IMarker;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.resources.IncrementalProjectBuilder;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.jface.wizard.WizardDialog;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** File > New > Iris Project in a real workbench: the project it creates builds without errors. */
class NewIrisProjectWizardTest {
    private IProject project;

    @AfterEach
    void delete() throws CoreException {
        PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage().closeAllEditors(false);
        if (project != null) {
            project.delete(true, true, null);
        }
    }

    @Test
    void theBankProjectBuildsWithoutErrorsAndItsProgramOpensInTheIrisEditor() throws CoreException {
        IWorkbench workbench = PlatformUI.getWorkbench();
        NewIrisProjectWizard wizard = new NewIrisProjectWizard();
        wizard.init(workbench, StructuredSelection.EMPTY);
        WizardDialog dialog = new WizardDialog(workbench.getActiveWorkbenchWindow().getShell(), wizard);
        dialog.create();
        try {
            org.eclipse.swt.widgets.Text name = findText(wizard.page().getControl());
            name.setText("bank-from-wizard");
            wizard.page().setExample(IrisProjects.Example.BANK);
            assertTrue(wizard.page().isPageComplete(), wizard.page().getErrorMessage());
            assertTrue(wizard.performFinish());
        } finally {
            dialog.close();
        }
        project = wizard.created();
        assertEquals("bank-from-wizard", project.getName());
        assertTrue(IrisNature.isIrisProject(project));

        project.build(IncrementalProjectBuilder.FULL_BUILD, null);
        IMarker[] problems = project.findMarkers(IMarker.PROBLEM, true, IResource.DEPTH_INFINITE);
        assertEquals("[]", Arrays.stream(problems).filter(m -> m.getAttribute(IMarker.SEVERITY, -1) == IMarker.SEVERITY_ERROR)
                .map(m -> m.getResource().getName() + ":" + m.getAttribute(IMarker.LINE_NUMBER, -1) + " "
                        + m.getAttribute(IMarker.MESSAGE, "")).toList().toString());
        assertTrue(project.getFile("bin/demo/bank/Main.class").exists());
        assertTrue(workbench.getActiveWorkbenchWindow().getActivePage().getActiveEditor() instanceof IrisEditor editor
                && editor.getEditorInput().getName().equals("bank.iris"));
    }

    /** The project name field: the page's first text field. */
    private static org.eclipse.swt.widgets.Text findText(org.eclipse.swt.widgets.Control control) {
        if (control instanceof org.eclipse.swt.widgets.Text text) {
            return text;
        }
        if (control instanceof org.eclipse.swt.widgets.Composite c) {
            for (org.eclipse.swt.widgets.Control child : c.getChildren()) {
                org.eclipse.swt.widgets.Text found = findText(child);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
