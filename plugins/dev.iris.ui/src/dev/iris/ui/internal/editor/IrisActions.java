package dev.iris.ui.internal.editor;

import dev.iris.core.IrisModel;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.core.filebuffers.FileBuffers;
import org.eclipse.core.filebuffers.ITextFileBuffer;
import org.eclipse.core.filebuffers.ITextFileBufferManager;
import org.eclipse.core.filebuffers.LocationKind;
import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IPath;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.SubMonitor;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IAction;
import org.eclipse.jface.dialogs.InputDialog;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.text.BadLocationException;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.IRegion;
import org.eclipse.jface.text.IRewriteTarget;
import org.eclipse.jface.text.ITextOperationTarget;
import org.eclipse.jface.text.ITextSelection;
import org.eclipse.jface.text.Region;
import org.eclipse.jface.window.Window;
import org.eclipse.ltk.core.refactoring.Refactoring;
import org.eclipse.ltk.core.refactoring.RefactoringStatus;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.IEditorPart;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.ide.IDE;
import org.eclipse.ui.progress.IProgressService;
import org.eclipse.ui.texteditor.ITextEditor;

/**
 * The Iris editor's commands: toggle comment, format, open declaration and rename. Each is an
 * action bound to its command id (plugin.xml binds the keys in the Iris editor's context).
 */
final class IrisActions {
    static final String TOGGLE_COMMENT = "dev.iris.ui.toggleComment";
    static final String FORMAT = "dev.iris.ui.format";
    static final String OPEN_DECLARATION = "dev.iris.ui.openDeclaration";
    static final String RENAME = "dev.iris.ui.rename";

    private IrisActions() {
    }

    static List<IAction> create(IrisEditor editor) {
        return List.of(
                action(TOGGLE_COMMENT, "Toggle Comment", () -> toggleComment(editor)),
                action(FORMAT, "Format", () -> format(editor)),
                action(OPEN_DECLARATION, "Open Declaration", () -> openDeclaration(editor)),
                action(RENAME, "Rename...", () -> rename(editor)));
    }

    private static IAction action(String id, String text, Runnable run) {
        Action action = new Action(text) {
            @Override
            public void run() {
                run.run();
            }
        };
        action.setId(id);
        action.setActionDefinitionId(id);
        return action;
    }

    private static ITextSelection selection(IrisEditor editor) {
        return (ITextSelection) editor.getSelectionProvider().getSelection();
    }

    @FunctionalInterface
    private interface DocumentChange {
        void run() throws BadLocationException;
    }

    /** Runs {@code change} as one undoable step. */
    private static void compound(ITextEditor editor, DocumentChange change) {
        IRewriteTarget target = editor.getAdapter(IRewriteTarget.class);
        if (target != null) {
            target.beginCompoundChange();
        }
        try {
            change.run();
        } catch (BadLocationException e) {
            throw new IllegalStateException("the document changed during the edit", e);
        } finally {
            if (target != null) {
                target.endCompoundChange();
            }
        }
    }

    /**
     * Comments the selected lines with {@code //}, or uncomments them if all are commented (blank
     * lines count as commented): the text viewer's prefix operations with the prefix the viewer
     * configuration declares, as JDT's toggle comment does.
     */
    static void toggleComment(IrisEditor editor) {
        IDocument document = editor.document();
        ITextSelection selection = selection(editor);
        boolean commented = true;
        try {
            int first = document.getLineOfOffset(selection.getOffset());
            int end = selection.getOffset() + selection.getLength();
            int last = document.getLineOfOffset(end);
            if (last > first && document.getLineOffset(last) == end) {
                last--; // a selection that ends at the start of a line does not take that line
            }
            for (int line = first; line <= last && commented; line++) {
                String text = lineText(document, line);
                commented = text.isBlank() || text.stripLeading().startsWith("//");
            }
        } catch (BadLocationException e) {
            return; // a stale selection: nothing to toggle
        }
        ITextOperationTarget target = editor.viewer().getTextOperationTarget();
        int operation = commented ? ITextOperationTarget.STRIP_PREFIX : ITextOperationTarget.PREFIX;
        if (target.canDoOperation(operation)) {
            target.doOperation(operation);
        }
    }

    private static String lineText(IDocument document, int line) throws BadLocationException {
        return document.get(document.getLineOffset(line), document.getLineLength(line));
    }

    /** Formats the whole file with the language's formatter, as one undoable step. */
    static void format(IrisEditor editor) {
        IDocument document = editor.document();
        List<IrisModel.Edit> edits = editor.withModel(document, IrisModel::format);
        compound(editor, () -> apply(document, edits));
    }

    /** Applies edits given in the order of the text, last first so that offsets stay valid. */
    static void apply(IDocument document, List<IrisModel.Edit> edits) throws BadLocationException {
        for (int i = edits.size() - 1; i >= 0; i--) {
            IrisModel.Edit e = edits.get(i);
            document.replace(e.region().offset(), e.region().length(), e.text());
        }
    }

    /** Opens the declaration of the name at the caret. */
    static void openDeclaration(IrisEditor editor) {
        int offset = selection(editor).getOffset();
        Optional<IrisModel.Target> target = editor.withModel(editor.document(), m -> m.declaration(offset));
        target.ifPresent(t -> open(editor, t));
    }

