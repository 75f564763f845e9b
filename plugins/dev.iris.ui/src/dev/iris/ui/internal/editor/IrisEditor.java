package dev.iris.ui.internal.editor;

import dev.iris.core.IrisLanguage;
import dev.iris.core.IrisMarkers;
import dev.iris.core.IrisModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IMarker;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.resources.WorkspaceJob;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.action.IAction;
import org.eclipse.jface.action.IMenuManager;
import org.eclipse.jface.action.MenuManager;
import org.eclipse.jface.action.Separator;
import org.eclipse.jface.preference.IPreferenceStore;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.ITextSelection;
import org.eclipse.jface.text.Position;
import org.eclipse.jface.text.source.Annotation;
import org.eclipse.jface.text.source.IAnnotationModel;
import org.eclipse.jface.text.source.IAnnotationModelExtension;
import org.eclipse.jface.text.source.ISourceViewer;
import org.eclipse.jface.text.source.IVerticalRuler;
import org.eclipse.jface.text.source.projection.ProjectionAnnotation;
import org.eclipse.jface.text.source.projection.ProjectionAnnotationModel;
import org.eclipse.jface.text.source.projection.ProjectionSupport;
import org.eclipse.jface.text.source.projection.ProjectionViewer;
import org.eclipse.jface.util.IPropertyChangeListener;
import org.eclipse.jface.viewers.IPostSelectionProvider;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.ui.IEditorInput;
import org.eclipse.ui.IFileEditorInput;
import org.eclipse.ui.IURIEditorInput;
import org.eclipse.ui.editors.text.EditorsUI;
import org.eclipse.ui.editors.text.TextEditor;
import org.eclipse.ui.texteditor.ChainedPreferenceStore;
import org.eclipse.ui.texteditor.ITextEditorActionConstants;
import org.eclipse.ui.views.contentoutline.IContentOutlinePage;
import org.eclipse.xtext.util.CancelIndicator;

/**
 * The Iris editor: a text editor on the JFace text framework whose language support (problems,
 * highlighting, proposals, outline, hover, navigation, occurrences, formatting, quick fixes and
 * rename) comes from the Iris ide services in-process, through {@link IrisModel}.
 *
 * <p>Threading: parsing happens in the reconciler's thread and in jobs; the UI thread only applies
 * results, and only when the document has not changed since they were computed.
 */
public final class IrisEditor extends TextEditor {
    /** The editor id, as declared in plugin.xml. */
    public static final String ID = "dev.iris.ui.editor";
    /** The annotation type of marked occurrences. */
    static final String OCCURRENCES = "dev.iris.ui.occurrences";
    /** The ids of the context menu's Source and Refactor submenus (the main menu's are in plugin.xml). */
    static final String SOURCE_MENU = "dev.iris.ui.source";
    static final String REFACTOR_MENU = "dev.iris.ui.refactor";

    private final LiveModel.EditLog edits = new LiveModel.EditLog();
    /** The model the reconciler uses, and the one of content assist, hover, navigation and the actions. */
    private final LiveModel reconciling = new LiveModel(edits, this::getTitle, this::parse);
    private final LiveModel interactive = new LiveModel(edits, this::getTitle, this::parse);
    /** The document stamp whose reconcile results are shown (-1: none yet). */
    private volatile long shown = -1;
    private volatile List<IrisModel.Problem> problems = List.of();
    private SemanticHighlighter highlighter;
    private ProjectionSupport projection;
    private IrisOutlinePage outline;
    private List<IrisModel.Symbol> symbols = List.of();
    private Map<ProjectionAnnotation, Position> folds = new HashMap<>();
    private List<Annotation> occurrences = List.of();
    private final Job occurrencesJob = Job.createSystem("Iris occurrences", this::markOccurrences);
    private final IPropertyChangeListener repaint = e -> {
        if (getSourceViewer() != null) {
            getSourceViewer().invalidateTextPresentation();
        }
    };

