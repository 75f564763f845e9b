package dev.iris.core;

import com.google.inject.Injector;
import dev.iris.dsl.generator.GeneratedNames;
import dev.iris.dsl.ide.symbols.IrisSymbolKinds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.EStructuralFeature;
import org.eclipse.emf.ecore.resource.Resource;
import org.eclipse.emf.ecore.util.EcoreUtil;
import org.eclipse.lsp4j.CodeActionContext;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.FormattingOptions;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.xtext.diagnostics.Severity;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistContext;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistEntry;
import org.eclipse.xtext.ide.editor.contentassist.IdeContentProposalAcceptor;
import org.eclipse.xtext.ide.editor.contentassist.IdeContentProposalProvider;
import org.eclipse.xtext.ide.editor.contentassist.antlr.ContentAssistContextFactory;
import org.eclipse.xtext.ide.editor.syntaxcoloring.ISemanticHighlightingCalculator;
import org.eclipse.xtext.ide.server.Document;
import org.eclipse.xtext.ide.server.codeActions.ICodeActionService2;
import org.eclipse.xtext.ide.server.formatting.FormattingService;
import org.eclipse.xtext.ide.server.hover.HoverService;
import org.eclipse.xtext.ide.server.occurrences.DefaultDocumentHighlightService;
import org.eclipse.xtext.ide.server.symbol.HierarchicalDocumentSymbolService;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.eclipse.xtext.resource.EObjectAtOffsetHelper;
import org.eclipse.xtext.resource.ILocationInFileProvider;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.util.CancelIndicator;
import org.eclipse.xtext.util.ITextRegion;
import org.eclipse.xtext.util.TextRegion;
import org.eclipse.xtext.validation.CheckMode;
import org.eclipse.xtext.validation.IResourceValidator;
import org.eclipse.xtext.validation.Issue;

/**
 * A parse of an Iris file's text, and what an editor asks of it: problems, highlighting,
 * proposals, outline, hover, declarations, occurrences and formatting. Every answer comes from the
 * language's ide services, the ones the language server uses too. Offsets count characters from
 * the start of the model's current {@link #text()}. An editor keeps a model and {@link #update}s
 * it with each edit: only the part of the text around the edit is parsed again.
 *
 * <p>Threading: not thread-safe; use one model from one thread at a time (synchronize on it).
 * Create models with {@link IrisLanguage#parse}.
 */
public final class IrisModel {
    /** A stretch of the text. */
    public record Region(int offset, int length) {
        /** Whether {@code offset} is inside or at either end of this region. */
        public boolean touches(int at) {
            return at >= offset && at <= offset + length;
        }
    }

    /**
     * A problem in the text; {@code line} counts from 1; {@code code} (may be null) and
     * {@code data} are what the validator attached, what {@link #fixes} needs.
     */
    public record Problem(Region region, int line, Severity severity, String code, String message, List<String> data) {
        public Problem {
            data = List.copyOf(data);
        }
    }

    /** A quick fix: what it does, and the edits that do it (in this file). */
    public record Fix(String title, List<Edit> edits) {
    }

    /** A stretch to colour with one of the styles of {@code dev.iris.dsl.ide.highlighting.IrisHighlighting}. */
    public record Highlight(Region region, String style) {
    }

    /**
     * An element of the outline: its name and kind (a lower-case word such as {@code message}),
     * the whole declaration and its name, and the elements declared inside it.
     */
    public record Symbol(String name, String kind, Region range, Region selection, List<Symbol> children) {
    }

    /** Where a declaration is: its file (absolute) and the name's region in that file. */
    public record Target(Path file, Region region) {
    }

    /** Replace {@code region} by {@code text}. */
    public record Edit(Region region, String text) {
    }

    private final Injector injector;
    private final ExecutorService pool;
    private final XtextResource resource;
    private final long generation;
    private String text;
    private Document document;

    IrisModel(Injector injector, ExecutorService pool, XtextResource resource, String text, long generation) {
        this.injector = injector;
        this.pool = pool;
        this.resource = resource;
        this.text = text;
        this.generation = generation;
        this.document = new Document(1, text);
    }

