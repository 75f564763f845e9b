package dev.iris.ui.internal.wizards;

import dev.iris.core.IrisProjects;
import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IPath;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.wizard.Wizard;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Group;
import org.eclipse.ui.INewWizard;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.dialogs.WizardNewProjectCreationPage;
import org.eclipse.ui.ide.IDE;

/**
 * File > New > Iris Project: a Java project with the Iris nature, the Iris runtime on its
 * classpath and an example program (name service or bank) that builds and runs. The project is
 * created in the wizard's runnable (off the UI thread, with progress); the example's
 * {@code .iris} file opens afterwards.
 */
public final class NewIrisProjectWizard extends Wizard implements INewWizard {
    private ProjectPage page;
    private IWorkbench workbench;
    private IProject created;

    /** The first page with a choice of example below the name and location. */
    static final class ProjectPage extends WizardNewProjectCreationPage {
        private IrisProjects.Example example = IrisProjects.Example.NAMES;

        ProjectPage() {
            super("irisProject");
            setTitle("Iris Project");
            setDescription("Create a Java project with an Iris program that builds and runs.");
        }

        @Override
        public void createControl(Composite parent) {
            super.createControl(parent);
            Composite control = (Composite) getControl();
            Group group = new Group(control, SWT.NONE);
            group.setText("Example program");
            group.setLayout(new GridLayout(1, false));
            GridDataFactory.fillDefaults().grab(true, false).applyTo(group);
            for (IrisProjects.Example e : IrisProjects.Example.values()) {
                Button button = new Button(group, SWT.RADIO);
                button.setText(e.description());
                button.setSelection(e == example);
                button.addListener(SWT.Selection, ev -> {
                    if (button.getSelection()) {
                        example = e;
                    }
                });
            }
        }

        /** The example chosen. */
        IrisProjects.Example example() {
            return example;
        }

        /** Chooses an example (also for tests). */
        void setExample(IrisProjects.Example example) {
            this.example = example;
        }
    }

    public NewIrisProjectWizard() {
        setWindowTitle("New Iris Project");
        setNeedsProgressMonitor(true);
    }

    @Override
    public void init(IWorkbench workbench, IStructuredSelection selection) {
        this.workbench = workbench;
    }

    @Override
    public void addPages() {
        page = new ProjectPage();
        addPage(page);
    }

    /** The first page (for tests). */
    ProjectPage page() {
        return page;
    }

    /** The project created by {@link #performFinish()}, or null. */
    public IProject created() {
        return created;
    }

    @Override
    public boolean performFinish() {
        String name = page.getProjectName();
        IPath location = page.useDefaults() ? null : page.getLocationPath();
        IrisProjects.Example example = page.example();
        try {
            getContainer().run(true, false, monitor -> {
                try {
                    created = IrisProjects.create(name, location, example, monitor);
                } catch (CoreException e) {
                    throw new InvocationTargetException(e);
                }
            });
        } catch (InvocationTargetException e) {
            MessageDialog.openError(getShell(), "New Iris Project",
                    "The project was not created: " + e.getCause().getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        IFile iris = created.getFile(IrisProjects.IRIS_SRC + "/" + example.name().toLowerCase(Locale.ROOT)
                + ".iris");
        if (iris.exists() && workbench != null && workbench.getActiveWorkbenchWindow() != null) {
            try {
                IDE.openEditor(workbench.getActiveWorkbenchWindow().getActivePage(), iris);
            } catch (PartInitException e) {
                // the project is there; only opening the example failed
            }
        }
        return true;
    }
}
