package dev.iris.core.internal;

import dev.iris.core.IrisLanguage;
import dev.iris.core.IrisMarkers;
import dev.iris.dsl.compiler.IrisCompiler;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IFolder;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.resources.IResourceDelta;
import org.eclipse.core.resources.IncrementalProjectBuilder;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IPath;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.SubMonitor;

/**
 * Compiles a project's {@code .iris} files into {@code src-gen/} when one of them changed (or on
 * a full build), puts the problems on the files as markers and refreshes {@code src-gen/} so that
 * the Java builder, which runs next, compiles the generated code with the user's. The compiler
 * never half-writes: on errors {@code src-gen/} keeps the last good output; otherwise it is
 * replaced whole, so generated files of removed declarations disappear.
 */
public final class IrisBuilder extends IncrementalProjectBuilder {
    /** The folder of generated sources, relative to the project. */
    public static final String SRC_GEN = "src-gen";

    @Override
    protected IProject[] build(int kind, Map<String, String> args, IProgressMonitor monitor) throws CoreException {
        IProject project = getProject();
        IResourceDelta delta = kind == FULL_BUILD ? null : getDelta(project);
        if (delta != null && !IrisLanguage.touchesIris(delta)) {
            return null;
        }
        SubMonitor progress = SubMonitor.convert(monitor, "Compiling the Iris files of " + project.getName(), 3);
        Path root = project.getLocation().toPath();
        IrisCompiler.Result result;
        try {
            result = IrisLanguage.get().compile(root, root.resolve(SRC_GEN));
        } catch (UncheckedIOException e) {
            throw new CoreException(Status.error("Iris: " + e.getMessage(), e.getCause()));
        }
        progress.worked(1);
        IrisMarkers.clear(project);
        for (IrisCompiler.Problem problem : result.problems()) {
            IFile file = project.getWorkspace().getRoot().getFileForLocation(IPath.fromPath(problem.file()));
            IrisMarkers.create(file == null ? project : file, problem.line(), problem.offset(), problem.length(),
                    problem.severity(), problem.code(), problem.message());
        }
        progress.worked(1);
        IFolder srcGen = project.getFolder(SRC_GEN);
        srcGen.refreshLocal(IResource.DEPTH_INFINITE, progress.split(1));
        markDerived(srcGen);
        return null;
    }

    /** Marks the generated files derived: out of Open Resource and searches, as JDT's output is. */
    private static void markDerived(IFolder srcGen) throws CoreException {
        if (!srcGen.exists()) {
            return;
        }
        srcGen.accept(r -> {
            if (r.getType() == IResource.FILE && !r.isDerived()) {
                r.setDerived(true, null);
            }
            return true;
        });
    }

    @Override
    protected void clean(IProgressMonitor monitor) throws CoreException {
        IProject project = getProject();
        IrisMarkers.clear(project);
        IFolder srcGen = project.getFolder(SRC_GEN);
        if (srcGen.exists()) {
            for (IResource member : srcGen.members()) {
                member.delete(true, monitor);
            }
        }
    }
}
