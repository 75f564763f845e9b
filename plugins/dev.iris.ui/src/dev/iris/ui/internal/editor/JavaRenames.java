package dev.iris.ui.internal.editor;

import dev.iris.core.IrisModel.JavaRename;
import dev.iris.dsl.generator.GeneratedNames;
import dev.iris.dsl.generator.GeneratedNames.JavaName;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IWorkspaceRunnable;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.SubMonitor;
import org.eclipse.jdt.core.IJavaElement;
import org.eclipse.jdt.core.IJavaProject;
import org.eclipse.jdt.core.IType;
import org.eclipse.jdt.core.JavaCore;
import org.eclipse.jdt.core.refactoring.IJavaRefactorings;
import org.eclipse.jdt.core.refactoring.descriptors.RenameJavaElementDescriptor;
import org.eclipse.ltk.core.refactoring.Change;
import org.eclipse.ltk.core.refactoring.PerformChangeOperation;
import org.eclipse.ltk.core.refactoring.Refactoring;
import org.eclipse.ltk.core.refactoring.RefactoringCore;
import org.eclipse.ltk.core.refactoring.RefactoringStatus;

/**
 * Follows a rename of an Iris declaration into the Java that uses the names generated from it
 * (the handlers' {@code onTransfer} overrides, a main class's {@code BankSystem.TELLERS}), with
 * JDT's own rename refactorings of the generated elements: references in every Java project are
 * updated, and so are the generated files, which the next build writes again alike.
 *
 * <p>Each rename is checked and performed in turn (a later one is computed on the code the earlier
 * ones left), in one workspace operation; if one is refused, those before it are undone.
 */
final class JavaRenames {
    private JavaRenames() {
    }

    /**
     * The JDT rename refactorings for {@code renames} in {@code project}, checked: the first one
     * whose elements cannot be renamed (a name taken, say) makes {@code problems} fatal. An element
     * not generated yet (the project was never built) is skipped.
     */
    static List<Refactoring> plan(IProject project, List<JavaRename> renames, RefactoringStatus problems,
            IProgressMonitor monitor) throws CoreException {
        IJavaProject java = JavaCore.create(project);
        List<Refactoring> planned = new ArrayList<>();
        if (!java.exists()) {
            return planned;
        }
        SubMonitor progress = SubMonitor.convert(monitor, "Finding the Java code that uses the names", renames.size());
        // methods before types: a method's handle names its parameters' types, which a type rename changes
        List<JavaRename> ordered = renames.stream()
                .sorted(Comparator.comparing(r -> r.element().kind() != GeneratedNames.Kind.METHOD)).toList();
        for (JavaRename rename : ordered) {
            IJavaElement element = element(java, rename.element());
            if (element == null) {
                progress.worked(1);
                continue;
            }
            String id = switch (element.getElementType()) {
                case IJavaElement.TYPE -> IJavaRefactorings.RENAME_TYPE;
                case IJavaElement.METHOD -> IJavaRefactorings.RENAME_METHOD;
                default -> IJavaRefactorings.RENAME_FIELD;
            };
            RenameJavaElementDescriptor descriptor = (RenameJavaElementDescriptor) RefactoringCore
                    .getRefactoringContribution(id).createDescriptor();
            descriptor.setProject(project.getName());
            descriptor.setJavaElement(element);
            descriptor.setNewName(rename.newName());
            descriptor.setUpdateReferences(true);
            RefactoringStatus status = new RefactoringStatus();
            Refactoring refactoring = descriptor.createRefactoring(status);
            problems.merge(status);
            if (refactoring == null || problems.hasFatalError()) {
                return planned;
            }
            planned.add(refactoring);
            progress.worked(1);
        }
        return planned;
    }

    /**
     * Checks and performs {@code refactorings} in turn in one workspace operation. If one's
     * conditions fail with an error, the ones performed before it are undone and its errors go to
     * {@code problems}: the Java code is renamed whole or not at all (warnings, such as that the
     * generated files are derived, are left out).
     *
     * @return whether all were performed
     */
    static boolean perform(List<Refactoring> refactorings, RefactoringStatus problems, IProgressMonitor monitor)
            throws CoreException {
        boolean[] done = {false};
        IWorkspaceRunnable all = m -> {
            SubMonitor progress = SubMonitor.convert(m, "Renaming in the Java code", 3 * refactorings.size());
            List<Change> undos = new ArrayList<>();
            for (Refactoring refactoring : refactorings) {
                RefactoringStatus status = refactoring.checkAllConditions(progress.split(1));
                if (status.hasError()) {
                    Arrays.stream(status.getEntries()).filter(e -> e.getSeverity() >= RefactoringStatus.ERROR)
                            .forEach(problems::addEntry);
                    for (Change undo : undos) {
                        new PerformChangeOperation(undo).run(progress.split(1));
                    }
                    return;
                }
                Change change = refactoring.createChange(progress.split(1));
                change.initializeValidationData(progress.split(0));
                PerformChangeOperation perform = new PerformChangeOperation(change);
                perform.run(progress.split(1));
                if (perform.getUndoChange() != null) {
                    undos.add(0, perform.getUndoChange()); // undone last first
                }
            }
            done[0] = true;
        };
        ResourcesPlugin.getWorkspace().run(all, ResourcesPlugin.getWorkspace().getRoot(), 0, monitor);
        return done[0];
    }

    /** The generated Java element {@code name} in {@code project}, or null if it is not there. */
    private static IJavaElement element(IJavaProject project, JavaName name) throws CoreException {
        IType type = project.findType(name.type());
        if (type == null || name.member() == null) {
            return type;
        }
        return switch (name.kind()) {
            case FIELD -> type.getField(name.member()).exists() ? type.getField(name.member()) : null;
            case METHOD -> Arrays.stream(type.getMethods()).filter(m -> m.getElementName().equals(name.member()))
                    .findFirst().orElse(null);
            case TYPE -> type;
        };
    }
}
