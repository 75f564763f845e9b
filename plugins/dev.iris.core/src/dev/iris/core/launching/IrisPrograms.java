package dev.iris.core.launching;

import dev.iris.core.IrisLanguage;
import dev.iris.core.internal.IrisBuilder;
import dev.iris.dsl.compiler.IrisCompiler;
import dev.iris.dsl.generator.IrisGenerator;
import dev.iris.dsl.iris.Group;
import dev.iris.dsl.iris.IrisSystem;
import dev.iris.dsl.iris.Placement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.emf.common.util.URI;
import org.eclipse.emf.ecore.resource.Resource;
import org.eclipse.jdt.core.ICompilationUnit;
import org.eclipse.jdt.core.IJavaElement;
import org.eclipse.jdt.core.IJavaProject;
import org.eclipse.jdt.core.IMethod;
import org.eclipse.jdt.core.IPackageFragment;
import org.eclipse.jdt.core.IPackageFragmentRoot;
import org.eclipse.jdt.core.IType;
import org.eclipse.xtext.EcoreUtil2;
import org.eclipse.xtext.resource.XtextResourceSet;

/**
 * The Iris programs of a project as a launch needs them: each system's generated class and its
 * clusters with their nodes, read from the project's {@code .iris} files as saved.
 */
public final class IrisPrograms {
    /** A node: its name, its {@code host:port}, and what it runs ({@code Process} or {@code Process[count]}). */
    public record Node(String name, String address, List<String> runs) {
    }

    /** A cluster and its nodes. */
    public record Cluster(String name, List<Node> nodes) {
        /** The node called {@code name}, if there is one. */
        public Optional<Node> node(String name) {
            return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
        }
    }

    /**
     * A system: its qualified name, its generated class, the file it is in, its clusters, and the
     * names of its well-known groups by number.
     */
    public record Program(String system, String systemClass, Path file, List<Cluster> clusters,
            Map<Integer, String> wellKnownGroups) {
        /**
         * The cluster called {@code name}; for null the one called {@code local}, else the first.
         * Empty if there is none.
         */
        public Optional<Cluster> cluster(String name) {
            if (name == null || name.isBlank()) {
                return clusters.stream().filter(c -> c.name().equals("local")).findFirst()
                        .or(() -> clusters.stream().findFirst());
            }
            return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
        }
    }

    private IrisPrograms() {
    }

    /** The programs of {@code project}, in the order of their files' paths. */
    public static List<Program> of(IProject project) {
        if (project.getLocation() == null) {
            return List.of();
        }
        Path root = project.getLocation().toPath();
        XtextResourceSet set = IrisLanguage.get().injector().getInstance(XtextResourceSet.class);
        List<Path> files = IrisCompiler.sources(root);
        List<Resource> resources = files.stream()
                .map(f -> set.getResource(URI.createFileURI(f.toAbsolutePath().toString()), true)).toList();
        List<Program> programs = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            for (IrisSystem system : EcoreUtil2.typeSelect(resources.get(i).getContents(), IrisSystem.class)) {
                if (system.getName() == null) {
                    continue;
                }
                List<Cluster> clusters = new ArrayList<>();
                for (dev.iris.dsl.iris.Cluster c : EcoreUtil2.typeSelect(system.getElements(),
                        dev.iris.dsl.iris.Cluster.class)) {
                    List<Node> nodes = new ArrayList<>();
                    for (dev.iris.dsl.iris.Node n : c.getNodes()) {
                        List<String> runs = new ArrayList<>();
                        for (Placement p : n.getPlacements()) {
                            String process = p.getProcess() == null || p.getProcess().eIsProxy() ? "?"
                                    : p.getProcess().getName();
                            runs.add(p.isCounted() ? process + "[" + p.getCount() + "]" : process);
                        }
                        nodes.add(new Node(n.getName(), n.getAddress(), List.copyOf(runs)));
                    }
                    clusters.add(new Cluster(c.getName(), List.copyOf(nodes)));
                }
                Map<Integer, String> groups = new TreeMap<>();
                for (Group g : EcoreUtil2.typeSelect(system.getElements(),
                        Group.class)) {
                    if (g.isWellKnown() && g.getName() != null) {
                        groups.put(g.getWellKnownId(), g.getName());
                    }
                }
                programs.add(new Program(system.getName(), IrisGenerator.systemClass(system), files.get(i),
                        List.copyOf(clusters), Map.copyOf(groups)));
            }
        }
        return programs;
    }

    /**
     * The top-level classes of the user's source folders of {@code project} (not {@code src-gen}):
     * the candidates for the processes' handlers.
     */
    public static List<String> userTypes(IJavaProject project) throws CoreException {
        List<String> types = new ArrayList<>();
        for (ICompilationUnit unit : userUnits(project)) {
            for (IType type : unit.getTypes()) {
                types.add(type.getFullyQualifiedName());
            }
        }
        return types;
    }

    /**
     * The classes of the user's source folders of {@code project} that have a main method, by
     * qualified name, sorted: what may drive a cluster launch.
     */
    public static List<String> mainTypes(IJavaProject project) throws CoreException {
        List<String> found = new ArrayList<>();
        for (ICompilationUnit unit : userUnits(project)) {
            for (IType type : unit.getAllTypes()) {
                for (IMethod method : type.getMethods()) {
                    if (method.isMainMethod()) {
                        found.add(type.getFullyQualifiedName('.'));
                        break;
                    }
                }
            }
        }
        return found.stream().sorted().toList();
    }

    /** The compilation units of {@code project}'s own source folders, except {@code src-gen}. */
    private static List<ICompilationUnit> userUnits(IJavaProject project) throws CoreException {
        List<ICompilationUnit> units = new ArrayList<>();
        for (IPackageFragmentRoot root : project.getPackageFragmentRoots()) {
            if (root.getKind() != IPackageFragmentRoot.K_SOURCE
                    || !root.getResource().getProject().equals(project.getProject())
                    || root.getResource().getProjectRelativePath().toString().equals(IrisBuilder.SRC_GEN)) {
                continue;
            }
            for (IJavaElement element : root.getChildren()) {
                units.addAll(List.of(((IPackageFragment) element).getCompilationUnits()));
            }
        }
        return units;
    }
}
