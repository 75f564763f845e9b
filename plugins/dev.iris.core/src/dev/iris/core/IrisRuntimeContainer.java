package dev.iris.core;

import dev.iris.runtime.Kernel;
import java.io.File;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.core.runtime.FileLocator;
import org.eclipse.core.runtime.IPath;
import org.eclipse.jdt.core.IClasspathContainer;
import org.eclipse.jdt.core.IClasspathEntry;
import org.eclipse.jdt.core.JavaCore;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.resource.Namespace;

/**
 * The "Iris Runtime" classpath container ({@value #ID}): the Iris runtime and the libraries it
 * needs (Netty), taken from the bundles this IDE runs, so that a new Iris project compiles and
 * runs with no set-up. Add {@link #entry()} to a Java project's classpath.
 */
public final class IrisRuntimeContainer implements IClasspathContainer {
    /** The container id, its path's only segment. */
    public static final String ID = "dev.iris.core.RUNTIME";
    /** The container path. */
    public static final IPath PATH = IPath.fromOSString(ID);

    private final IClasspathEntry[] entries;

    IrisRuntimeContainer(List<File> jars) {
        entries = jars.stream().map(f -> JavaCore.newLibraryEntry(IPath.fromOSString(f.getAbsolutePath()), null, null))
                .toArray(IClasspathEntry[]::new);
    }

    /** The container as a classpath entry. */
    public static IClasspathEntry entry() {
        return JavaCore.newContainerEntry(PATH);
    }

    /**
     * The container of this IDE: the runtime bundle, what it wires to, and transitively what those
     * bundles require (not the OSGi framework itself), as files. Optional imports of the libraries
     * are left out: in the IDE they wire to whatever the IDE happens to run, e.g. Netty's to the
     * log4j that Xtext brings, which then warns on every node's console that it has no appenders.
     *
     * @throws IOException if a bundle is not a file or directory on disk
     */
    public static IrisRuntimeContainer create() throws IOException {
        Bundle runtime = FrameworkUtil.getBundle(Kernel.class);
        Set<Bundle> seen = new LinkedHashSet<>();
        Deque<Bundle> todo = new ArrayDeque<>(List.of(runtime));
        while (!todo.isEmpty()) {
            Bundle bundle = todo.pop();
            if (bundle.getBundleId() == 0 || !seen.add(bundle)) {
                continue;
            }
            BundleWiring wiring = bundle.adapt(BundleWiring.class);
            if (wiring != null) {
                for (BundleWire wire : wiring.getRequiredWires(null)) {
                    if (bundle == runtime || wire.getRequirement().getDirectives()
                            .get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE) == null) {
                        todo.add(wire.getProvider().getBundle());
                    }
                }
            }
        }
        List<File> files = new ArrayList<>();
        for (Bundle bundle : seen) {
            files.add(FileLocator.getBundleFile(bundle));
        }
        return new IrisRuntimeContainer(files);
    }

    @Override
    public IClasspathEntry[] getClasspathEntries() {
        return entries.clone();
    }

    @Override
    public String getDescription() {
        return "Iris Runtime";
    }

    @Override
    public int getKind() {
        return K_APPLICATION;
    }

    @Override
    public IPath getPath() {
        return PATH;
    }
}
