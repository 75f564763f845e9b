package dev.iris.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.xtext.diagnostics.Severity;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistEntry;
import org.eclipse.xtext.util.CancelIndicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the editor asks of a parse, answered by the language's ide services in-process. */
class IrisModelTest {
    private static final String NAMES = """
            system demo.names

            /** Register a name for a process. */
            message Register {
                string name
            } returns Registered

            message Registered {
                boolean ok
            }

            group nameServers = 1

            process NameServer[2] {
                joins nameServers
                handles Register
            }
            """;

    @TempDir
    Path dir;

    private IrisModel parse(String text) {
        return IrisLanguage.get().parse(dir.resolve("names.iris"), dir, text);
    }

    @Test
    void problemsCarryTheirLineAndRegion() {
        String text = NAMES.replace("handles Register", "handles Regster");
        List<IrisModel.Problem> problems = parse(text).problems(CancelIndicator.NullImpl).stream()
                .filter(p -> p.severity() == Severity.ERROR).toList();
        assertEquals(1, problems.size(), problems::toString);
        IrisModel.Problem p = problems.get(0);
        assertEquals(Severity.ERROR, p.severity());
        assertEquals(16, p.line());
        assertEquals("Regster", text.substring(p.region().offset(), p.region().offset() + p.region().length()));
    }

    @Test
    void proposalsMatchWhatIsTyped() {
        String text = NAMES.replace("handles Register", "handles Reg");
        List<String> proposals = parse(text).proposals(text.indexOf("handles Reg") + "handles Reg".length()).stream()
                .map(ContentAssistEntry::getProposal).toList();
        assertTrue(proposals.contains("Register"), proposals::toString);
        assertTrue(proposals.contains("Registered"), proposals::toString);
        assertTrue(proposals.stream().allMatch(p -> p.toLowerCase().startsWith("reg")), proposals::toString);
    }

    @Test
    void theOutlineListsTheDeclarations() {
        List<IrisModel.Symbol> outline = parse(NAMES).outline(CancelIndicator.NullImpl);
        List<String> names = outline.stream().flatMap(s -> java.util.stream.Stream.concat(java.util.stream.Stream.of(s),
                s.children().stream())).map(IrisModel.Symbol::name).toList();
        assertTrue(names.containsAll(List.of("Register", "Registered", "nameServers", "NameServer")), names::toString);
        IrisModel.Symbol register = outline.stream().flatMap(s -> java.util.stream.Stream.concat(
                java.util.stream.Stream.of(s), s.children().stream())).filter(s -> s.name().equals("Register"))
                .findFirst().orElseThrow();
        assertEquals("message", register.kind());
        assertEquals("Register", NAMES.substring(register.selection().offset(),
                register.selection().offset() + register.selection().length()));
    }

    @Test
    void hoverShowsTheDocumentationOfAReference() {
        int at = NAMES.indexOf("handles Register") + "handles R".length();
        String hover = parse(NAMES).hover(at).orElseThrow();
        assertTrue(hover.contains("message Register"), hover);
        assertTrue(hover.contains("Register a name for a process."), hover);
    }

    @Test
    void hoverNamesAnElementByItsKeywordAndName() {
        String text = NAMES + """

                shared Accounts {
                    long[16] balances
                }
                """;
        IrisModel model = parse(text);
        assertEquals("**shared Accounts**", model.hover(text.indexOf("Accounts")).orElseThrow());
        assertEquals("**system demo.names**", model.hover(text.indexOf("names")).orElseThrow());
    }

    @Test
    void declarationsAreFoundInOtherFiles() throws Exception {
        Path other = Files.writeString(dir.resolve("common.iris"), """
                system demo.common

                message Ping {
                    long at
                }
                """);
        String text = """
                system demo.client
                import demo.common.*

                process Pinger {
                    handles Ping
                }
                """;
        IrisModel model = parse(text);
        assertEquals(List.of(), model.problems(CancelIndicator.NullImpl));
        IrisModel.Target target = model.declaration(text.indexOf("handles Ping") + "handles P".length()).orElseThrow();
        assertEquals(other.toAbsolutePath(), target.file());
        assertEquals("Ping", Files.readString(other).substring(target.region().offset(),
                target.region().offset() + target.region().length()));
    }

