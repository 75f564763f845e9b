package dev.iris.dsl.compiler;

import com.google.inject.Inject;
import com.google.inject.Injector;
import dev.iris.dsl.IrisStandaloneSetup;
import dev.iris.dsl.generator.IrisGenerator;
import dev.iris.dsl.iris.IrisSystem;
import dev.iris.dsl.iris.Message;
import dev.iris.dsl.iris.ObjectType;
import dev.iris.dsl.iris.Process;
import dev.iris.dsl.iris.SharedObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.emf.common.util.URI;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.EStructuralFeature;
import org.eclipse.emf.ecore.resource.Resource;
import org.eclipse.emf.ecore.resource.ResourceSet;
import org.eclipse.xtext.diagnostics.Severity;
import org.eclipse.xtext.generator.GeneratorContext;
import org.eclipse.xtext.generator.IFileSystemAccess;
import org.eclipse.xtext.generator.IGenerator2;
import org.eclipse.xtext.generator.InMemoryFileSystemAccess;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.eclipse.xtext.util.CancelIndicator;
import org.eclipse.xtext.util.LineAndColumn;
import org.eclipse.xtext.validation.CheckMode;
import org.eclipse.xtext.validation.IResourceValidator;
import org.eclipse.xtext.validation.Issue;

/**
 * Compiles a directory of {@code .iris} files: loads them all (so that references across files
 * resolve), validates them and, if no file has an error, generates the Java sources into an output
 * directory ({@code src-gen}).
 *
 * <p>Nothing is ever half-written: on errors the output directory is not touched; otherwise the
 * new sources are written next to it first and then replace its content, and files the generator
 * no longer produces are removed.
 *
 * <p>Not thread-safe: one compilation at a time per instance. Create instances with
 * {@link #create()}.
 */
public class IrisCompiler {
    /**
     * One problem: where, how bad, and what. Lines and columns count from 1; {@code offset} and
     * {@code length} are in characters from the start of the file ({@code offset} -1 if unknown).
     */
    public record Problem(Path file, int line, int column, int offset, int length, Severity severity, String code,
            String message) {
        /** {@code file:line:col: error: message}, the format compilers and editors understand. */
        @Override
        public String toString() {
            return file + ":" + line + ":" + column + ": " + severity.name().toLowerCase(Locale.ROOT) + ": "
                    + message;
        }
    }

    /**
     * The declaration a generated file comes from: its kind and name ({@code process Teller}) and
     * where its name is (lines and columns from 1). A Java error in a generated file is a bug of
     * Iris; this is where to report it, since the user cannot act on the generated file.
     */
    public record Origin(Path file, int line, int column, String declaration) {
        /** {@code file:line:col}. */
        @Override
        public String toString() {
            return file + ":" + line + ":" + column;
        }
    }

    /**
     * The outcome of a compilation.
     *
     * @param problems  every error and warning, ordered by file and position
     * @param generated the generated files (relative to the output directory); empty if there were errors
     * @param origins   the declaration each generated file comes from, by its path in {@code generated}
     */
    public record Result(List<Problem> problems, List<String> generated, Map<String, Origin> origins) {
        public boolean hasErrors() {
            return problems.stream().anyMatch(p -> p.severity() == Severity.ERROR);
        }
    }

    @Inject
    private com.google.inject.Provider<ResourceSet> resourceSets;
    @Inject
    private IResourceValidator validator;
    @Inject
    private IGenerator2 generator;

    /** A compiler with the Iris language set up (takes about half a second the first time). */
    public static IrisCompiler create() {
        Injector injector = new IrisStandaloneSetup().createInjectorAndDoEMFRegistration();
        return injector.getInstance(IrisCompiler.class);
    }