    /**
     * Applies an edit of the text: {@code length} characters at {@code offset} replaced by
     * {@code replacement}. The parser parses again only the part of the model the edit touches
     * (Xtext's partial parsing), and cross references are linked again when next asked for.
     *
     * @throws IndexOutOfBoundsException if the region is not inside the text
     */
    public void update(int offset, int length, String replacement) {
        if (offset < 0 || length < 0 || offset + length > text.length()) {
            throw new IndexOutOfBoundsException("edit " + offset + "+" + length + " outside " + text.length() + " chars");
        }
        resource.update(offset, length, replacement);
        text = text.substring(0, offset) + replacement + text.substring(offset + length);
        document = new Document(document.getVersion() + 1, text);
    }

    /**
     * The {@link IrisLanguage#generation() generation} of the Iris files this model was parsed
     * with: the other files of the project as they were then.
     */
    public long generation() {
        return generation;
    }

    /** The parsed resource (with the project's other files in its resource set). */
    public XtextResource resource() {
        return resource;
    }

    /** The text this model was parsed from. */
    public String text() {
        return text;
    }

    /** Syntax and validation problems (errors, warnings and infos), in the order of the text. */
    public List<Problem> problems(CancelIndicator cancel) {
        List<Problem> problems = new ArrayList<>();
        for (Issue issue : injector.getInstance(IResourceValidator.class).validate(resource, CheckMode.ALL, cancel)) {
            if (issue.getSeverity() == Severity.IGNORE) {
                continue;
            }
            int offset = issue.getOffset() == null ? 0 : Math.min(issue.getOffset(), text.length());
            int length = issue.getLength() == null ? 0 : Math.min(issue.getLength(), text.length() - offset);
            problems.add(new Problem(new Region(offset, length), issue.getLineNumber() == null ? 1 : issue.getLineNumber(),
                    issue.getSeverity(), issue.getCode(), issue.getMessage(),
                    issue.getData() == null ? List.of() : Arrays.asList(issue.getData())));
        }
        problems.sort(Comparator.comparingInt(p -> p.region().offset()));
        return problems;
    }

    /** Names coloured by what they name (semantic highlighting). */
    public List<Highlight> highlights(CancelIndicator cancel) {
        List<Highlight> highlights = new ArrayList<>();
        injector.getInstance(ISemanticHighlightingCalculator.class).provideHighlightingFor(resource,
                (offset, length, styles) -> {
                    for (String style : styles) {
                        highlights.add(new Highlight(new Region(offset, length), style));
                    }
                }, cancel);
        return highlights;
    }

    /**
     * The proposals at {@code offset}, best first: keywords, names that may be referred to there
     * and templates of whole declarations, each matching the word typed before {@code offset}
     * case-insensitively. Each entry's {@link ContentAssistEntry#getPrefix() prefix} is that word:
     * the proposal replaces it.
     */
    public List<ContentAssistEntry> proposals(int offset) {
        ContentAssistContextFactory factory = injector.getInstance(ContentAssistContextFactory.class);
        factory.setPool(pool);
        ContentAssistContext[] contexts = factory.create(text, new TextRegion(offset, 0), offset, resource);
        IdeContentProposalAcceptor acceptor = injector.getInstance(IdeContentProposalAcceptor.class);
        injector.getInstance(IdeContentProposalProvider.class).createProposals(Arrays.asList(contexts), acceptor);
        // the contexts are computed in parallel: one at the word being typed, others after the
        // token before it; like an editor, keep what matches the word being typed, and replace it
        String prefix = Arrays.stream(contexts).map(ContentAssistContext::getPrefix)
                .max(Comparator.comparingInt(String::length)).orElse("");
        Map<String, ContentAssistEntry> unique = new LinkedHashMap<>();
        for (ContentAssistEntry entry : acceptor.getEntries()) {
            if (entry.getProposal().regionMatches(true, 0, prefix, 0, prefix.length())) {
                entry.setPrefix(prefix);
                unique.putIfAbsent(entry.getProposal(), entry);
            }
        }
        return List.copyOf(unique.values());
    }

    /** The outline: the system's declarations and what they contain. */
    public List<Symbol> outline(CancelIndicator cancel) {
        return injector.getInstance(HierarchicalDocumentSymbolService.class).getSymbols(resource, cancel).stream()
                .map(this::symbol).toList();
    }

