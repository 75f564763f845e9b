package dev.iris.ui.internal.editor;

import org.eclipse.core.runtime.ILog;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.IRegion;
import org.eclipse.jface.text.reconciler.DirtyRegion;
import org.eclipse.jface.text.reconciler.IReconcilingStrategy;
import org.eclipse.jface.text.reconciler.IReconcilingStrategyExtension;
import org.eclipse.xtext.service.OperationCanceledError;
import org.eclipse.xtext.service.OperationCanceledManager;

/**
 * Re-parses the whole document after the typing pauses (in the reconciler's thread, never the
 * UI thread) and hands the result to the editor: problems, highlighting, outline and folding all
 * come from that one parse.
 *
 * <p>Nothing thrown by the language services leaves {@link #reconcile}: the reconciler's thread
 * would end with it, and the editor would check nothing until reopened. A reconcile cancelled
 * because the text changed is left to the reconcile that change brings; one cancelled otherwise is
 * tried again; a failure is logged.
 */
final class IrisReconcilingStrategy implements IReconcilingStrategy, IReconcilingStrategyExtension {
    /** Tells Xtext's cancellations (an {@code Error}, or the platform's exception) from failures. */
    private static final OperationCanceledManager CANCELLATION = new OperationCanceledManager();
    /** How often a reconcile that was cancelled though the reconciler did not ask is tried. */
    private static final int TRIES = 3;

    private final IrisEditor editor;
    private IDocument document;
    private IProgressMonitor monitor;

    IrisReconcilingStrategy(IrisEditor editor) {
        this.editor = editor;
    }

    @Override
    public void setDocument(IDocument document) {
        this.document = document;
    }

    @Override
    public void setProgressMonitor(IProgressMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public void initialReconcile() {
        reconcileAll();
    }

    @Override
    public void reconcile(DirtyRegion dirtyRegion, IRegion subRegion) {
        reconcileAll();
    }

    @Override
    public void reconcile(IRegion partition) {
        reconcileAll();
    }

    private void reconcileAll() {
        for (int tried = 1; document != null; tried++) {
            try {
                editor.reconcile(document, monitor);
                return;
            } catch (RuntimeException | OperationCanceledError e) {
                if (!CANCELLATION.isOperationCanceledException(e)) {
                    ILog.of(getClass()).error("Checking " + editor.getTitle() + " failed; it goes on with the next edit", e);
                    return;
                }
                if ((monitor != null && monitor.isCanceled()) || tried == TRIES) {
                    return; // the edit that cancelled it brings the next reconcile
                }
            }
        }
    }
}
