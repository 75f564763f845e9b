package dev.iris.ui.internal.wizards;

import dev.iris.core.IrisNature;
import dev.iris.core.launching.IrisExport;
import dev.iris.core.launching.IrisPrograms;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.runtime.Adapters;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.wizard.Wizard;
import org.eclipse.jface.wizard.WizardPage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.IExportWizard;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.progress.IProgressConstants;

/**
 * File > Export > Iris > Runnable Node Bundles: picks an Iris project's program and cluster and a
 * destination, then runs the exporter of {@code iris export} in a job with progress.
 */
public final class ExportNodeBundlesWizard extends Wizard implements IExportWizard {
    private IProject initial;
    private Page page;
    private Job job;

    /** The wizard's only page. */
    static final class Page extends WizardPage {
        /** What the page does, in the banner: one line. */
        static final String DESCRIPTION = "Export a runnable bundle for each node of a cluster.";
        static final String NO_DESTINATION = "Choose a destination directory";

        private final IProject initial;
        private Combo project;
        private Combo system;
        private Combo cluster;
        private Text destination;
        private Text dataDirectory;
        private List<IrisPrograms.Program> programs = List.of();
        private boolean destinationTouched;

        Page(IProject initial) {
            super("nodeBundles");
            this.initial = initial;
            setTitle("Runnable Node Bundles");
            setDescription(DESCRIPTION);
        }

        @Override
        public void createControl(Composite parent) {
            Composite c = new Composite(parent, SWT.NONE);
            GridLayoutFactory.swtDefaults().numColumns(3).applyTo(c);
            project = combo(c, "Project:");
            system = combo(c, "System:");
            cluster = combo(c, "Cluster:");
            new Label(c, SWT.NONE).setText("Destination:");
            destination = new Text(c, SWT.BORDER);
            GridDataFactory.fillDefaults().grab(true, false).applyTo(destination);
            Button browse = new Button(c, SWT.PUSH);
            browse.setText("Browse...");
            new Label(c, SWT.NONE).setText("Data directory:");
            dataDirectory = new Text(c, SWT.BORDER);
            dataDirectory.setText(IrisExport.DEFAULT_DATA_DIRECTORY);
            dataDirectory.setToolTipText("Where each node keeps a persistent cluster's pages: a directory of its bundle "
                    + "(kept when the bundles are exported again), or an absolute path (a directory per node under "
                    + "it). IRIS_DATA_DIR overrides it where a node runs.");
            GridDataFactory.fillDefaults().grab(true, false).span(2, 1).applyTo(dataDirectory);
            dataDirectory.addListener(SWT.Modify, e -> validate());
            Label what = new Label(c, SWT.WRAP);
            what.setText("Each node gets bin/iris-node, lib/ and conf/ with its credentials, as a folder, a .tar.gz "
                    + "and a .zip; the cluster gets a Dockerfile and a Kubernetes StatefulSet.");
            GridDataFactory.fillDefaults().grab(true, false).span(3, 1).hint(400, SWT.DEFAULT).indent(0, 10)
                    .applyTo(what);
            browse.addListener(SWT.Selection, e -> {
                String dir = new DirectoryDialog(getShell()).open();
                if (dir != null) {
                    destination.setText(dir);
                }
            });
            project.setItems(Arrays.stream(ResourcesPlugin.getWorkspace().getRoot().getProjects())
                    .filter(IrisNature::isIrisProject).map(IProject::getName).toArray(String[]::new));
            project.addListener(SWT.Modify, e -> projectChanged());
            system.addListener(SWT.Modify, e -> systemChanged());
            cluster.addListener(SWT.Modify, e -> validate());
            destination.addListener(SWT.Modify, e -> {
                destinationTouched = true;
                validate();
            });
            if (initial != null) {
                project.setText(initial.getName());
            } else if (project.getItemCount() > 0) {
                project.select(0);
            }
            setControl(c);
            validate();
        }

