package dev.iris.dsl.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Mutated programs through the whole headless compiler (parser, validator, generator), seeded with
 * the example programs and the heap test program ({@code tree.iris}): tokens deleted, duplicated,
 * swapped for others, lines cut. Whatever the input, the compiler returns: it never throws, reports
 * problems at positions inside the file, and either writes exactly the files it lists or, on an
 * error, leaves the previous output as it was (never a partly written {@code src-gen/}).
 */
class IrisFuzzTest {
    private static IrisCompiler compiler;
    private static List<String> seeds;
    private static Path scratch;
    private static long tried;
    private static long refused;

    /** Fragments a person or a broken editor might leave in an .iris file. */
    private static final List<String> TOKENS = List.of("{", "}", "[", "]", "(", ")", "\"", "=", ",", ".", "/**",
            "*/", "//", "message", "process", "group", "shared", "cluster", "node", "runs", "joins", "handles",
            "uses", "nonblocking", "returns", "system", "import", "int", "long", "bytes", "string", "at", "0", "-1", "99999999999",
            "\"127.0.0.1:1\"", "x", "Ünïcødé", "\u0000", "\t", "\n", " ", "sequential", "release", "transactional",
            "backup copies", "heap", "object", "in", "own pages", "size", "KiB", "MiB", "GiB", "atomic", "[]", "TreeNode");

    @BeforeContainer
    static void setUp() throws IOException {
        compiler = IrisCompiler.create();
        Path examples = Path.of("../../examples");
        try (Stream<Path> files = Files.walk(examples)) {
            seeds = files.filter(f -> f.toString().endsWith(".iris") && !f.toString().contains("target"))
                    .sorted().map(f -> {
                        try {
                            return Files.readString(f);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }).toList();
        }
        assertTrue(seeds.size() >= 3, "the example programs seed the fuzzer: " + examples.toAbsolutePath());
        // and a program with heaps, heap object types and references
        seeds = Stream.concat(seeds.stream(),
                Stream.of(Files.readString(Path.of("src/test/resources/dev/iris/dsl/tests/tree.iris")))).toList();
        scratch = Files.createTempDirectory("iris-fuzz");
    }

    @Provide
    Arbitrary<String> programs() {
        return Arbitraries.of(seeds).flatMap(seed -> {
            Arbitrary<String> edit = Combinators.combine(Arbitraries.integers().between(0, seed.length()),
                    Arbitraries.integers().between(0, 40), Arbitraries.of(TOKENS), Arbitraries.integers().between(0, 2))
                    .as((at, length, token, kind) -> {
                        int end = Math.min(seed.length(), at + length);
                        return switch (kind) {
                            case 0 -> seed.substring(0, at) + seed.substring(end); // delete
                            case 1 -> seed.substring(0, end) + seed.substring(at, end) + seed.substring(end); // repeat
                            default -> seed.substring(0, at) + token + seed.substring(end); // replace
                        };
                    });
            return edit.flatMap(once -> Arbitraries.integers().between(0, 2).map(more -> {
                // a few more single-token replacements at positions derived from the first edit
                StringBuilder b = new StringBuilder(once);
                for (int i = 0; i < more && b.length() > 0; i++) {
                    int at = (once.hashCode() >>> 1) % b.length() / (i + 1);
                    b.replace(at, Math.min(b.length(), at + 1), TOKENS.get((at + i) % TOKENS.size()));
                }
                return b.toString();
            }));
        });
    }

    @Property(tries = 1_500)
    void theCompilerReportsOrGeneratesButNeverBreaks(@ForAll("programs") String program) throws IOException {
        tried++;
        Path src = scratch.resolve("src");
        Path out = scratch.resolve("src-gen");
        IrisCompiler.deleteTree(src);
        IrisCompiler.deleteTree(out);
        Files.createDirectories(src);
        Files.createDirectories(out.resolve("old"));
        Files.writeString(out.resolve("old/Previous.java"), "// the output of an earlier, good build\n");
        Path file = Files.writeString(src.resolve("fuzz.iris"), program);

        IrisCompiler.Result result = compiler.compile(src, out);

        long lines = program.lines().count() + 1;
        for (IrisCompiler.Problem p : result.problems()) {
            assertEquals(file, p.file());
            assertTrue(p.line() >= 1 && p.line() <= lines && p.column() >= 1, () -> p + " is outside the file");
            assertTrue(p.offset() >= 0 && p.length() >= 0 && p.offset() + p.length() <= program.length(),
                    () -> p + " at " + p.offset() + "+" + p.length() + " is outside the file");
            assertTrue(p.message() != null && !p.message().isBlank(), () -> p + " has no message");
        }
        List<String> written = files(out);
        if (result.hasErrors()) {
            refused++;
            assertEquals(List.of("old/Previous.java"), written, "a failed build left the previous output alone");
            assertTrue(result.generated().isEmpty());
        } else {
            assertEquals(result.generated().stream().map(f -> f.replaceFirst("^/", "")).sorted().toList(), written,
                    "the output is exactly what was generated");
        }
    }

    private static List<String> files(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> all = Files.walk(dir)) {
            all.filter(Files::isRegularFile).forEach(f -> names.add(dir.relativize(f).toString().replace('\\', '/')));
        }
        names.sort(null);
        return names;
    }

    @AfterContainer
    static void report() throws IOException {
        System.out.println("[fuzz] IrisFuzzTest tried " + tried + " mutated programs, " + refused
                + " refused with errors, the rest compiled");
        IrisCompiler.deleteTree(scratch);
    }
}
