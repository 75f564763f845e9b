package dev.iris.cli;

import dev.iris.dsl.compiler.IrisCompiler;
import dev.iris.dsl.compiler.IrisCompiler.Origin;
import dev.iris.dsl.export.NodeBundles;
import dev.iris.runtime.launch.GeneratedSystem;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.eclipse.xtext.diagnostics.Severity;

/**
 * An Iris program on disk, compiled in-process: its {@code .iris} files by the Iris compiler, then
 * the generated and the user's Java by javac, into a scratch directory. A program is a directory
 * (its {@code .iris} files under {@code src/main/iris} or anywhere below it, its Java under
 * {@code src/main/java} or anywhere below it; {@code target}, {@code src-gen}, {@code src/test}
 * and hidden directories are skipped) or one {@code .iris} file (with the Java beside it).
 */
final class Program implements AutoCloseable {
    private final Path work;
    private final List<String> generatedClasses;
    private final List<String> userClasses;
    private final URLClassLoader loader;

    private Program(Path work, List<String> generatedClasses, List<String> userClasses) {
        this.work = work;
        this.generatedClasses = generatedClasses;
        this.userClasses = userClasses;
        try {
            this.loader = new URLClassLoader(new URL[] {work.resolve("classes").toUri().toURL()},
                    Program.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Compiles the program at {@code path}, printing every problem to {@code err} as
     * {@code file:line:col: severity: message}.
     *
     * @throws UserError if there is no program there or it has errors
     */
    static Program compile(Path path, PrintWriter err) {
        if (!Files.exists(path)) {
            throw new UserError(2, "no such file or directory: " + path);
        }
        boolean single = Files.isRegularFile(path);
        if (single && !path.toString().endsWith(".iris")) {
            throw new UserError(2, path + " is neither a program directory nor an .iris file");
        }
        Path root = (single ? path.toAbsolutePath().getParent() : path).normalize();
        Path irisSources = single ? path : Files.isDirectory(root.resolve("src/main/iris")) ? root.resolve("src/main/iris")
                : root;
        Path work;
        try {
            work = Files.createTempDirectory("iris-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return compile(path, root, single, irisSources, work, err);
        } catch (RuntimeException e) {
            deleteQuietly(work); // nothing of a failed compilation stays behind
            throw e;
        }
    }

    private static Program compile(Path path, Path root, boolean single, Path irisSources, Path work,
            PrintWriter err) {
        IrisCompiler.Result result = IrisCompiler.create().compile(irisSources, work.resolve("src-gen"));
        result.problems().forEach(err::println);
        if (result.hasErrors()) {
            long errors = result.problems().stream().filter(p -> p.severity() == Severity.ERROR).count();
            throw new UserError(1, errors + (errors == 1 ? " error" : " errors") + " in the .iris files");
        }
        if (result.generated().isEmpty()) {
            throw new UserError(2, "no .iris files in " + path);
        }
        List<Path> sources = new ArrayList<>();
        result.generated().forEach(f -> sources.add(work.resolve("src-gen").resolve(f)));
        Path javaRoot = Files.isDirectory(root.resolve("src/main/java")) ? root.resolve("src/main/java") : root;
        sources.addAll(javaSources(javaRoot, single ? 1 : Integer.MAX_VALUE));
        try {
            // against the runtime alone: what compiles here also runs in an exported bundle
            NodeBundles.runtimeJar(NodeBundles.runtimeOfThisJvm(), work.resolve("iris-runtime.jar"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        javac(sources, work.resolve("classes"), work.resolve("iris-runtime.jar").toString(), work.resolve("src-gen"),
                result.origins(), err);
        List<String> generated = result.generated().stream().map(Program::className).toList();
        List<String> userClasses = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(work.resolve("classes"))) {
            for (Path file : walk.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String name = className(work.resolve("classes").relativize(file).toString());
                if (!generated.contains(name) && !name.contains("$") && !name.endsWith("package-info")) {
                    userClasses.add(name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Program(work, generated, userClasses);
    }

    private static String className(String relativeFile) {
        return relativeFile.replace('\\', '/').replaceAll("\\.(java|class)$", "").replace('/', '.');
    }

    private static List<Path> javaSources(Path dir, int depth) {
        try (Stream<Path> walk = Files.walk(dir, depth)) {
            return walk.filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p))
                    .filter(p -> !IrisCompiler.skipped(dir.relativize(p))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
    }

    /**
     * Compiles {@code sources} into {@code classes}, printing every error as {@code file:line:col:
     * error: message}. An error in a file generated into {@code srcGen} (one of {@code origins}) is
     * a bug of Iris: it is printed at the {@code .iris} declaration the file comes from, saying so,
     * with the generated file's position after it.
     *
     * @throws UserError if there are errors
     */
    static void javac(List<Path> sources, Path classes, String classpath, Path srcGen, Map<String, Origin> origins,
            PrintWriter err) {
        Map<Path, Origin> generated = new HashMap<>();
        origins.forEach((name, origin) -> generated.put(srcGen.resolve(name).toAbsolutePath().normalize(), origin));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new UserError(2, "compiling the program's Java needs a JDK, and this is a JRE ("
                    + System.getProperty("java.home") + ")");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            Files.createDirectories(classes);
            boolean ok = javac.getTask(null, files, diagnostics, List.of("--release", "21", "-d", classes.toString(),
                    "-classpath", classpath, "-proc:none", "-encoding", "UTF-8", "-nowarn"), null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
            long errors = 0;
            long ours = 0;
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() != Diagnostic.Kind.ERROR) {
                    continue;
                }
                errors++;
                Path file = d.getSource() == null ? null : Path.of(d.getSource().toUri()).toAbsolutePath().normalize();
                String where = (file == null ? "java" : file) + ":" + d.getLineNumber() + ":" + d.getColumnNumber();
                Origin origin = file == null ? null : generated.get(file);
                if (origin == null) {
                    err.println(where + ": error: " + d.getMessage(Locale.ROOT));
                } else {
                    ours++;
                    err.println(origin + ": error: the Java that Iris generated for " + origin.declaration()
                            + " does not compile. This is a bug in Iris: please report it with this message. "
                            + file.getFileName() + ":" + d.getLineNumber() + ":" + d.getColumnNumber() + ": "
                            + d.getMessage(Locale.ROOT));
                }
            }
            if (!ok) {
                throw new UserError(1, errors + (errors == 1 ? " error" : " errors") + " in the Java code"
                        + (ours == 0 ? "" : " (" + ours + " in the code Iris generated: a bug in Iris)"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The program as the exporter takes it. */
    NodeBundles.Program forExport() {
        return new NodeBundles.Program(classes(), userClasses(), NodeBundles.runtimeOfThisJvm());
    }

    /** The directory of the compiled classes (generated and the user's). */
    Path classes() {
        return work.resolve("classes");
    }

    /** The class loader of the compiled program. */
    ClassLoader loader() {
        return loader;
    }

    /** The generated {@code <Name>System} class. */
    Class<?> systemClass() {
        List<String> systems = generatedClasses.stream()
                .filter(c -> GeneratedSystem.isSystemClass(load(c))).toList();
        if (systems.size() != 1) {
            throw new UserError(2, "the program declares " + systems.size() + " systems " + systems
                    + "; run one system at a time");
        }
        return load(systems.get(0));
    }

    /** The user's classes (not the generated ones), loaded. */
    List<Class<?>> userClasses() {
        return userClasses.stream().map(this::load).toList();
    }

    private Class<?> load(String name) {
        try {
            return Class.forName(name, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new UserError(1, "cannot load class " + name + ": " + e);
        }
    }

    @Override
    public void close() {
        try {
            loader.close();
        } catch (IOException e) {
            // best effort
        }
        deleteQuietly(work);
    }

    private static void deleteQuietly(Path dir) {
        try {
            IrisCompiler.deleteTree(dir);
        } catch (IOException e) {
            // a leftover scratch directory in /tmp is harmless
        }
    }
}