        private static Combo combo(Composite parent, String label) {
            new Label(parent, SWT.NONE).setText(label);
            Combo combo = new Combo(parent, SWT.READ_ONLY);
            GridDataFactory.fillDefaults().grab(true, false).span(2, 1).applyTo(combo);
            return combo;
        }

        private void projectChanged() {
            IProject p = project();
            programs = p != null && p.isAccessible() ? IrisPrograms.of(p) : List.of();
            system.setItems(programs.stream().map(IrisPrograms.Program::systemClass).toArray(String[]::new));
            if (system.getItemCount() > 0) {
                system.select(0);
            }
            systemChanged();
        }

        private void systemChanged() {
            cluster.setItems(program() == null ? new String[0]
                    : program().clusters().stream().map(IrisPrograms.Cluster::name).toArray(String[]::new));
            if (cluster.getItemCount() > 0) {
                cluster.select(0);
            }
            validate();
        }

        private void validate() {
            String error = project() == null ? "Choose an Iris project"
                    : program() == null ? "The project declares no system"
                    : cluster.getText().isEmpty() ? "The system declares no cluster"
                    : destination.getText().isBlank() ? NO_DESTINATION
                    : IrisExport.dataDirectoryProblem(dataDirectory.getText());
            // a destination not chosen yet is the next step, not an error (until the user clears it)
            boolean nextStep = NO_DESTINATION.equals(error) && !destinationTouched;
            setErrorMessage(nextStep ? null : error);
            setMessage(nextStep ? error : null);
            setPageComplete(error == null);
        }

        IProject project() {
            String name = project.getText();
            return name.isEmpty() ? null : ResourcesPlugin.getWorkspace().getRoot().getProject(name);
        }

        IrisPrograms.Program program() {
            return programs.stream().filter(p -> p.systemClass().equals(system.getText())).findFirst().orElse(null);
        }

        String cluster() {
            return cluster.getText();
        }

        Path destination() {
            return Path.of(destination.getText().strip());
        }

        /** Where each node keeps a persistent cluster's pages. */
        String dataDirectory() {
            return dataDirectory.getText().strip();
        }

        /** Sets the data directory (also for tests). */
        void setDataDirectory(String dir) {
            dataDirectory.setText(dir);
        }

        /** Sets the destination (also for tests). */
        void setDestination(Path dir) {
            destination.setText(dir.toString());
        }
    }

    public ExportNodeBundlesWizard() {
        setWindowTitle("Export Runnable Node Bundles");
    }

    @Override
    public void init(IWorkbench workbench, IStructuredSelection selection) {
        if (selection != null && !selection.isEmpty()) {
            IResource resource = Adapters.adapt(selection.getFirstElement(), IResource.class);
            initial = resource == null ? null : resource.getProject();
        }
    }

    @Override
    public void addPages() {
        page = new Page(initial);
        addPage(page);
    }

    /** The page (for tests). */
    Page page() {
        return page;
    }

    /** The export job of the last finish, or null (for tests). */
    Job job() {
        return job;
    }

    @Override
    public boolean performFinish() {
        IProject project = page.project();
        IrisPrograms.Program program = page.program();
        String cluster = page.cluster();
        Path out = page.destination();
        String data = page.dataDirectory();
        job = Job.create("Exporting the node bundles of cluster " + cluster + " to " + out, monitor -> {
            try {
                List<Path> bundles = IrisExport.export(project, program, cluster, out, data, monitor);
                return Status.info("Exported " + bundles.size() + " node bundles to " + out);
            } catch (CoreException e) {
                return e.getStatus(); // shown to the user: the job is a user job
            }
        });
        job.setUser(true);
        // the finished job stays in the Progress view with its result ("Exported 2 node bundles to ...")
        job.setProperty(IProgressConstants.KEEP_PROPERTY, Boolean.TRUE);
        job.schedule();
        return true;
    }
}