    private Symbol symbol(DocumentSymbol s) {
        List<Symbol> children = s.getChildren() == null ? List.of() : s.getChildren().stream().map(this::symbol).toList();
        String kind = s.getDetail() == null || s.getDetail().isBlank() ? s.getKind().name().toLowerCase(Locale.ROOT)
                : s.getDetail();
        return new Symbol(s.getName(), kind, region(s.getRange()),
                region(s.getSelectionRange()), children);
    }

    /** The regions worth folding: declarations that span more than one line. */
    public List<Region> foldingRegions(CancelIndicator cancel) {
        List<Region> regions = new ArrayList<>();
        collectFolding(outline(cancel), regions);
        return regions;
    }

    private void collectFolding(List<Symbol> symbols, List<Region> into) {
        for (Symbol symbol : symbols) {
            Region r = symbol.range();
            if (text.substring(r.offset(), r.offset() + r.length()).indexOf('\n') >= 0) {
                into.add(r);
            }
            collectFolding(symbol.children(), into);
        }
    }

    /**
     * What a hover at {@code offset} shows: the kind and name of the element there (declared or
     * referred to) and its documentation comment, as Markdown; empty where there is no element.
     */
    public Optional<String> hover(int offset) {
        EObject element = injector.getInstance(EObjectAtOffsetHelper.class).resolveElementAt(resource, offset);
        if (element == null || element.eIsProxy()) {
            return Optional.empty();
        }
        String title = IrisSymbolKinds.word(element.eClass()) + " " + nameOf(element);
        String doc = injector.getInstance(HoverService.class).getContents(element);
        return Optional.of("**" + title.strip() + "**" + (doc == null || doc.isBlank() ? "" : "\n\n" + doc.strip()));
    }

    private static String nameOf(EObject element) {
        EStructuralFeature name = element.eClass().getEStructuralFeature("name");
        return name == null ? "" : String.valueOf(element.eGet(name));
    }

    /**
     * The declaration of the name referred to at {@code offset} (in this file or another of the
     * project), or of the name declared there; empty where there is no name.
     */
    public Optional<Target> declaration(int offset) {
        EObject target = namedAt(offset);
        if (target == null || !target.eResource().getURI().isFile()) {
            return Optional.empty();
        }
        ITextRegion region = injector.getInstance(ILocationInFileProvider.class).getSignificantTextRegion(target);
        return Optional.of(new Target(Path.of(target.eResource().getURI().toFileString()),
                new Region(region.getOffset(), region.getLength())));
    }

    /** The element referred to at {@code offset}, else the one declared there; null if none (or unresolved). */
    private EObject namedAt(int offset) {
        EObjectAtOffsetHelper helper = injector.getInstance(EObjectAtOffsetHelper.class);
        EObject target = helper.resolveCrossReferencedElementAt(resource, offset);
        if (target == null) {
            target = helper.getElementWithNameAt(resource, offset);
        }
        return target == null || target.eIsProxy() || target.eResource() == null ? null : target;
    }

    /** Whether {@code name} can name a declaration: a letter or _, then letters, digits or _. */
    public static boolean isName(String name) {
        return name.matches("[A-Za-z_][A-Za-z0-9_]*");
    }

    /** Every place in this file that names the same element as the name at {@code offset}. */
    public List<Region> occurrences(int offset) {
        return injector.getInstance(DefaultDocumentHighlightService.class).getDocumentHighlights(resource, offset).stream()
                .map(h -> region(h.getRange())).toList();
    }