    public IrisEditor() {
        IPreferenceStore store = new ChainedPreferenceStore(
                new IPreferenceStore[] {IrisColors.preferences(), EditorsUI.getPreferenceStore()});
        setPreferenceStore(store);
        setSourceViewerConfiguration(new IrisSourceViewerConfiguration(this, store));
    }

    @Override
    protected void initializeKeyBindingScopes() {
        setKeyBindingScopes(new String[] {"dev.iris.ui.editorScope"});
    }

    @Override
    protected ISourceViewer createSourceViewer(Composite parent, IVerticalRuler ruler, int styles) {
        ISourceViewer viewer = new ProjectionViewer(parent, ruler, getOverviewRuler(), isOverviewRulerVisible(), styles);
        getSourceViewerDecorationSupport(viewer);
        return viewer;
    }

    @Override
    public void createPartControl(Composite parent) {
        super.createPartControl(parent);
        document().addDocumentListener(edits);
        ProjectionViewer viewer = (ProjectionViewer) getSourceViewer();
        projection = new ProjectionSupport(viewer, getAnnotationAccess(), getSharedColors());
        projection.install();
        viewer.doOperation(ProjectionViewer.TOGGLE);
        highlighter = new SemanticHighlighter(viewer, IrisColors.get());
        IrisColors.preferences().addPropertyChangeListener(repaint); // a colour changed on the preference page
        if (viewer instanceof IPostSelectionProvider p) {
            p.addPostSelectionChangedListener(e -> occurrencesJob.schedule(100));
        }
    }

    @Override
    protected void createActions() {
        super.createActions();
        for (IAction action : IrisActions.create(this)) {
            setAction(action.getId(), action);
        }
    }

    /**
     * Adds, as JDT's Java editor does, Open Declaration, Quick Fix, a Source submenu (Toggle
     * Comment, Format) and a Refactor submenu (Rename) to the text editor's context menu.
     */
    @Override
    protected void editorContextMenuAboutToShow(IMenuManager menu) {
        super.editorContextMenuAboutToShow(menu);
        menu.insertAfter(ITextEditorActionConstants.GROUP_SAVE, new Separator(ITextEditorActionConstants.GROUP_OPEN));
        addAction(menu, ITextEditorActionConstants.GROUP_OPEN, IrisActions.OPEN_DECLARATION);
        addAction(menu, ITextEditorActionConstants.GROUP_EDIT, ITextEditorActionConstants.QUICK_ASSIST);
        MenuManager source = new MenuManager("&Source", SOURCE_MENU);
        source.add(getAction(IrisActions.TOGGLE_COMMENT));
        source.add(getAction(IrisActions.FORMAT));
        menu.appendToGroup(ITextEditorActionConstants.GROUP_EDIT, source);
        MenuManager refactor = new MenuManager("Refac&tor", REFACTOR_MENU);
        refactor.add(getAction(IrisActions.RENAME));
        menu.appendToGroup(ITextEditorActionConstants.GROUP_EDIT, refactor);
    }

    @Override
    public void dispose() {
        occurrencesJob.cancel();
        IrisColors.preferences().removePropertyChangeListener(repaint);
        if (getDocumentProvider() != null && document() != null) {
            document().removeDocumentListener(edits);
        }
        if (projection != null) {
            projection.dispose();
        }
        super.dispose();
    }

    @Override
    public <T> T getAdapter(Class<T> adapter) {
        if (adapter == IContentOutlinePage.class) {
            if (outline == null || outline.getControl() == null || outline.getControl().isDisposed()) {
                outline = new IrisOutlinePage(this);
                outline.setSymbols(symbols);
            }
            return adapter.cast(outline);
        }
        if (projection != null) {
            T adapted = projection.getAdapter(getSourceViewer(), adapter);
            if (adapted != null) {
                return adapted;
            }
        }
        return super.getAdapter(adapter);
    }

    /** The source viewer (for the actions and tests). */
    ISourceViewer viewer() {
        return getSourceViewer();
    }

    /** The file being edited, or null if it is not in the workspace. */
    public IFile file() {
        IEditorInput input = getEditorInput();
        return input instanceof IFileEditorInput f ? f.getFile() : null;
    }