    /** Shows {@code target}: in this editor if it is this file, else in the file's editor. */
    static void open(IrisEditor editor, IrisModel.Target target) {
        IrisModel.Region r = target.region();
        IFile file = ResourcesPlugin.getWorkspace().getRoot()
                .getFileForLocation(IPath.fromPath(target.file()));
        if (file == null || file.equals(editor.file())) {
            editor.selectAndReveal(r.offset(), r.length());
            return;
        }
        try {
            IEditorPart part = IDE.openEditor(editor.getSite().getPage(), file);
            if (part instanceof ITextEditor text) {
                text.selectAndReveal(r.offset(), r.length());
            }
        } catch (PartInitException e) {
            MessageDialog.openError(editor.getSite().getShell(), "Open Declaration",
                    "Cannot open " + file.getFullPath() + ": " + e.getMessage());
        }
    }

    /** Asks for a new name and renames the element at the caret in every file of the project. */
    static void rename(IrisEditor editor) {
        IDocument document = editor.document();
        int offset = selection(editor).getOffset();
        InputDialog dialog = new InputDialog(editor.getSite().getShell(), "Rename", "New name:", word(document, offset),
                name -> IrisModel.isName(name) ? null : "A name is a letter or _, then letters, digits or _");
        if (dialog.open() == Window.OK) {
            rename(editor, offset, dialog.getValue());
        }
    }

    /**
     * Renames the element at {@code offset} to {@code newName}: this document and the other files'
     * open documents are edited (and stay unsaved, as any edit); files not open are changed on disk.
     * The Java that uses names generated from the element is renamed first, with JDT's refactorings
     * ({@link JavaRenames}); if JDT refuses (the new name is taken in the Java code, say), it says
     * why and nothing changes.
     */
    static void rename(IrisEditor editor, int offset, String newName) {
        IDocument document = editor.document();
        IrisModel model = editor.freshModel(document); // the other files as they are now
        Map<Path, List<IrisModel.Edit>> edits = model.rename(offset, newName);
        List<IrisModel.JavaRename> java = model.javaRenames(offset, newName);
        Shell shell = editor.getSite().getShell();
        try {
            if (!java.isEmpty() && editor.file() != null && !renameJava(shell, editor.file().getProject(), java)) {
                return;
            }
            for (Map.Entry<Path, List<IrisModel.Edit>> e : edits.entrySet()) {
                IFile file = ResourcesPlugin.getWorkspace().getRoot()
                        .getFileForLocation(IPath.fromPath(e.getKey()));
                if (file == null || file.equals(editor.file())) {
                    compound(editor, () -> apply(document, e.getValue()));
                    continue;
                }
                edit(file, e.getValue());
            }
        } catch (CoreException | BadLocationException e) {
            MessageDialog.openError(shell, "Rename", "The rename did not complete: " + e.getMessage());
        }
    }

    /**
     * Renames the generated Java elements and their uses; false if none was renamed because JDT
     * refused (said to the user).
     */
    private static boolean renameJava(Shell shell, IProject project, List<IrisModel.JavaRename> renames)
            throws CoreException {
        RefactoringStatus problems = new RefactoringStatus();
        boolean[] performed = {false};
        IProgressService progress = PlatformUI.getWorkbench().getProgressService();
        try {
            // as JDT's own rename: on the UI thread (editors' documents change) with a progress dialog
            progress.runInUI(progress, monitor -> {
                try {
                    SubMonitor steps = SubMonitor.convert(monitor, "Rename", 2);
                    List<Refactoring> planned = JavaRenames.plan(project, renames, problems, steps.split(1));
                    if (!problems.hasFatalError()) {
                        performed[0] = JavaRenames.perform(planned, problems, steps.split(1));
                    }
                } catch (CoreException e) {
                    throw new InvocationTargetException(e);
                }
            }, ResourcesPlugin.getWorkspace().getRoot());
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof CoreException c ? c
                    : new CoreException(Status.error("Renaming in the Java code failed", e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (!performed[0]) {
            MessageDialog.openError(shell, "Rename", "Nothing was renamed: the Java code says: "
                    + problems.getMessageMatchingSeverity(RefactoringStatus.ERROR));
            return false;
        }
        return true;
    }

    /**
     * Applies {@code edits} (in the order of the text) to the file's document: the one an open
     * editor shows, which stays unsaved as after any edit; a file no editor holds is saved.
     */
    static void edit(IFile file, List<IrisModel.Edit> edits) throws CoreException, BadLocationException {
        ITextFileBufferManager buffers = FileBuffers.getTextFileBufferManager();
        IPath path = file.getFullPath();
        boolean open = buffers.getTextFileBuffer(path, LocationKind.IFILE) != null;
        buffers.connect(path, LocationKind.IFILE, null);
        try {
            ITextFileBuffer buffer = buffers.getTextFileBuffer(path, LocationKind.IFILE);
            apply(buffer.getDocument(), edits);
            if (!open) {
                buffer.commit(null, true);
            }
        } finally {
            buffers.disconnect(path, LocationKind.IFILE, null);
        }
    }

    private static String word(IDocument document, int offset) {
        String text = document.get();
        IRegion r = wordAt(text, offset);
        return text.substring(r.getOffset(), r.getOffset() + r.getLength());
    }

    /** The name (Java identifier characters) around {@code offset}, possibly empty. */
    static IRegion wordAt(String text, int offset) {
        int start = offset;
        int end = offset;
        while (start > 0 && Character.isJavaIdentifierPart(text.charAt(start - 1))) {
            start--;
        }
        while (end < text.length() && Character.isJavaIdentifierPart(text.charAt(end))) {
            end++;
        }
        return new Region(start, end - start);
    }
}
