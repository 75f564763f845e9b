package dev.iris.ui.internal.editor;

import static dev.iris.ui.UiTests.processEventsUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.core.IrisProjects;
import dev.iris.ui.UiTests;
import java.util.Arrays;
import java.util.List;
import org.eclipse.core.resources.IMarker;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.resources.IncrementalProjectBuilder;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.text.IDocument;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.ide.IDE;
import org.junit.jupiter.api.Test;

/**
 * Renaming a declaration in the Iris editor renames the Java that uses the names generated from
 * it, so that the program still compiles: the bank example's group, a message and a shared object.
 */
class JavaRenameTest {
    @Test
    void renamingDeclarationsRenamesTheJavaThatUsesTheirGeneratedNames() throws Exception {
        IProject project = UiTests.launchableProject("rename-java", IrisProjects.Example.BANK);
        IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        IrisEditor editor = (IrisEditor) IDE.openEditor(page, project.getFile(IrisProjects.IRIS_SRC + "/bank.iris"),
                IrisEditor.ID);
        try {
            processEventsUntil(editor::reconciled, () -> "the first reconcile");
            IDocument document = editor.document();

            IrisActions.rename(editor, offsetAfter(document, "group tell"), "cashiers");
            IrisActions.rename(editor, offsetAfter(document, "message Transf"), "Move");
            IrisActions.rename(editor, offsetAfter(document, "shared Acc"), "Ledger");
            editor.doSave(null);
            Job.getJobManager().join(ResourcesPlugin.FAMILY_AUTO_BUILD, null);
            project.build(IncrementalProjectBuilder.INCREMENTAL_BUILD, null);

            String main = project.getFile("src/main/java/demo/bank/Main.java").readString();
            assertTrue(main.contains("k.members(BankSystem.CASHIERS)") && !main.contains("TELLERS"), main);
            assertTrue(main.contains("new Move(from, to, cents)") && !main.contains("new Transfer("), main);
            String teller = project.getFile("src/main/java/demo/bank/Teller.java").readString();
            assertTrue(teller.contains("protected Done onMove(Move t)") && !teller.contains("onTransfer"), teller);
            assertTrue(teller.contains("Ledger accounts = ledger();") && !teller.contains("Accounts"), teller);
            List<String> errors = Arrays.stream(project.findMarkers(IMarker.PROBLEM, true, IResource.DEPTH_INFINITE))
                    .filter(m -> m.getAttribute(IMarker.SEVERITY, -1) == IMarker.SEVERITY_ERROR)
                    .map(m -> m.getResource().getName() + ": " + m.getAttribute(IMarker.MESSAGE, "")).toList();
            assertEquals(List.of(), errors, "the renamed program compiles");
            assertFalse(project.getFile("src-gen/demo/bank/Transfer.java").exists());
            assertTrue(project.getFile("src-gen/demo/bank/Move.java").exists());
        } finally {
            page.closeEditor(editor, false);
            project.delete(true, true, null);
        }
    }

    private static int offsetAfter(IDocument document, String text) {
        int at = document.get().indexOf(text);
        assertTrue(at >= 0, text);
        return at + text.length();
    }
}