    /**
     * Compiles every {@code .iris} file below {@code sources} into {@code output}.
     *
     * @throws UncheckedIOException if a directory cannot be read or written
     */
    public Result compile(Path sources, Path output) {
        List<Path> files = sources(sources);
        ResourceSet set = resourceSets.get();
        List<Resource> resources = new ArrayList<>();
        for (Path file : files) {
            resources.add(set.getResource(URI.createFileURI(file.toAbsolutePath().toString()), true));
        }
        List<Problem> problems = new ArrayList<>();
        for (int i = 0; i < resources.size(); i++) {
            for (Issue issue : validator.validate(resources.get(i), CheckMode.ALL, CancelIndicator.NullImpl)) {
                if (issue.getSeverity() == Severity.ERROR || issue.getSeverity() == Severity.WARNING) {
                    problems.add(new Problem(files.get(i), issue.getLineNumber() == null ? 1 : issue.getLineNumber(),
                            issue.getColumn() == null ? 1 : issue.getColumn(),
                            issue.getOffset() == null ? -1 : issue.getOffset(),
                            issue.getLength() == null ? 0 : issue.getLength(), issue.getSeverity(), issue.getCode(),
                            issue.getMessage()));
                }
            }
        }
        problems.sort(Comparator.comparing((Problem p) -> p.file().toString()).thenComparingInt(Problem::line)
                .thenComparingInt(Problem::column));
        if (problems.stream().anyMatch(p -> p.severity() == Severity.ERROR)) {
            return new Result(problems, List.of(), Map.of());
        }
        Map<String, CharSequence> generated = new TreeMap<>();
        Map<String, Origin> origins = new TreeMap<>();
        for (int i = 0; i < resources.size(); i++) {
            Resource resource = resources.get(i);
            Path file = files.get(i);
            IrisGenerator.sources(resource).forEach((name, declaration) -> origins.put(name, origin(file, declaration)));
            InMemoryFileSystemAccess fsa = new InMemoryFileSystemAccess();
            generator.doGenerate(resource, fsa, new GeneratorContext());
            fsa.getTextFiles().forEach((name, text) -> generated.put(
                    name.substring(IFileSystemAccess.DEFAULT_OUTPUT.length()), text));
        }
        replace(output, generated);
        return new Result(problems, List.copyOf(generated.keySet()), origins);
    }

    /** Where {@code declaration}'s name is in {@code file}. */
    private static Origin origin(Path file, EObject declaration) {
        String kind = switch (declaration) {
            case IrisSystem s -> "system";
            case Process p -> "process";
            case Message m -> "message";
            case SharedObject o -> "shared object";
            case ObjectType o -> "object type";
            default -> declaration.eClass().getName();
        };
        EStructuralFeature name = declaration.eClass().getEStructuralFeature("name");
        List<INode> nodes = NodeModelUtils.findNodesForFeature(declaration, name);
        INode node = nodes.isEmpty() ? NodeModelUtils.getNode(declaration) : nodes.get(0);
        LineAndColumn at = NodeModelUtils.getLineAndColumn(node, node.getOffset());
        return new Origin(file, at.getLine(), at.getColumn(), kind + " " + declaration.eGet(name));
    }

    /**
     * Whether a path below a program's directory is not part of the program: build output
     * ({@code target}, {@code bin}), generated code ({@code src-gen}, and the {@code src-gen.new} and
     * {@code src-gen.old} a generation swaps in and out), tests ({@code src/test}) and hidden
     * directories.
     */
    public static boolean skipped(Path relative) {
        for (Path part : relative) {
            String name = part.toString();
            if (name.equals("target") || name.equals("src-gen") || name.startsWith("src-gen.") || name.equals("bin")
                    || name.startsWith(".")) {
                return true;
            }
        }
        return relative.startsWith(Path.of("src", "test"));
    }

    /**
     * The {@code .iris} files of a program: {@code sources} itself if it is a file, else every
     * {@code .iris} file below it that {@link #skipped} does not skip, sorted.
     *
     * @throws UncheckedIOException if the directory cannot be read
     */
    public static List<Path> sources(Path sources) {
        if (Files.isRegularFile(sources)) {
            return List.of(sources);
        }
        List<Path> found = new ArrayList<>();
        try {
            // skipped directories are not entered: a build may be swapping its output there meanwhile
            Files.walkFileTree(sources, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    return dir.equals(sources) || !skipped(sources.relativize(dir)) ? FileVisitResult.CONTINUE
                            : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile() && file.toString().endsWith(".iris")
                            && !skipped(sources.relativize(file))) {
                        found.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException && !file.equals(sources)) {
                        return FileVisitResult.CONTINUE; // deleted while the walk ran
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sources, e);
        }
        found.sort(Comparator.naturalOrder());
        return found;
    }

    /** Writes the files into a fresh sibling directory, then swaps it in for {@code output}. */
    private static void replace(Path output, Map<String, CharSequence> files) {
        Path target = output.toAbsolutePath().normalize();
        Path fresh = target.resolveSibling(target.getFileName() + ".new");
        Path old = target.resolveSibling(target.getFileName() + ".old");
        try {
            deleteTree(fresh);
            deleteTree(old);
            for (Map.Entry<String, CharSequence> e : files.entrySet()) {
                Path file = fresh.resolve(e.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
            }
            Files.createDirectories(fresh);
            if (Files.exists(target)) {
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the generated sources to " + target, e);
        }
    }

    /** Deletes a directory and everything in it (nothing if it does not exist). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
