package dev.iris.dsl.generator;

import com.google.inject.Inject;
import dev.iris.dsl.iris.IrisSystem;
import dev.iris.dsl.iris.Message;
import dev.iris.dsl.iris.ObjectType;
import dev.iris.dsl.iris.Process;
import dev.iris.dsl.iris.SharedObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.resource.Resource;
import org.eclipse.xtext.EcoreUtil2;
import org.eclipse.xtext.documentation.IEObjectDocumentationProvider;
import org.eclipse.xtext.generator.AbstractGenerator;
import org.eclipse.xtext.generator.IFileSystemAccess2;
import org.eclipse.xtext.generator.IGeneratorContext;

/**
 * The Java generator of the Iris language (generation gap: everything it writes goes to
 * {@code src-gen/} and is extended, never edited, by the user's classes). Per system:
 * <ul>
 * <li>a record per message, with its binary codec ({@link MessageTemplate});
 * <li>{@code Abstract<Process>} per process, with one handler method per handled message and typed
 * send helpers ({@link ProcessTemplate});
 * <li>a class per shared object with typed accessors over the distributed shared memory
 * ({@link SharedTemplate});
 * <li>a class per heap object type: typed handles on the objects allocated in a heap
 * ({@link ObjectTypeTemplate});
 * <li>{@code <Name>System}: group ids, the codecs, the clusters, the memory layout (the regions of
 * shared objects and heaps, the heap types) and how to start them ({@link SystemTemplate}).
 * </ul>
 */
public class IrisGenerator extends AbstractGenerator {
    @Inject
    private IEObjectDocumentationProvider documentation;

    /** The qualified name of the {@code <Name>System} class generated for {@code system}. */
    public static String systemClass(IrisSystem system) {
        return system.getName() + "." + new JavaNames(system).systemClass();
    }

    @Override
    public void doGenerate(Resource resource, IFileSystemAccess2 fsa, IGeneratorContext context) {
        Map<IrisSystem, JavaNames> systems = new HashMap<>();
        sources(resource).forEach((path, declaration) -> {
            JavaNames names = systems.computeIfAbsent(EcoreUtil2.getContainerOfType(declaration, IrisSystem.class),
                    JavaNames::new);
            write(fsa, path, switch (declaration) {
                case Message message -> new MessageTemplate(names, documentation).generate(message);
                case Process process -> new ProcessTemplate(names, documentation).generate(process);
                case SharedObject shared -> new SharedTemplate(names, documentation).generate(shared);
                case ObjectType type -> new ObjectTypeTemplate(names, documentation).generate(type);
                case IrisSystem system -> new SystemTemplate(names).generate();
                default -> throw new IllegalStateException("nothing is generated for " + declaration);
            });
        });
    }

    /**
     * The files {@link #doGenerate} writes for {@code resource} (paths relative to the output
     * directory), each with the declaration it is generated from: a message, a process, a shared
     * object, a heap object type or the system itself; in the order they are written.
     */
    public static Map<String, EObject> sources(Resource resource) {
        Map<String, EObject> files = new LinkedHashMap<>();
        for (IrisSystem system : EcoreUtil2.typeSelect(resource.getContents(), IrisSystem.class)) {
            String dir = system.getName().replace('.', '/') + "/";
            for (Message message : EcoreUtil2.typeSelect(system.getElements(), Message.class)) {
                files.put(dir + message.getName() + ".java", message);
            }
            for (Process process : EcoreUtil2.typeSelect(system.getElements(), Process.class)) {
                files.put(dir + "Abstract" + process.getName() + ".java", process);
            }
            for (SharedObject shared : EcoreUtil2.typeSelect(system.getElements(), SharedObject.class)) {
                files.put(dir + shared.getName() + ".java", shared);
            }
            for (ObjectType type : EcoreUtil2.typeSelect(system.getElements(), ObjectType.class)) {
                files.put(dir + type.getName() + ".java", type);
            }
            files.put(dir + new JavaNames(system).systemClass() + ".java", system);
        }
        return files;
    }

    /** Writes {@code java} without the imports it does not use (a template imports what any of its variants needs). */
    private static void write(IFileSystemAccess2 fsa, String path, String java) {
        fsa.generateFile(path, withoutUnusedImports(java));
    }

    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(?:[\\w.]*\\.)?(\\w+);\\R", Pattern.MULTILINE);

    /** {@code java} without the import lines whose simple name appears nowhere else in it. */
    static String withoutUnusedImports(String java) {
        String rest = IMPORT.matcher(java).replaceAll("");
        return IMPORT.matcher(java).replaceAll(m -> Pattern.compile("\\b" + m.group(1) + "\\b").matcher(rest).find()
                ? Matcher.quoteReplacement(m.group()) : "");
    }
}
