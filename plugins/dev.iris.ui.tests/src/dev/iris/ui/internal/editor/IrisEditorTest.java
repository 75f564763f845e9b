package dev.iris.ui.internal.editor;

import static dev.iris.ui.UiTests.processEventsUntil;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.core.IrisMarkers;
import dev.iris.core.IrisModel;
import dev.iris.core.IrisProjects;
import dev.iris.dsl.ide.highlighting.IrisHighlighting;
import dev.iris.ui.UiTests;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IMarker;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.resources.IncrementalProjectBuilder;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.jface.action.IMenuManager;
import org.eclipse.jface.action.MenuManager;
import org.eclipse.jface.internal.text.html.BrowserInformationControl;
import org.eclipse.jface.internal.text.html.HTML2TextReader;
import org.eclipse.jface.internal.text.html.HTMLPrinter;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.IInformationControl;
import org.eclipse.jface.text.ITextViewer;
import org.eclipse.jface.text.Region;
import org.eclipse.jface.text.TextSelection;
import org.eclipse.jface.text.contentassist.ICompletionProposal;
import org.eclipse.jface.text.hyperlink.IHyperlink;
import org.eclipse.jface.text.link.LinkedModeModel;
import org.eclipse.jface.text.source.ISourceViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Menu;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.IMarkerResolution;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.commands.ICommandService;
import org.eclipse.ui.handlers.IHandlerService;
import org.eclipse.ui.texteditor.ITextEditorActionConstants;
import org.eclipse.ui.texteditor.ITextEditorActionDefinitionIds;
import org.eclipse.ui.ide.IDE;
import org.eclipse.ui.views.contentoutline.IContentOutlinePage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Iris editor in a real workbench, on the UI thread: what a person sees while typing into
 * the name service example.
 */
class IrisEditorTest {
    private static IProject project;
    private static IFile names;
    private IWorkbenchPage page;
    private IrisEditor editor;
    private IDocument document;

    @BeforeAll
    static void createProject() throws CoreException {
        project = IrisProjects.create("editor-test", null, IrisProjects.Example.NAMES, null);
        project.build(IncrementalProjectBuilder.FULL_BUILD, null);
        names = project.getFile(IrisProjects.IRIS_SRC + "/names.iris");
    }

    @AfterAll
    static void deleteProject() throws CoreException {
        project.delete(true, true, null);
    }

    @BeforeEach
    void open() throws CoreException {
        page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        editor = (IrisEditor) IDE.openEditor(page, names, IrisEditor.ID);
        document = editor.document();
        processEventsUntil(editor::reconciled, () -> "the first reconcile");
    }

    @AfterEach
    void close() {
        page.closeEditor(editor, false);
    }

    private void type(int offset, String text) {
        StyledText widget = editor.viewer().getTextWidget();
        widget.setCaretOffset(offset);
        widget.insert(text);
        processEventsUntil(editor::reconciled, () -> "a reconcile after typing " + text);
    }

    private int offsetAfter(String text) {
        int at = document.get().indexOf(text);
        assertTrue(at >= 0, text);
        return at + text.length();
    }

    private int lineOf(int offset) throws Exception {
        return document.getLineOfOffset(offset) + 1;
    }

    private static List<IMarker> errorMarkers() {
        return markers().stream().filter(m -> m.getAttribute(IMarker.SEVERITY, -1) == IMarker.SEVERITY_ERROR).toList();
    }

