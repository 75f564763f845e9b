package dev.iris.core.internal;

import dev.iris.core.IrisRuntimeContainer;
import java.io.IOException;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IPath;
import org.eclipse.core.runtime.Status;
import org.eclipse.jdt.core.ClasspathContainerInitializer;
import org.eclipse.jdt.core.IClasspathContainer;
import org.eclipse.jdt.core.IJavaProject;
import org.eclipse.jdt.core.JavaCore;

/** Resolves {@link IrisRuntimeContainer#PATH} for JDT. */
public final class IrisRuntimeContainerInitializer extends ClasspathContainerInitializer {
    @Override
    public void initialize(IPath containerPath, IJavaProject project) throws CoreException {
        IrisRuntimeContainer container;
        try {
            container = IrisRuntimeContainer.create();
        } catch (IOException e) {
            throw new CoreException(Status.error("cannot locate the Iris runtime's bundles: " + e.getMessage(), e));
        }
        JavaCore.setClasspathContainer(containerPath, new IJavaProject[] {project},
                new IClasspathContainer[] {container}, null);
    }

    @Override
    public String getDescription(IPath containerPath, IJavaProject project) {
        return "Iris Runtime";
    }
}
