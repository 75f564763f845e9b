package dev.iris.dsl.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Headless compilation of real files on disk. */
class IrisCompilerTest {
    private static IrisCompiler compiler;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        compiler = IrisCompiler.create();
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve("src").resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    @Test
    void compilesSeveralFilesWithImportsAndRemovesStaleOutput() throws Exception {
        write("common.iris", """
                system names.common
                message Lookup { string name } returns Address
                message Address { string host  int port }
                """);
        write("app/server.iris", """
                system names.server
                import names.common.*
                group servers = 3
                process NameServer { joins servers  handles Lookup }
                cluster local { node n1 at "127.0.0.1:7001" runs NameServer }
                """);
        Path out = dir.resolve("src-gen");
        Files.createDirectories(out.resolve("old/pkg"));
        Files.writeString(out.resolve("old/pkg/Stale.java"), "class Stale {}");

        IrisCompiler.Result result = compiler.compile(dir.resolve("src"), out);

        assertFalse(result.hasErrors(), result.problems()::toString);
        assertEquals(List.of("names/common/Address.java", "names/common/CommonSystem.java", "names/common/Lookup.java",
                "names/server/AbstractNameServer.java", "names/server/ServerSystem.java"), result.generated());
        assertTrue(Files.readString(out.resolve("names/server/AbstractNameServer.java"))
                .contains("protected abstract names.common.Address onLookup(names.common.Lookup message)"));
        assertFalse(Files.exists(out.resolve("old/pkg/Stale.java")), "files no longer generated are removed");
        // where each generated file comes from, for errors in it (a bug of Iris) to point at
        assertEquals(result.generated(), List.copyOf(result.origins().keySet()));
        Path server = dir.resolve("src/app/server.iris");
        assertEquals(new IrisCompiler.Origin(server, 4, 9, "process NameServer"),
                result.origins().get("names/server/AbstractNameServer.java"));
        assertEquals(new IrisCompiler.Origin(server, 1, 8, "system names.server"),
                result.origins().get("names/server/ServerSystem.java"));
        assertEquals(new IrisCompiler.Origin(dir.resolve("src/common.iris"), 3, 9, "message Address"),
                result.origins().get("names/common/Address.java"));
        assertFalse(Files.exists(dir.resolve("src-gen.new")) || Files.exists(dir.resolve("src-gen.old")));
    }

    /**
     * A program's sources are its {@code .iris} files outside build output, generated code (with
     * the directories a generation swaps in and out, which a build may be deleting while the walk
     * runs: a workbench test failed so), tests and hidden directories.
     */
    @Test
    void theSourcesLeaveOutGeneratedCodeBuildOutputTestsAndHiddenDirectories() throws Exception {
        for (String path : List.of("a.iris", "sub/b.iris", "src-gen/x.iris", "src-gen.old/x.iris", "src-gen.new/x.iris",
                "target/x.iris", "bin/x.iris", ".hidden/x.iris", "src/test/x.iris", "sub/notes.txt")) {
            Path file = dir.resolve("program").resolve(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "system s");
        }
        Path program = dir.resolve("program");
        assertEquals(List.of(program.resolve("a.iris"), program.resolve("sub/b.iris")), IrisCompiler.sources(program));
    }

    /** Found by IrisFuzzTest: a system keyword with no name yet made linking throw. */
    @Test
    void aSystemWithoutANameIsASyntaxErrorNotACrash() throws Exception {
        write("unnamed.iris", """
                system** what follows is not a name
                message Query { } returns Answer
                message Answer { string text }
                """);

        IrisCompiler.Result result = compiler.compile(dir.resolve("src"), dir.resolve("src-gen"));

        assertTrue(result.hasErrors());
        assertEquals(1, result.problems().get(0).line(), result.problems().toString());
    }

    @Test
    void errorsAreReportedWithFileLineAndColumnAndNothingIsWritten() throws Exception {
        Path broken = write("broken.iris", """
                system s
                process P { handles Missing }
                cluster c { node n at "nowhere" runs P }
                """);
        Path out = dir.resolve("src-gen");
        Files.createDirectories(out);
        Files.writeString(out.resolve("Keep.java"), "class Keep {}");

        IrisCompiler.Result result = compiler.compile(dir.resolve("src"), out);

        assertTrue(result.hasErrors());
        assertEquals(List.of(
                broken + ":2:21: error: Couldn't resolve reference to Message 'Missing'.",
                broken + ":3:23: error: 'nowhere' is not an address: write \"host:port\", e.g. \"10.0.0.5:7001\""),
                result.problems().stream().map(IrisCompiler.Problem::toString).toList());
        assertEquals(List.of(), result.generated());
        assertEquals("class Keep {}", Files.readString(out.resolve("Keep.java")), "the output is untouched");
    }
}
