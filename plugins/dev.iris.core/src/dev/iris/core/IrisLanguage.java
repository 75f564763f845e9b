package dev.iris.core;

import com.google.inject.Injector;
import dev.iris.dsl.compiler.IrisCompiler;
import dev.iris.dsl.ide.IrisIdeSetup;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.resources.IResourceChangeEvent;
import org.eclipse.core.resources.IResourceDelta;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.emf.common.util.URI;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.resource.XtextResourceSet;

/**
 * The Iris language inside Eclipse: one Guice injector with the language's runtime and ide
 * services (the same ones the language server uses), shared by the builder, the editor and the
 * wizards.
 *
 * <p>Threading: {@link #parse} and the {@link IrisModel}s it returns may be used from any thread,
 * one model per thread at a time; {@link #compile} runs one compilation at a time. Creating the
 * injector takes about half a second and happens on first use, so call this off the UI thread.
 */
public final class IrisLanguage {
    /** The file extension of Iris sources, without the dot. */
    public static final String FILE_EXTENSION = "iris";

    private static IrisLanguage instance;

    private final Injector injector;
    private final IrisCompiler compiler;
    private final ExecutorService pool;
    private final AtomicLong generation = new AtomicLong();

    private IrisLanguage() {
        injector = new IrisIdeSetup().createInjectorAndDoEMFRegistration();
        compiler = injector.getInstance(IrisCompiler.class);
        pool = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("iris-content-assist-", 0).factory());
        ResourcesPlugin.getWorkspace().addResourceChangeListener(event -> {
            if (event.getDelta() != null && touchesIris(event.getDelta())) {
                generation.incrementAndGet();
            }
        }, IResourceChangeEvent.POST_CHANGE);
    }

    /**
     * Whether {@code delta} touches an {@code .iris} file of a program: not one in a folder the
     * compiler skips ({@link IrisCompiler#skipped}: build output, {@code src-gen}, hidden folders).
     */
    public static boolean touchesIris(IResourceDelta delta) {
        IResource r = delta.getResource();
        if (r.getType() != IResource.ROOT
                && r.getType() != IResource.PROJECT
                && IrisCompiler.skipped(Path.of(r.getProjectRelativePath().toString()))) {
            return false;
        }
        if (r instanceof IFile file && isIrisFile(file)) {
            return true;
        }
        for (IResourceDelta child : delta.getAffectedChildren()) {
            if (touchesIris(child)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A number that grows whenever an {@code .iris} file of the workspace changes on disk (saved,
     * created, deleted): a model of an older generation may see other files as they were.
     */
    public long generation() {
        return generation.get();
    }

    /** The language, set up on first use. */
    public static synchronized IrisLanguage get() {
        if (instance == null) {
            instance = new IrisLanguage();
        }
        return instance;
    }

    /** The language's injector: runtime and ide services. */
    public Injector injector() {
        return injector;
    }

    /** Whether {@code file} is an Iris source (by its extension). */
    public static boolean isIrisFile(IFile file) {
        return FILE_EXTENSION.equals(file.getFileExtension());
    }

    /**
     * Compiles every {@code .iris} file below {@code sources} into {@code output}, as
     * {@link IrisCompiler#compile} does: nothing is written when there are errors.
     */
    public synchronized IrisCompiler.Result compile(Path sources, Path output) {
        return compiler.compile(sources, output);
    }

    /**
     * Parses {@code text} as the content of {@code file}, with every other {@code .iris} file of
     * its project (as saved on disk) beside it, so that references across files resolve.
     */
    public IrisModel parse(IFile file, String text) {
        Path location = file.getLocation() == null ? null : file.getLocation().toPath();
        Path root = file.getProject().getLocation() == null ? null : file.getProject().getLocation().toPath();
        return parse(location == null ? Path.of(file.getName()) : location, root, text);
    }

    /**
     * Parses {@code text} as the content of the file at {@code path}; the other {@code .iris}
     * files below {@code root} (if not null) are loaded beside it, skipping what
     * {@link IrisCompiler#skipped} skips.
     */
    public IrisModel parse(Path path, Path root, String text) {
        long seen = generation.get();
        XtextResourceSet set = injector.getInstance(XtextResourceSet.class);
        Path self = path.toAbsolutePath().normalize();
        if (root != null && Files.isDirectory(root)) {
            for (Path p : IrisCompiler.sources(root)) {
                if (!p.toAbsolutePath().normalize().equals(self)) {
                    set.getResource(URI.createFileURI(p.toAbsolutePath().toString()), true);
                }
            }
        }
        XtextResource resource = (XtextResource) set.createResource(URI.createFileURI(self.toString()));
        try {
            resource.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                    Map.of(XtextResource.OPTION_ENCODING, StandardCharsets.UTF_8.name()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + path, e); // not thrown for an in-memory stream
        }
        return new IrisModel(injector, pool, resource, text, seen);
    }
}