    /** The document being edited. */
    public IDocument document() {
        return getDocumentProvider().getDocument(getEditorInput());
    }

    /** Parses {@code text} as this editor's file (with the project's other files beside it). */
    private IrisModel parse(String text) {
        IFile file = file();
        if (file != null) {
            return IrisLanguage.get().parse(file, text);
        }
        IEditorInput input = getEditorInput();
        Path path = input instanceof IURIEditorInput u && "file".equals(u.getURI().getScheme())
                ? Path.of(u.getURI()) : Path.of(input.getName());
        return IrisLanguage.get().parse(path, path.getParent(), text);
    }

    private static long stamp(IDocument document) {
        return LiveModel.stamp(document);
    }

    /**
     * Runs {@code work} on a model of the document's current text (kept up to date by partial
     * parsing), in the caller's thread; one piece of work at a time.
     */
    public <T> T withModel(IDocument document, Function<IrisModel, T> work) {
        return interactive.compute(document, (model, stamp) -> work.apply(model));
    }

    /**
     * A new parse of the document's current text and of the project's other files as they are
     * now (the cached parse may predate changes to other files).
     */
    IrisModel freshModel(IDocument document) {
        return parse(document.get());
    }

    /** Whether the results of a parse of the document's current text are shown (for tests). */
    boolean reconciled() {
        IDocument document = document();
        return document != null && shown == stamp(document);
    }

    /** The problems of the latest reconcile (for tests). */
    List<IrisModel.Problem> problems() {
        return problems;
    }

    /** The semantic highlights painted now (for tests). */
    List<IrisModel.Highlight> highlights() {
        return highlighter == null ? List.of() : highlighter.current();
    }

    /** The outline of the latest reconcile. */
    List<IrisModel.Symbol> symbols() {
        return symbols;
    }

    /** Called by the reconciler, off the UI thread: parse once, then show the results. */
    void reconcile(IDocument document, IProgressMonitor monitor) {
        CancelIndicator cancel = () -> monitor != null && monitor.isCanceled();
        record Results(long stamp, List<IrisModel.Problem> problems, List<IrisModel.Highlight> highlights,
                List<IrisModel.Symbol> outline, List<IrisModel.Region> folding) {
        }
        Results r = reconciling.compute(document, (model, at) -> new Results(at, model.problems(cancel),
                model.highlights(cancel), model.outline(cancel), model.foldingRegions(cancel)));
        if (cancel.isCanceled()) {
            return;
        }
        problems = r.problems();
        updateMarkers(r.problems());
        Display display = getSite().getShell().getDisplay();
        display.asyncExec(() -> {
            ISourceViewer viewer = getSourceViewer();
            if (viewer == null || viewer.getTextWidget() == null || viewer.getTextWidget().isDisposed()
                    || stamp(document) != r.stamp()) {
                return;
            }
            highlighter.update(document, r.highlights());
            symbols = r.outline();
            if (outline != null) {
                outline.setSymbols(r.outline());
            }
            updateFolding(r.folding());
            shown = r.stamp();
        });
    }

    /** Puts the problems on the file as Iris markers, in a job that holds the file's marker rule. */
    private void updateMarkers(List<IrisModel.Problem> found) {
        IFile file = file();
        if (file == null || !file.exists()) {
            return;
        }
        WorkspaceJob job = new WorkspaceJob("Iris problems of " + file.getName()) {
            @Override
            public IStatus runInWorkspace(IProgressMonitor monitor) throws CoreException {
                if (!file.exists() || sameAsMarkers(file, found)) {
                    return Status.OK_STATUS;
                }
                IrisMarkers.clear(file);
                for (IrisModel.Problem p : found) {
                    IrisMarkers.create(file, p.line(), p.region().offset(), p.region().length(), p.severity(), p.code(),
                            p.message());
                }
                return Status.OK_STATUS;
            }
        };
        job.setRule(ResourcesPlugin.getWorkspace().getRuleFactory().markerRule(file));
        job.setSystem(true);
        job.schedule();
    }

