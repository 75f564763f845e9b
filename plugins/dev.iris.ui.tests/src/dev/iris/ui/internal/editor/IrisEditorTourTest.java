package dev.iris.ui.internal.editor;

import static dev.iris.ui.UiTests.processEventsUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.core.IrisMarkers;
import dev.iris.core.IrisModel;
import dev.iris.core.IrisProjects;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IMarker;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.contentassist.ICompletionProposal;
import org.eclipse.jface.text.source.ISourceViewer;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.ide.IDE;
import org.eclipse.xtext.diagnostics.Severity;
import org.eclipse.xtext.util.CancelIndicator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The editor as a person meets it, recorded: a screenshot with content assist open, a problem
 * marker and the outline ({@code target/screenshots/iris-editor.png}, copied to {@code doc/} when
 * it changes), and what typing costs in a 2,000-line file ({@code target/editor-timings.txt}:
 * medians of parse + validation, which the markers wait for, and of content assist). The timings
 * are measured and reported, not asserted; the same work without the editor, warmed up, is
 * measured by the benchmarks ({@code LanguageBenchmark}).
 */
class IrisEditorTourTest {
    private static IProject project;

    @BeforeAll
    static void createProject() throws CoreException {
        project = IrisProjects.create("tour", null, IrisProjects.Example.NAMES, null);
    }

    @AfterAll
    static void deleteProject() throws CoreException {
        PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage().closeAllEditors(false);
        project.delete(true, true, null);
    }

    private static Path target() throws IOException {
        return Files.createDirectories(Path.of(System.getProperty("user.dir"), "target"));
    }

    @Test
    void screenshotWithContentAssistAMarkerAndTheOutline() throws Exception {
        IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        Shell shell = page.getWorkbenchWindow().getShell();
        Display display = shell.getDisplay();
        shell.setBounds(display.getPrimaryMonitor().getClientArea());
        page.showView(IPageLayout.ID_OUTLINE);
        page.showView(IPageLayout.ID_PROBLEM_VIEW);
        IFile names = project.getFile(IrisProjects.IRIS_SRC + "/names.iris");
        IrisEditor editor = (IrisEditor) IDE.openEditor(page, names, IrisEditor.ID);
        IDocument document = editor.document();
        processEventsUntil(editor::reconciled, () -> "the first reconcile");

        int joins = document.get().indexOf("joins nameServers") + "joins nameServer".length();
        document.replace(joins, 1, ""); // a typo: nameServer
        int end = document.get().indexOf("handles Register, Lookup") + "handles Register, Lookup".length();
        document.replace(end, 0, "\n    handles ");
        int caret = end + "\n    handles ".length();
        processEventsUntil(() -> editor.reconciled() && errors(names) >= 1, () -> "the error markers");
        editor.selectAndReveal(caret, 0);
        editor.setFocus();
        int shells = display.getShells().length;
        editor.viewer().getTextOperationTarget().doOperation(ISourceViewer.CONTENTASSIST_PROPOSALS);
        processEventsUntil(() -> display.getShells().length > shells && Arrays.stream(display.getShells())
                .skip(shells).anyMatch(Shell::isVisible), () -> "the content assist popup");
        // let the popup and the Problems view paint
        Path png = dev.iris.ui.UiTests.screenshot("iris-editor.png", 2_000);
        assertTrue(Files.size(png) > 10_000, "a screenshot of the workbench");
        page.closeEditor(editor, false);
    }

    private static int errors(IFile file) {
        try {
            return (int) Arrays.stream(file.findMarkers(IrisMarkers.PROBLEM, false, IResource.DEPTH_ZERO))
                    .filter(m -> m.getAttribute(IMarker.SEVERITY, -1) == IMarker.SEVERITY_ERROR).count();
        } catch (CoreException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid program of exactly 2,000 lines: 400 four-line messages and 100 processes. */
    static String twoThousandLines() {
        StringBuilder text = new StringBuilder("system demo.big\n");
        for (int i = 0; i < 400; i++) {
            text.append("message M").append(i).append(" {\n    long a\n    string b\n}\n");
        }
        for (int i = 0; i < 99; i++) {
            text.append("process P").append(i).append(" {\n    handles M").append(i * 4).append(", M").append(i * 4 + 1)
                    .append("\n    handles M").append(i * 4 + 2).append("\n}\n");
        }
        return text.append("process Last {\n    handles M399\n}\n").toString();
    }

    /** Keystrokes timed in each of the two series (a median and a p90 for a report, not a measurement to steer by). */
    private static final int KEYSTROKES = 10;

    @Test
    void whatTypingCostsInATwoThousandLineFile() throws Exception {
        String program = twoThousandLines();
        assertEquals(2000, program.lines().count());
        IFile big = project.getFile(IrisProjects.IRIS_SRC + "/big.iris");
        big.create(new ByteArrayInputStream(program.getBytes(StandardCharsets.UTF_8)), true, null);
        IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        IrisEditor editor = (IrisEditor) IDE.openEditor(page, big, IrisEditor.ID);
        IDocument document = editor.document();
        processEventsUntil(editor::reconciled, () -> "the first reconcile");
        IrisContentAssistProcessor processor = new IrisContentAssistProcessor(editor);
        List<List<Long>> cold = keystrokes(editor, document, processor);
        List<List<Long>> warm = keystrokes(editor, document, processor);
        String report = "Iris editor, 2,000-line file, " + KEYSTROKES + " keystrokes each (ms; median / p90):\n"
                + "  first after opening:  markers (partial parse + validation) " + ms(median(cold.get(0))) + " / "
                + ms(p90(cold.get(0))) + ", content assist (partial parse + proposals) " + ms(median(cold.get(1))) + " / "
                + ms(p90(cold.get(1))) + "\n"
                + "  the next " + KEYSTROKES + ":          markers " + ms(median(warm.get(0))) + " / " + ms(p90(warm.get(0)))
                + ", content assist " + ms(median(warm.get(1))) + " / " + ms(p90(warm.get(1))) + "\n"
                + "  (the work without the editor, warmed up: bench's LanguageBenchmark)\n";
        System.out.print(report);
        Files.writeString(target().resolve("editor-timings.txt"), report);
        page.closeEditor(editor, false);
    }

    /**
     * {@value #KEYSTROKES} keystrokes, each followed by what the markers wait for and then by content assist
     * (the reconciler runs beside them, as while typing); the times of both, in that order.
     */
    private static List<List<Long>> keystrokes(IrisEditor editor, IDocument document,
            IrisContentAssistProcessor processor) throws Exception {
        List<Long> markers = new ArrayList<>();
        List<Long> assist = new ArrayList<>();
        for (int i = 0; i < KEYSTROKES; i++) {
            document.replace(document.getLineLength(0) - 1, 0, " "); // a keystroke: the next parse is new
            long t0 = System.nanoTime();
            List<IrisModel.Problem> problems = editor.withModel(document,
                    model -> model.problems(CancelIndicator.NullImpl));
            markers.add(System.nanoTime() - t0);
            assertTrue(problems.stream().noneMatch(p -> p.severity() == Severity.ERROR),
                    problems::toString);

            document.replace(document.getLineLength(0) - 1, 0, " ");
            int caret = document.get().indexOf("handles M399") + "handles M39".length();
            long t1 = System.nanoTime();
            ICompletionProposal[] proposals = processor.computeCompletionProposals(editor.viewer(), caret);
            assist.add(System.nanoTime() - t1);
            assertTrue(proposals.length >= 11, "M39 and M390 to M399");
        }
        return List.of(markers, assist);
    }

    private static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    private static long p90(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() * 9 / 10);
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }
}
