package dev.iris.dsl.generator;

import dev.iris.dsl.iris.Cluster;
import dev.iris.dsl.iris.Group;
import dev.iris.dsl.iris.IrisSystem;
import dev.iris.dsl.iris.Message;
import dev.iris.dsl.iris.ObjectType;
import dev.iris.dsl.iris.Process;
import dev.iris.dsl.iris.SharedObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.emf.common.notify.Notifier;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.util.EcoreUtil;
import org.eclipse.xtext.EcoreUtil2;

/**
 * The Java names the generated code gives a declaration, the ones a user's handlers and main
 * classes refer to, so that a tool can follow a rename of the declaration into that Java (and show
 * what it would break). Derived from the same rules as the templates; {@code IrisGeneratorTest}
 * checks that each name exists in the generated code.
 */
public final class GeneratedNames {
    /** What kind of Java element a name is. */
    public enum Kind { TYPE, METHOD, FIELD }

    /**
     * One generated Java element: a type ({@code type} is its qualified name, {@code member} null)
     * or a method or field of the type {@code type}.
     */
    public record JavaName(Kind kind, String type, String member) {
        /** The element's own simple name. */
        public String simpleName() {
            return member != null ? member : type.substring(type.lastIndexOf('.') + 1);
        }
    }

    private GeneratedNames() {
    }

    /**
     * The Java elements named after {@code declaration} as they would be named if it were called
     * {@code name}; their number and order do not depend on {@code name}, so the lists for the
     * old and the new name pair up. Empty for a declaration the generated code names nothing after
     * (a system, a node, a field, a heap).
     *
     * @param declaration a message, a process, a shared object, a heap object type, a group or a
     *                    cluster in a resource set with the program's other files loaded
     *                    (processes of other files that handle a message or use a shared object
     *                    have methods named after it)
     */
    public static List<JavaName> of(EObject declaration, String name) {
        IrisSystem system = EcoreUtil2.getContainerOfType(declaration, IrisSystem.class);
        if (system == null) {
            return List.of();
        }
        String pkg = system.getName() + ".";
        String systemClass = pkg + new JavaNames(system).systemClass();
        List<JavaName> names = new ArrayList<>();
        switch (declaration) {
            case Message m -> {
                names.add(new JavaName(Kind.TYPE, pkg + name, null));
                for (Process p : processes(m)) {
                    if (p.getHandles().contains(m)) {
                        names.add(new JavaName(Kind.METHOD, abstractClass(p), "on" + name));
                    }
                }
            }
            case SharedObject s -> {
                names.add(new JavaName(Kind.TYPE, pkg + name, null));
                for (Process p : processes(s)) {
                    if (p.getUses().contains(s)) {
                        names.add(new JavaName(Kind.METHOD, abstractClass(p), JavaNames.field(JavaNames.lowerFirst(name))));
                    }
                }
            }
            case Process p -> names.add(new JavaName(Kind.TYPE, pkg + "Abstract" + name, null));
            case ObjectType o -> names.add(new JavaName(Kind.TYPE, pkg + name, null));
            // a local group is a method of the node (every node has its own), any other a constant
            case Group g -> names.add(new JavaName(g.isLocal() ? Kind.METHOD : Kind.FIELD, systemClass,
                    JavaNames.constant(name)));
            case Cluster c -> names.add(new JavaName(Kind.FIELD, systemClass, name.toUpperCase(Locale.ROOT)));
            default -> {
            }
        }
        return names;
    }

    /** Every process of the files loaded with {@code declaration}'s, in a stable order. */
    private static List<Process> processes(EObject declaration) {
        Notifier all = declaration.eResource() != null && declaration.eResource().getResourceSet() != null
                ? declaration.eResource().getResourceSet() : EcoreUtil2.getRootContainer(declaration);
        List<Process> processes = new ArrayList<>();
        EcoreUtil.getAllContents(List.of(all), true).forEachRemaining(o -> {
            if (o instanceof Process p) {
                processes.add(p);
            }
        });
        return processes;
    }

    private static String abstractClass(Process p) {
        return EcoreUtil2.getContainerOfType(p, IrisSystem.class).getName() + ".Abstract" + p.getName();
    }
}