    private static boolean sameAsMarkers(IFile file, List<IrisModel.Problem> found) throws CoreException {
        IMarker[] markers = file.findMarkers(IrisMarkers.PROBLEM, false, IResource.DEPTH_ZERO);
        if (markers.length != found.size()) {
            return false;
        }
        List<String> have = new ArrayList<>();
        for (IMarker m : markers) {
            have.add(m.getAttribute(IMarker.CHAR_START, -1) + ":" + m.getAttribute(IMarker.CHAR_END, -1) + ":"
                    + m.getAttribute(IMarker.MESSAGE, ""));
        }
        List<String> want = found.stream().map(p -> p.region().offset() + ":" + (p.region().offset()
                + p.region().length()) + ":" + p.message()).toList();
        return have.stream().sorted().toList().equals(want.stream().sorted().toList());
    }

    private void updateFolding(List<IrisModel.Region> foldable) {
        ProjectionAnnotationModel model = ((ProjectionViewer) getSourceViewer()).getProjectionAnnotationModel();
        if (model == null) {
            return;
        }
        Map<ProjectionAnnotation, Position> keep = new HashMap<>();
        List<Annotation> gone = new ArrayList<>();
        List<IrisModel.Region> todo = new ArrayList<>(foldable);
        folds.forEach((annotation, position) -> {
            IrisModel.Region r = new IrisModel.Region(position.offset, position.length);
            if (!position.isDeleted() && todo.remove(r)) {
                keep.put(annotation, position);
            } else {
                gone.add(annotation);
            }
        });
        Map<Annotation, Position> added = new HashMap<>();
        for (IrisModel.Region r : todo) {
            ProjectionAnnotation annotation = new ProjectionAnnotation();
            Position position = new Position(r.offset(), r.length());
            added.put(annotation, position);
            keep.put(annotation, position);
        }
        model.modifyAnnotations(gone.toArray(Annotation[]::new), added, null);
        folds = keep;
    }

    /** Folding regions shown now (for tests). */
    List<IrisModel.Region> foldingRegions() {
        return folds.values().stream().map(p -> new IrisModel.Region(p.offset, p.length)).toList();
    }

    /** The occurrences job: marks the name at the caret and its other occurrences in this file. */
    private IStatus markOccurrences(IProgressMonitor monitor) {
        Display display = getSite().getShell().getDisplay();
        int[] caret = {-1};
        IDocument[] doc = {null};
        display.syncExec(() -> {
            ISourceViewer viewer = getSourceViewer();
            if (viewer != null && viewer.getTextWidget() != null && !viewer.getTextWidget().isDisposed()) {
                caret[0] = ((ITextSelection) getSelectionProvider().getSelection()).getOffset();
                doc[0] = viewer.getDocument();
            }
        });
        if (caret[0] < 0 || doc[0] == null) {
            return Status.OK_STATUS;
        }
        long stamp = stamp(doc[0]);
        List<IrisModel.Region> regions = withModel(doc[0], model -> model.occurrences(caret[0]));
        display.asyncExec(() -> {
            ISourceViewer viewer = getSourceViewer();
            if (viewer == null || stamp(doc[0]) != stamp) {
                return;
            }
            IAnnotationModel annotations = viewer.getAnnotationModel();
            Map<Annotation, Position> added = new HashMap<>();
            for (IrisModel.Region r : regions) {
                added.put(new Annotation(OCCURRENCES, false, "occurrence"), new Position(r.offset(), r.length()));
            }
            if (annotations instanceof IAnnotationModelExtension e) {
                e.replaceAnnotations(occurrences.toArray(Annotation[]::new), added);
            }
            occurrences = List.copyOf(added.keySet());
        });
        return Status.OK_STATUS;
    }

    /** The occurrence annotations shown now (for tests). */
    List<IrisModel.Region> occurrences() {
        IAnnotationModel annotations = getSourceViewer().getAnnotationModel();
        return occurrences.stream().map(annotations::getPosition).filter(Objects::nonNull)
                .map(p -> new IrisModel.Region(p.offset, p.length)).toList();
    }
}
