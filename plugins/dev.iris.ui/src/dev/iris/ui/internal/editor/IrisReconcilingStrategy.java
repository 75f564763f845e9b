package dev.iris.ui.internal.editor;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.IRegion;
import org.eclipse.jface.text.reconciler.DirtyRegion;
import org.eclipse.jface.text.reconciler.IReconcilingStrategy;
import org.eclipse.jface.text.reconciler.IReconcilingStrategyExtension;

/**
 * Re-parses the whole document after the typing pauses (in the reconciler's thread, never the
 * UI thread) and hands the result to the editor: problems, highlighting, outline and folding all
 * come from that one parse.
 */
final class IrisReconcilingStrategy implements IReconcilingStrategy, IReconcilingStrategyExtension {
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
        if (document != null) {
            editor.reconcile(document, monitor);
        }
    }
}