    /**
     * The edits that rename the element named at {@code offset} (declared or referred to there)
     * to {@code newName}: its declaration and every reference in this file and the project's
     * other files, by file; empty if there is no element with a name at {@code offset}. A
     * qualified reference keeps its qualifier.
     *
     * @throws IllegalArgumentException if {@code newName} is not a name ({@code [A-Za-z_][A-Za-z0-9_]*})
     */
    public Map<Path, List<Edit>> rename(int offset, String newName) {
        if (!isName(newName)) {
            throw new IllegalArgumentException("'" + newName + "' is not a name: a letter or _, then letters, digits or _");
        }
        EObject target = namedAt(offset);
        if (target == null) {
            return Map.of();
        }
        String oldName = nameOf(target);
        Map<Path, List<Edit>> edits = new LinkedHashMap<>();
        ITextRegion declared = injector.getInstance(ILocationInFileProvider.class).getSignificantTextRegion(target);
        edits.computeIfAbsent(pathOf(target.eResource()), p -> new ArrayList<>())
                .add(new Edit(new Region(declared.getOffset(), declared.getLength()), newName));
        for (Resource r : List.copyOf(resource.getResourceSet().getResources())) {
            EcoreUtil.resolveAll(r);
        }
        for (var settings : EcoreUtil.UsageCrossReferencer.find(target, resource.getResourceSet())) {
            EObject owner = settings.getEObject();
            for (INode node : NodeModelUtils.findNodesForFeature(owner, settings.getEStructuralFeature())) {
                String written = NodeModelUtils.getTokenText(node);
                if (written.equals(oldName) || written.endsWith("." + oldName)) {
                    int at = node.getEndOffset() - oldName.length();
                    edits.computeIfAbsent(pathOf(owner.eResource()), p -> new ArrayList<>())
                            .add(new Edit(new Region(at, oldName.length()), newName));
                }
            }
        }
        edits.values().forEach(list -> list.sort(Comparator.comparingInt(e -> e.region().offset())));
        return edits;
    }

    /** A generated Java element that a rename follows into the Java code, and the name it gets. */
    public record JavaRename(GeneratedNames.JavaName element, String newName) {
    }

    /**
     * The generated Java elements named after the element named at {@code offset}, each with the
     * name it gets when the element is renamed to {@code newName} ({@link GeneratedNames}): what a
     * rename must follow into the handlers and main classes; empty if nothing there names Java.
     */
    public List<JavaRename> javaRenames(int offset, String newName) {
        EObject target = namedAt(offset);
        if (target == null) {
            return List.of();
        }
        List<GeneratedNames.JavaName> before = GeneratedNames.of(target, nameOf(target));
        List<GeneratedNames.JavaName> after = GeneratedNames.of(target, newName);
        List<JavaRename> renames = new ArrayList<>();
        for (int i = 0; i < before.size(); i++) {
            if (!before.get(i).equals(after.get(i))) {
                renames.add(new JavaRename(before.get(i), after.get(i).simpleName()));
            }
        }
        return renames;
    }

    private static Path pathOf(Resource r) {
        return Path.of(r.getURI().toFileString());
    }

    /** The edits that format the whole text (indent by four spaces), in the order of the text. */
    public List<Edit> format() {
        return injector.getInstance(FormattingService.class)
                .format(resource, document, 0, text.length(), new FormattingOptions(4, true)).stream()
                .map(e -> new Edit(region(e.getRange()), e.getNewText())).toList();
    }

    /** The quick fixes the language offers for {@code problem} (none for most problems). */
    public List<Fix> fixes(Problem problem) {
        if (problem.code() == null) {
            return List.of();
        }
        Diagnostic diagnostic = new Diagnostic(range(problem.region()), problem.message(), DiagnosticSeverity.Error,
                "iris", problem.code());
        diagnostic.setData(problem.data().toArray(String[]::new));
        String uri = resource.getURI().toString();
        ICodeActionService2.Options options = new ICodeActionService2.Options();
        options.setDocument(document);
        options.setResource(resource);
        options.setURI(uri);
        options.setCancelIndicator(CancelIndicator.NullImpl);
        options.setCodeActionParams(new CodeActionParams(new TextDocumentIdentifier(uri), diagnostic.getRange(),
                new CodeActionContext(List.of(diagnostic))));
        ICodeActionService2 service = injector.getInstance(ICodeActionService2.class);
        List<Fix> fixes = new ArrayList<>();
        for (var action : service.getCodeActions(options)) {
            if (action.isRight() && action.getRight().getEdit() != null) {
                List<Edit> edits = action.getRight().getEdit().getChanges().getOrDefault(uri, List.of()).stream()
                        .map(e -> new Edit(region(e.getRange()), e.getNewText())).toList();
                fixes.add(new Fix(action.getRight().getTitle(), edits));
            }
        }
        return fixes;
    }

    private Range range(Region region) {
        return new Range(document.getPosition(region.offset()), document.getPosition(region.offset() + region.length()));
    }

    private Region region(Range range) {
        int start = document.getOffSet(range.getStart());
        return new Region(start, document.getOffSet(range.getEnd()) - start);
    }
}
