package dev.iris.ui.internal.editor;

import org.eclipse.jface.preference.IPreferenceStore;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.IInformationControlCreator;
import org.eclipse.jface.text.ITextHover;
import org.eclipse.jface.text.contentassist.ContentAssistant;
import org.eclipse.jface.text.contentassist.IContentAssistant;
import org.eclipse.jface.text.hyperlink.IHyperlinkDetector;
import org.eclipse.jface.text.presentation.IPresentationReconciler;
import org.eclipse.jface.text.presentation.PresentationReconciler;
import org.eclipse.jface.text.quickassist.IQuickAssistAssistant;
import org.eclipse.jface.text.quickassist.QuickAssistAssistant;
import org.eclipse.jface.text.reconciler.IReconciler;
import org.eclipse.jface.text.reconciler.MonoReconciler;
import org.eclipse.jface.text.rules.DefaultDamagerRepairer;
import org.eclipse.jface.text.rules.RuleBasedScanner;
import org.eclipse.jface.text.source.ISourceViewer;
import org.eclipse.ui.editors.text.TextSourceViewerConfiguration;

/** Wires the Iris editor's parts into the JFace source viewer. */
final class IrisSourceViewerConfiguration extends TextSourceViewerConfiguration {
    /** How long typing must pause before the document is parsed again (ms). */
    static final int RECONCILE_DELAY = 300;

    private final IrisEditor editor;

    IrisSourceViewerConfiguration(IrisEditor editor, IPreferenceStore store) {
        super(store);
        this.editor = editor;
    }

    @Override
    public String getConfiguredDocumentPartitioning(ISourceViewer sourceViewer) {
        return IrisPartitions.PARTITIONING;
    }

    @Override
    public String[] getConfiguredContentTypes(ISourceViewer sourceViewer) {
        return IrisPartitions.TYPES.clone();
    }

    @Override
    public IPresentationReconciler getPresentationReconciler(ISourceViewer sourceViewer) {
        PresentationReconciler reconciler = new PresentationReconciler();
        reconciler.setDocumentPartitioning(IrisPartitions.PARTITIONING);
        IrisColors colors = IrisColors.get();
        add(reconciler, IDocument.DEFAULT_CONTENT_TYPE, new IrisCodeScanner(colors));
        add(reconciler, IrisPartitions.COMMENT, whole(colors, IrisColors.COMMENT));
        add(reconciler, IrisPartitions.DOC, whole(colors, IrisColors.DOC));
        add(reconciler, IrisPartitions.STRING, whole(colors, IrisColors.STRING));
        return reconciler;
    }

    private static RuleBasedScanner whole(IrisColors colors, String style) {
        RuleBasedScanner scanner = new RuleBasedScanner();
        scanner.setDefaultReturnToken(colors.token(style));
        return scanner;
    }

    private static void add(PresentationReconciler reconciler, String type, RuleBasedScanner scanner) {
        DefaultDamagerRepairer dr = new DefaultDamagerRepairer(scanner);
        reconciler.setDamager(dr, type);
        reconciler.setRepairer(dr, type);
    }

    @Override
    public IReconciler getReconciler(ISourceViewer sourceViewer) {
        MonoReconciler reconciler = new MonoReconciler(new IrisReconcilingStrategy(editor), false);
        reconciler.setDelay(RECONCILE_DELAY);
        return reconciler;
    }

    @Override
    public IContentAssistant getContentAssistant(ISourceViewer sourceViewer) {
        ContentAssistant assistant = new ContentAssistant(true); // proposals computed off the UI thread
        assistant.setDocumentPartitioning(IrisPartitions.PARTITIONING);
        assistant.setContentAssistProcessor(new IrisContentAssistProcessor(editor), IDocument.DEFAULT_CONTENT_TYPE);
        assistant.enableAutoActivation(true);
        assistant.setAutoActivationDelay(300);
        assistant.setInformationControlCreator(getInformationControlCreator(sourceViewer));
        assistant.enableColoredLabels(true);
        return assistant;
    }

    @Override
    public IQuickAssistAssistant getQuickAssistAssistant(ISourceViewer sourceViewer) {
        QuickAssistAssistant assistant = new QuickAssistAssistant();
        assistant.setQuickAssistProcessor(new IrisQuickAssistProcessor());
        assistant.setInformationControlCreator(getInformationControlCreator(sourceViewer));
        return assistant;
    }

    @Override
    public IHyperlinkDetector[] getHyperlinkDetectors(ISourceViewer sourceViewer) {
        IHyperlinkDetector[] inherited = super.getHyperlinkDetectors(sourceViewer);
        IHyperlinkDetector[] all = new IHyperlinkDetector[(inherited == null ? 0 : inherited.length) + 1];
        all[0] = new IrisHyperlinkDetector(editor);
        if (inherited != null) {
            System.arraycopy(inherited, 0, all, 1, inherited.length);
        }
        return all;
    }

    @Override
    public IInformationControlCreator getInformationControlCreator(ISourceViewer sourceViewer) {
        return IrisTextHover.controls();
    }

    @Override
    public ITextHover getTextHover(ISourceViewer sourceViewer, String contentType) {
        return new IrisTextHover(editor, sourceViewer);
    }

    @Override
    public String[] getDefaultPrefixes(ISourceViewer sourceViewer, String contentType) {
        return new String[] {"//", ""};
    }
}