    private static List<IMarker> markers() {
        try {
            return List.of(names.findMarkers(IrisMarkers.PROBLEM, false, IResource.DEPTH_ZERO));
        } catch (CoreException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void typingAnErrorPutsAMarkerOnItsLineAndFixingItRemovesIt() throws Exception {
        int at = offsetAfter("handles Register, Lookup");
        type(at, ", Lokup");
        int line = lineOf(at);
        processEventsUntil(() -> errorMarkers().size() == 1, () -> "one error marker, not " + errorMarkers());
        IMarker marker = errorMarkers().get(0);
        assertEquals(line, marker.getAttribute(IMarker.LINE_NUMBER, -1));
        assertTrue(marker.getAttribute(IMarker.MESSAGE, "").contains("Lokup"), marker.getAttribute(IMarker.MESSAGE, ""));
        assertEquals("Lokup", document.get(marker.getAttribute(IMarker.CHAR_START, -1), 5));
        assertTrue(editor.problems().stream().anyMatch(p -> p.line() == line), editor.problems()::toString);

        document.replace(at, ", Lokup".length(), "");
        processEventsUntil(() -> editor.reconciled() && errorMarkers().isEmpty(), () -> "no error marker");
    }

    /**
     * A reconcile cancelled half-way (the text changed meanwhile) ends quietly: an exception out of
     * it would end the reconciler's thread, and the editor would check nothing until reopened.
     */
    @Test
    void aReconcileCancelledHalfWayEndsQuietlyAndCheckingGoesOn() throws Exception {
        IrisReconcilingStrategy strategy = new IrisReconcilingStrategy(editor);
        strategy.setDocument(document);
        AtomicInteger asked = new AtomicInteger();
        strategy.setProgressMonitor(new NullProgressMonitor() {
            @Override
            public boolean isCanceled() {
                return asked.incrementAndGet() > 1; // cancelled after the first check
            }
        });
        int at = offsetAfter("handles Register, Lookup");
        document.replace(at, 0, ", Lokup");
        assertDoesNotThrow(strategy::initialReconcile);
        assertTrue(asked.get() > 1, "the reconcile was cancelled half-way");

        processEventsUntil(() -> errorMarkers().size() == 1, () -> "the editor still checks: " + errorMarkers());
        document.replace(at, ", Lokup".length(), "");
        processEventsUntil(() -> editor.reconciled() && errorMarkers().isEmpty(), () -> "no error marker");
    }

    @Test
    void contentAssistProposesTheMessagesMatchingWhatIsTyped() throws Exception {
        int at = offsetAfter("handles Register, Lookup");
        type(at, ", Reg");
        IrisContentAssistProcessor processor = new IrisContentAssistProcessor(editor);
        int caret = at + ", Reg".length();
        List<String> shown = Arrays.stream(processor.computeCompletionProposals(editor.viewer(), caret))
                .map(p -> ((IrisCompletionProposal) p).text()).toList();
        assertTrue(shown.contains("Register") && shown.contains("Registered"), shown::toString);
        assertTrue(shown.stream().allMatch(s -> s.toLowerCase().startsWith("reg")), shown::toString);

        IrisCompletionProposal registered = (IrisCompletionProposal) Arrays.stream(
                processor.computeCompletionProposals(editor.viewer(), caret))
                .filter(p -> ((IrisCompletionProposal) p).text().equals("Registered")).findFirst().orElseThrow();
        registered.apply(editor.viewer(), (char) 0, 0, caret);
        assertTrue(document.get().contains("handles Register, Lookup, Registered\n"), document.get());
    }

    @Test
    void aTemplateIsInsertedWithItsPartsLinked() throws Exception {
        int end = document.getLength();
        type(end, "\nmes");
        IrisContentAssistProcessor processor = new IrisContentAssistProcessor(editor);
        ICompletionProposal template = Arrays.stream(processor.computeCompletionProposals(editor.viewer(), end + 4))
                .filter(p -> p instanceof IrisCompletionProposal c && c.text().contains("{"))
                .findFirst().orElseThrow(() -> new AssertionError("no template"));
        ((IrisCompletionProposal) template).apply(editor.viewer(), (char) 0, 0, end + 4);
        assertTrue(document.get().substring(end).startsWith("\nmessage Name {"), document.get().substring(end));
        assertTrue(LinkedModeModel.hasInstalledModel(document), "Tab steps through the template's parts");
        assertEquals(new org.eclipse.swt.graphics.Point(end + 9, 4), template.getSelection(document),
                "the first part (the name) is selected");
    }

    @Test
    void theContentAssistPopupOpensWithTheProposals() throws Exception {
        int at = offsetAfter("handles Register, Lookup");
        type(at, ", Reg");
        // the shells open now: a hover of an earlier test may still close while the popup opens
        Set<org.eclipse.swt.widgets.Shell> before = Set.of(editor.getSite().getShell().getDisplay().getShells());
        editor.setFocus();
        editor.viewer().getTextWidget().setCaretOffset(at + ", Reg".length());
        ((ITextViewer) editor.viewer()).getTextOperationTarget().doOperation(ISourceViewer.CONTENTASSIST_PROPOSALS);
        processEventsUntil(() -> popupItems(before).stream().anyMatch(i -> i.startsWith("Registered")),
                () -> "the popup, seen: " + popupItems(before));
    }

    /** The items of tables in the shells that are not among {@code before}. */
    private List<String> popupItems(Set<org.eclipse.swt.widgets.Shell> before) {
        List<String> items = new java.util.ArrayList<>();
        for (org.eclipse.swt.widgets.Shell shell : editor.getSite().getShell().getDisplay().getShells()) {
            if (!before.contains(shell)) {
                collect(shell, items);
            }
        }
        return items;
    }

    private static void collect(org.eclipse.swt.widgets.Control control, List<String> into) {
        if (control instanceof org.eclipse.swt.widgets.Table table) {
            for (org.eclipse.swt.widgets.TableItem item : table.getItems()) {
                into.add(item.getText());
            }
        }
        if (control instanceof org.eclipse.swt.widgets.Composite c) {
            for (org.eclipse.swt.widgets.Control child : c.getChildren()) {
                collect(child, into);
            }
        }
    }

    @Test
    void namesAreColouredByKindAndTheOutlineAndFoldingFollowTheText() throws Exception {
        int reference = offsetAfter("handles ");
        assertTrue(editor.highlights().contains(new IrisModel.Highlight(new IrisModel.Region(reference, 8),
                IrisHighlighting.MESSAGE)), editor.highlights()::toString);
        IContentOutlinePage outline = editor.getAdapter(IContentOutlinePage.class);
        assertNotNull(outline);
        page.showView(org.eclipse.ui.IPageLayout.ID_OUTLINE);
        processEventsUntil(() -> outline.getControl() != null && ((IrisOutlinePage) outline).labels()
                .contains("NameServer : process"), () -> "the outline, seen "
                + (outline.getControl() == null ? "no control" : ((IrisOutlinePage) outline).labels()));
        assertTrue(editor.foldingRegions().stream().anyMatch(r -> document.get().substring(r.offset())
                .startsWith("process NameServer")), editor.foldingRegions()::toString);

        type(document.getLength(), "\nmessage Ping {\n    long at\n}\n");
        processEventsUntil(() -> ((IrisOutlinePage) outline).labels().contains("Ping : message"),
                () -> "Ping in the outline");
    }

    @Test
    void hoverShowsTheDocumentationOfTheNameUnderTheMouse() {
        int at = offsetAfter("handles Reg");
        IrisTextHover hover = new IrisTextHover(editor, editor.viewer());
        String html = hover.getHoverInfo(editor.viewer(), hover.getHoverRegion(editor.viewer(), at));
        assertTrue(html.contains("<b>message Register</b>"), html);
        assertTrue(html.contains("every name server keeps a copy"), html);
    }

    /**
     * The hover over a name with an error and its occurrences marked shows the error and the
     * declaration as text a person reads: no HTML tags, no names of annotation types.
     */
    @Test
    void hoverShowsTheProblemAndTheDeclarationAsReadableText() throws Exception {
        int at = offsetAfter("handles Register, Lookup");
        type(at, ", Register");
        int twice = at + ", Reg".length();
        String problem = "Listed twice";
        processEventsUntil(() -> markers().stream().anyMatch(m -> problem.equals(m.getAttribute(IMarker.MESSAGE, ""))),
                () -> "the warning's marker");
        editor.selectAndReveal(twice, 0);
        processEventsUntil(() -> editor.occurrences().size() > 1, () -> "occurrences, seen " + editor.occurrences());
        IrisTextHover hover = new IrisTextHover(editor, editor.viewer());
        String[] html = {null};
        processEventsUntil(() -> {
            html[0] = hover.getHoverInfo(editor.viewer(), hover.getHoverRegion(editor.viewer(), twice));
            return html[0] != null && html[0].contains(HTMLPrinter.convertToHTMLContent(problem));
        }, () -> "the problem in the hover, seen " + html[0]);
        assertFalse(html[0].contains("occurrence"), html[0]);

        Shell shell = editor.getSite().getShell();
        List<Shell> before = List.of(shell.getDisplay().getShells());
        IInformationControl control = hover.getHoverControlCreator().createInformationControl(shell);
        try {
            control.setSizeConstraints(500, 300); // as the hover manager does, before the text
            control.setInformation(html[0]);
            org.eclipse.swt.graphics.Point size = control.computeSizeHint();
            control.setSize(size.x, size.y);
            control.setLocation(new org.eclipse.swt.graphics.Point(200, 200));
            control.setVisible(true);
            UiTests.screenshot("hover.png", 300);
            Shell popup = Arrays.stream(shell.getDisplay().getShells()).filter(s -> !before.contains(s)).findFirst()
                    .orElseThrow();
            if (BrowserInformationControl.isAvailable(shell)) {
                assertTrue(control instanceof BrowserInformationControl, control::toString);
            } else {
                String shown = String.join("\n", texts(popup));
                assertTrue(shown.contains(problem), shown);
                assertTrue(shown.contains("message Register"), shown);
                assertTrue(shown.contains("every name server keeps a copy"), shown);
                assertFalse(shown.contains("<"), shown);
            }
        } finally {
            control.dispose();
        }
    }

    /** The texts of the styled texts in {@code control}. */
    private static List<String> texts(org.eclipse.swt.widgets.Control control) {
        List<String> texts = new java.util.ArrayList<>();
        if (control instanceof StyledText t) {
            texts.add(t.getText());
        }
        if (control instanceof org.eclipse.swt.widgets.Composite c) {
            for (org.eclipse.swt.widgets.Control child : c.getChildren()) {
                texts.addAll(texts(child));
            }
        }
        return texts;
    }

    @Test
    void aTemplatesDetailsKeepItsLines() throws Exception {
        int end = document.getLength();
        type(end, "\nmes");
        ICompletionProposal template = Arrays.stream(new IrisContentAssistProcessor(editor)
                .computeCompletionProposals(editor.viewer(), end + 4))
                .filter(p -> p instanceof IrisCompletionProposal c && c.text().contains("{"))
                .findFirst().orElseThrow(() -> new AssertionError("no template"));
        String details = template.getAdditionalProposalInfo();
        String text = HTMLPrinter.read(new HTML2TextReader(new java.io.StringReader(details), null));
        assertTrue(text.startsWith("message Name {\n"), text);
    }

    @Test
    void openDeclarationAndHyperlinksGoToTheDeclaration() throws Exception {
        int at = offsetAfter("handles Reg");
        editor.selectAndReveal(at, 0);
        editor.getAction(IrisActions.OPEN_DECLARATION).run();
        TextSelection selection = (TextSelection) editor.getSelectionProvider().getSelection();
        assertEquals(document.get().indexOf("message Register") + "message ".length(), selection.getOffset());
        assertEquals("Register", selection.getText());

        IHyperlink[] links = new IrisHyperlinkDetector(editor).detectHyperlinks(editor.viewer(), new Region(at, 0), false);
        assertEquals(1, links.length);
        assertEquals(at - 3, links[0].getHyperlinkRegion().getOffset());
        assertEquals(8, links[0].getHyperlinkRegion().getLength());
    }

    @Test
    void occurrencesOfTheNameAtTheCaretAreMarked() throws Exception {
        int declaration = document.get().indexOf("group nameServers") + "group ".length();
        editor.selectAndReveal(declaration + 2, 0);
        int use = document.get().indexOf("joins nameServers") + "joins ".length();
        processEventsUntil(() -> editor.occurrences().stream().map(IrisModel.Region::offset).sorted().toList()
                .equals(List.of(declaration, use)), () -> "occurrences, seen " + editor.occurrences());
    }

    @Test
    void toggleCommentCommentsAndUncommentsTheSelectedLines() throws Exception {
        String before = document.get();
        int start = document.get().indexOf("group nameServers");
        editor.selectAndReveal(start, "group nameServers".length());
        editor.getAction(IrisActions.TOGGLE_COMMENT).run();
        assertTrue(document.get().contains("\n//group nameServers = 1\n"), document.get());
        editor.selectAndReveal(start, 3);
        editor.getAction(IrisActions.TOGGLE_COMMENT).run();
        assertEquals(before, document.get());
    }

    /**
     * The context menu offers what JDT's Java editor offers (Open Declaration, Quick Fix, Source
     * and Refactor submenus), the main menu has Source and Refactor menus, and each command does
     * what its key does.
     */
    @Test
    void theMenusOfferTheEditorsCommandsAndTheCommandsWork() throws Exception {
        MenuManager context = new MenuManager();
        editor.editorContextMenuAboutToShow(context);
        assertNotNull(context.find(IrisActions.OPEN_DECLARATION), "Open Declaration");
        assertNotNull(context.find(ITextEditorActionConstants.QUICK_ASSIST), "Quick Fix");
        IMenuManager source = context.findMenuUsingPath(IrisEditor.SOURCE_MENU);
        assertNotNull(source, "the Source submenu");
        assertNotNull(source.find(IrisActions.TOGGLE_COMMENT), "Source > Toggle Comment");
        assertNotNull(source.find(IrisActions.FORMAT), "Source > Format");
        IMenuManager refactor = context.findMenuUsingPath(IrisEditor.REFACTOR_MENU);
        assertNotNull(refactor.find(IrisActions.RENAME), "Refactor > Rename");
        context.dispose();

        Menu bar = editor.getSite().getShell().getMenuBar();
        processEventsUntil(() -> labels(bar).containsAll(List.of("Source", "Refactor")),
                () -> "Source and Refactor in the menu bar, seen " + labels(bar));
        assertTrue(labels(submenu(bar, "Source")).containsAll(List.of("Toggle Comment", "Format")),
                () -> labels(submenu(bar, "Source")).toString());
        assertTrue(labels(submenu(bar, "Refactor")).contains("Rename..."), () -> labels(submenu(bar, "Refactor")).toString());
        assertTrue(labels(submenu(bar, "Navigate")).contains("Open Declaration"),
                () -> labels(submenu(bar, "Navigate")).toString());

        IHandlerService handlers = editor.getSite().getService(IHandlerService.class);
        String before = document.get();
        editor.selectAndReveal(document.get().indexOf("group nameServers"), 3);
        handlers.executeCommand(IrisActions.TOGGLE_COMMENT, null);
        assertTrue(document.get().contains("\n//group nameServers = 1\n"), document.get());
        handlers.executeCommand(IrisActions.TOGGLE_COMMENT, null);
        assertEquals(before, document.get());

        editor.selectAndReveal(offsetAfter("handles Reg"), 0);
        handlers.executeCommand(IrisActions.OPEN_DECLARATION, null);
        assertEquals("Register", ((TextSelection) editor.getSelectionProvider().getSelection()).getText());

        type(document.getLength(), "\nmessage   Ping {\nlong at\n}\n");
        handlers.executeCommand(IrisActions.FORMAT, null);
        assertTrue(document.get().contains("message Ping {\n    long at\n}"), document.get());

        ICommandService commands = editor.getSite().getService(ICommandService.class);
        for (String id : List.of(IrisActions.RENAME, ITextEditorActionDefinitionIds.QUICK_ASSIST)) {
            assertTrue(commands.getCommand(id).isHandled() && commands.getCommand(id).isEnabled(), id);
        }
    }

    /** The items of {@code menu} (filled as when it opens), without mnemonics and key sequences. */
    private static List<String> labels(Menu menu) {
        menu.notifyListeners(SWT.Show, new Event());
        return Arrays.stream(menu.getItems()).filter(i -> i.getStyle() != SWT.SEPARATOR)
                .map(i -> i.getText().replace("&", "").replaceAll("\t.*", "")).toList();
    }

    private static Menu submenu(Menu bar, String label) {
        return Arrays.stream(bar.getItems()).filter(i -> i.getText().replace("&", "").equals(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no menu " + label)).getMenu();
    }

    @Test
    void formatIndentsAMessyDeclaration() throws Exception {
        type(document.getLength(), "\nmessage   Ping {\nlong at\n}\n");
        editor.getAction(IrisActions.FORMAT).run();
        assertTrue(document.get().contains("message Ping {\n    long at\n}"), document.get());
    }

    @Test
    void aQuickFixFromTheMarkerRepairsTheText() throws Exception {
        int at = offsetAfter("process NameServer[");
        document.replace(at, 1, "0");
        processEventsUntil(() -> editor.reconciled() && errorMarkers().size() == 1, () -> "the zero-count marker");
        IMarkerResolution[] fixes = new IrisMarkerResolutions().getResolutions(errorMarkers().get(0));
        assertEquals(1, fixes.length);
        assertEquals("Change the count to 1", fixes[0].getLabel());
        fixes[0].run(errorMarkers().get(0));
        assertTrue(document.get().contains("process NameServer[1]"), document.get());
        assertTrue(editor.isDirty(), "the fix edits the open document, not the file behind it");
    }

    @Test
    void renameChangesTheDeclarationAndTheReferencesInOtherFiles() throws Exception {
        IFile client = project.getFile(IrisProjects.IRIS_SRC + "/client.iris");
        client.create(new ByteArrayInputStream("""
                system demo.client
                import demo.names.*

                process Asker {
                    handles Lookup
                }
                """.getBytes(StandardCharsets.UTF_8)), true, null);
        try {
            IrisActions.rename(editor, offsetAfter("message Loo"), "Query");
            assertTrue(document.get().contains("message Query {"), document.get());
            assertTrue(document.get().contains("handles Register, Query"), document.get());
            assertTrue(client.readString().contains("handles Query"), client.readString());
            assertFalse(document.get().contains("Lookup"), document.get());
        } finally {
            // back, with the Java that the rename changed on disk (the editor closes unsaved)
            IrisActions.rename(editor, offsetAfter("message Que"), "Lookup");
            client.delete(true, null);
        }
    }
}
