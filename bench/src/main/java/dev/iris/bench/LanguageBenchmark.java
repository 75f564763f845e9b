package dev.iris.bench;

import com.google.inject.Injector;
import dev.iris.dsl.ide.IrisIdeSetup;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.emf.common.util.URI;
import org.eclipse.xtext.generator.GeneratorContext;
import org.eclipse.xtext.generator.IGenerator2;
import org.eclipse.xtext.generator.InMemoryFileSystemAccess;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistContext;
import org.eclipse.xtext.ide.editor.contentassist.IdeContentProposalAcceptor;
import org.eclipse.xtext.ide.editor.contentassist.IdeContentProposalProvider;
import org.eclipse.xtext.ide.editor.contentassist.antlr.ContentAssistContextFactory;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.resource.XtextResourceSet;
import org.eclipse.xtext.util.CancelIndicator;
import org.eclipse.xtext.util.TextRegion;
import org.eclipse.xtext.validation.CheckMode;
import org.eclipse.xtext.validation.IResourceValidator;
import org.eclipse.xtext.validation.Issue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The language issue's targets, headless: a 1,000-declaration model parsed, validated and
 * generated in under 2 s; content assist in a 2,000-line file under 50 ms at the median
 * ({@link Mode#SampleTime} reports the percentiles).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class LanguageBenchmark {
    private Injector injector;
    private ExecutorService pool;
    private String model;
    private String longFile;
    private int cursor;

    @Setup
    public void setUp() throws IOException {
        injector = new IrisIdeSetup().createInjectorAndDoEMFRegistration();
        pool = Executors.newCachedThreadPool();
        model = thousandDeclarations();
        longFile = twoThousandLines();
        cursor = longFile.indexOf("handles |");
        longFile = longFile.replace("handles |", "handles ");
        cursor += "handles ".length();
        XtextResource check = load(model);
        List<Issue> errors = injector.getInstance(IResourceValidator.class)
                .validate(check, CheckMode.ALL, CancelIndicator.NullImpl).stream()
                .filter(i -> i.getSeverity() == org.eclipse.xtext.diagnostics.Severity.ERROR).toList();
        if (!errors.isEmpty()) {
            throw new IllegalStateException("the benchmark model has errors: " + errors.subList(0, 1));
        }
    }

    @TearDown
    public void tearDown() {
        pool.shutdownNow();
    }

    /** 300 messages, 100 groups, 100 shared objects, 480 processes and 20 clusters. */
    static String thousandDeclarations() {
        StringBuilder s = new StringBuilder("system bench.big\n\n");
        for (int i = 0; i < 300; i++) {
            s.append("/** Message ").append(i).append(". */\nmessage M").append(i).append(" {\n    long id\n    string name\n    double[] values\n}")
                    .append(i % 2 == 0 ? " returns M" + (i + 1) : "").append("\n\n");
        }
        for (int i = 0; i < 100; i++) {
            s.append("group g").append(i).append(i % 2 == 0 ? " = " + (1000 + i) : "").append('\n');
        }
        for (int i = 0; i < 100; i++) {
            s.append("shared S").append(i).append("[4] {\n    long[16] slots\n    atomic long count\n} consistency sequential\n");
        }
        for (int i = 0; i < 480; i++) {
            s.append("process P").append(i).append(" {\n    joins g").append(i % 100).append("\n    handles M")
                    .append(i % 300).append(", M").append((i + 150) % 300).append("\n    uses S").append(i % 100)
                    .append("\n}\n");
        }
        for (int c = 0; c < 20; c++) {
            s.append("cluster c").append(c).append(" {\n");
            for (int n = 0; n < 5; n++) {
                s.append("    node n").append(n).append(" at \"10.0.").append(c).append('.').append(n + 1)
                        .append(":7000\" runs ");
                for (int k = 0; k < 4; k++) {
                    s.append(k == 0 ? "" : ", ").append('P').append((c * 24 + n * 4 + k) % 480);
                }
                s.append('\n');
            }
            s.append("}\n");
        }
        return s.toString();
    }

    /** 495 four-line messages, then a process whose {@code handles} list is being typed. */
    static String twoThousandLines() {
        StringBuilder s = new StringBuilder("system bench.long\n\n");
        for (int i = 0; i < 495; i++) {
            s.append("message M").append(i).append(" {\n    long id\n    string name\n}\n");
        }
        s.append("group g\nprocess P {\n    joins g\n    handles |\n}\n");
        return s.toString();
    }

    private XtextResource load(String text) throws IOException {
        XtextResourceSet set = injector.getInstance(XtextResourceSet.class);
        XtextResource resource = (XtextResource) set.createResource(URI.createURI("bench.iris"));
        resource.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), null);
        return resource;
    }

    @Benchmark
    public int validateAndGenerate1000Declarations() throws IOException {
        XtextResource resource = load(model);
        List<Issue> issues = injector.getInstance(IResourceValidator.class)
                .validate(resource, CheckMode.ALL, CancelIndicator.NullImpl);
        InMemoryFileSystemAccess files = new InMemoryFileSystemAccess();
        injector.getInstance(IGenerator2.class).doGenerate(resource, files, new GeneratorContext());
        return issues.size() + files.getTextFiles().size();
    }

    @Benchmark
    public int contentAssistIn2000Lines() throws Exception {
        XtextResource resource = load(longFile);
        ContentAssistContextFactory factory = injector.getInstance(ContentAssistContextFactory.class);
        factory.setPool(pool);
        ContentAssistContext[] contexts = factory.create(longFile, new TextRegion(cursor, 0), cursor, resource);
        IdeContentProposalAcceptor acceptor = injector.getInstance(IdeContentProposalAcceptor.class);
        injector.getInstance(IdeContentProposalProvider.class).createProposals(Arrays.asList(contexts), acceptor);
        int count = 0;
        for (var entry : acceptor.getEntries()) {
            count += entry.getProposal().length();
        }
        if (count == 0) {
            throw new IllegalStateException("no proposals");
        }
        return count;
    }
}