    @Test
    void occurrencesAreTheDeclarationAndItsReferences() {
        List<IrisModel.Region> regions = parse(NAMES).occurrences(NAMES.indexOf("message Registered") + "message R".length());
        List<Integer> expected = List.of(NAMES.indexOf("Registered"), NAMES.indexOf("message Registered") + 8);
        assertEquals(expected, regions.stream().map(IrisModel.Region::offset).sorted().toList());
    }

    @Test
    void formatIndentsTheBody() {
        String messy = "system demo.names\nmessage Register {\nstring name\n}\n";
        IrisModel model = parse(messy);
        StringBuilder text = new StringBuilder(messy);
        List<IrisModel.Edit> edits = model.format();
        for (int i = edits.size() - 1; i >= 0; i--) {
            IrisModel.Edit e = edits.get(i);
            text.replace(e.region().offset(), e.region().offset() + e.region().length(), e.text());
        }
        assertTrue(text.toString().contains("\n    string name\n"), text::toString);
    }

    @Test
    void namesAreHighlightedByKind() {
        List<IrisModel.Highlight> highlights = parse(NAMES).highlights(CancelIndicator.NullImpl);
        int reference = NAMES.indexOf("handles Register") + "handles ".length();
        assertTrue(highlights.contains(new IrisModel.Highlight(new IrisModel.Region(reference, 8), "iris.message")),
                highlights::toString);
    }

    @Test
    void aProblemWithAFixIsFixedByItsEdits() {
        String text = NAMES.replace("NameServer[2]", "NameServer[0]");
        IrisModel model = parse(text);
        IrisModel.Problem zero = model.problems(CancelIndicator.NullImpl).stream()
                .filter(p -> p.severity() == Severity.ERROR).findFirst().orElseThrow();
        List<IrisModel.Fix> fixes = model.fixes(zero);
        assertEquals(1, fixes.size(), fixes::toString);
        IrisModel.Edit edit = fixes.get(0).edits().get(0);
        String fixed = text.substring(0, edit.region().offset()) + edit.text()
                + text.substring(edit.region().offset() + edit.region().length());
        assertEquals(NAMES.replace("NameServer[2]", "NameServer[1]"), fixed, fixes.get(0).title());
        assertEquals(List.of(), parse(fixed).problems(CancelIndicator.NullImpl).stream()
                .filter(p -> p.severity() == Severity.ERROR).toList());
    }

    @Test
    void renameChangesTheDeclarationAndEveryReferenceInEveryFile() throws Exception {
        Path other = Files.writeString(dir.resolve("client.iris"), """
                system demo.client
                import demo.names.*

                process Client {
                    handles demo.names.Registered, Register
                }
                """);
        IrisModel model = parse(NAMES);
        java.util.Map<Path, List<IrisModel.Edit>> edits = model.rename(NAMES.indexOf("message Register ") + 9, "Enrol");
        assertEquals(apply(NAMES, edits.get(dir.resolve("names.iris").toAbsolutePath())),
                NAMES.replace("message Register ", "message Enrol ").replace("handles Register", "handles Enrol"));
        assertEquals(apply(Files.readString(other), edits.get(other.toAbsolutePath())),
                Files.readString(other).replace(", Register", ", Enrol"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> model.rename(0, "not a name"));
    }

    private static String apply(String text, List<IrisModel.Edit> edits) {
        StringBuilder out = new StringBuilder(text);
        for (int i = edits.size() - 1; i >= 0; i--) {
            IrisModel.Edit e = edits.get(i);
            out.replace(e.region().offset(), e.region().offset() + e.region().length(), e.text());
        }
        return out.toString();
    }

    @Test
    void anUpdatedModelAnswersAsANewParseOfTheEditedText() {
        IrisModel model = parse(NAMES);
        int at = NAMES.indexOf("handles Register") + "handles Reg".length();
        model.update(at, 0, "x"); // handles Regxister: an error
        model.update(NAMES.length() + 1, 0, "\nmessage Ping {\n    long at\n}\n");
        String edited = NAMES.substring(0, at) + "x" + NAMES.substring(at) + "\nmessage Ping {\n    long at\n}\n";
        assertEquals(edited, model.text());
        IrisModel fresh = parse(edited);
        assertEquals(fresh.problems(CancelIndicator.NullImpl), model.problems(CancelIndicator.NullImpl));
        assertEquals(fresh.outline(CancelIndicator.NullImpl), model.outline(CancelIndicator.NullImpl));
        assertEquals(fresh.highlights(CancelIndicator.NullImpl), model.highlights(CancelIndicator.NullImpl));
        org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
                () -> model.update(edited.length(), 1, ""));
    }
}
