package dev.iris.dsl.ide.quickfix;

import static org.eclipse.xtext.diagnostics.Diagnostic.LINKING_DIAGNOSTIC;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.inject.Inject;
import dev.iris.dsl.iris.Heap;
import dev.iris.dsl.iris.IrisPackage.Literals;
import dev.iris.dsl.iris.IrisSystem;
import dev.iris.dsl.iris.Message;
import dev.iris.dsl.validation.IrisValidator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.eclipse.emf.ecore.EClass;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.EReference;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.xtext.CrossReference;
import org.eclipse.xtext.EcoreUtil2;
import org.eclipse.xtext.GrammarUtil;
import org.eclipse.xtext.ide.server.Document;
import org.eclipse.xtext.ide.server.codeActions.ICodeActionService2;
import org.eclipse.xtext.naming.IQualifiedNameConverter;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.eclipse.xtext.resource.IEObjectDescription;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.scoping.IScopeProvider;

/**
 * Quick fixes for Iris problems, offered as LSP code actions (the Eclipse editor uses the same
 * service). The validator puts the replacement text into the issue data, so a fix rewrites exactly
 * the text the diagnostic marks without looking at the document again:
 * <ul>
 * <li>{@code sizedArrayInMessage}: {@code long[8]} becomes {@code long[]};
 * <li>{@code zeroCount}: {@code [0]} becomes {@code [1]};
 * <li>{@code pageSize}: the nearest power of two between 512 and 1 MiB;
 * <li>{@code duplicateWellKnownId}: an id no group of the system uses;
 * <li>{@code heapSize}: the least size a heap needs at the cluster's page size, in the unit written.
 * </ul>
 * A reference to a name that does not resolve (Xtext's linking diagnostic) gets "Change to"
 * the few in-scope names of the reference's type nearest by edit distance, and "Create" a
 * declaration of that name, inserted after the system's last declaration of its kind.
 */
public class IrisCodeActions implements ICodeActionService2 {
    private static final int MAX_NAMES = 3;

    @Inject
    private IScopeProvider scopes;

    @Inject
    private IQualifiedNameConverter names;

    @Override
    public List<Either<Command, CodeAction>> getCodeActions(Options options) {
        List<Either<Command, CodeAction>> actions = new ArrayList<>();
        String uri = options.getCodeActionParams().getTextDocument().getUri();
        for (Diagnostic d : options.getCodeActionParams().getContext().getDiagnostics()) {
            String code = d.getCode() == null ? null : d.getCode().getLeft();
            if (LINKING_DIAGNOSTIC.equals(code)) {
                BiConsumer<String, TextEdit> fixes = (title, edit) -> actions.add(action(title, d, uri, edit));
                if (options.getResource() instanceof XtextResource resource) { // the Eclipse editor gives them
                    unresolved(resource, options.getDocument(), d, fixes);
                } else if (options.getLanguageServerAccess() != null) { // the language server does not
                    options.getLanguageServerAccess().doSyncRead(uri, context -> {
                        if (context.getResource() instanceof XtextResource resource) {
                            unresolved(resource, context.getDocument(), d, fixes);
                        }
                        return null;
                    });
                }
                continue;
            }
            String replacement = firstData(d);
            if (code == null || replacement == null) {
                continue;
            }
            String title = switch (code) {
                case IrisValidator.SIZED_ARRAY_IN_MESSAGE -> "Remove the array size";
                case IrisValidator.ZERO_COUNT -> "Change the count to " + replacement;
                case IrisValidator.PAGE_SIZE -> "Change the page size to " + replacement;
                case IrisValidator.DUPLICATE_WELL_KNOWN_ID -> "Change the well-known id to " + replacement;
                case IrisValidator.HEAP_SIZE -> "Change the heap size to " + data(d, 1);
                default -> null;
            };
            if (title != null) {
                actions.add(action(title, d, uri, new TextEdit(d.getRange(), replacement)));
            }
        }
        return actions;
    }

    private static Either<Command, CodeAction> action(String title, Diagnostic d, String uri, TextEdit edit) {
        CodeAction action = new CodeAction(title);
        action.setKind(CodeActionKind.QuickFix);
        action.setDiagnostics(List.of(d));
        action.setEdit(new WorkspaceEdit(Map.of(uri, List.of(edit))));
        return Either.forRight(action);
    }

    /** An in-scope name and its distance from what was written. */
    private record Near(String name, int distance) {
    }

    /** "Change to" the nearest names of the unresolved reference's type, and "Create" its declaration. */
    private void unresolved(XtextResource resource, Document document, Diagnostic d, BiConsumer<String, TextEdit> fixes) {
        int offset = document.getOffSet(d.getRange().getStart());
        INode node = NodeModelUtils.findLeafNodeAtOffset(resource.getParseResult().getRootNode(), offset);
        while (node != null && !(node.getGrammarElement() instanceof CrossReference)) {
            node = node.getParent();
        }
        if (node == null) {
            return;
        }
        CrossReference crossReference = (CrossReference) node.getGrammarElement();
        EObject owner = NodeModelUtils.findActualSemanticObjectFor(node);
        EReference reference = (EReference) owner.eClass()
                .getEStructuralFeature(GrammarUtil.containingAssignment(crossReference).getFeature());
        String written = NodeModelUtils.getTokenText(node);
        // an element may be in scope by several names (simple and qualified): keep its nearest
        Map<EObject, Near> nearest = new HashMap<>();
        for (IEObjectDescription candidate : scopes.getScope(owner, reference).getAllElements()) {
            String name = names.toString(candidate.getName());
            int distance = distance(written.toLowerCase(), name.toLowerCase());
            if (distance <= (written.length() + 2) / 3) {
                nearest.merge(candidate.getEObjectOrProxy(), new Near(name, distance),
                        (a, b) -> b.distance() < a.distance() ? b : a);
            }
        }
        nearest.values().stream().sorted(Comparator.comparingInt(Near::distance).thenComparing(Near::name))
                .limit(MAX_NAMES)
                .forEach(n -> fixes.accept("Change to '" + n.name() + "'", new TextEdit(d.getRange(), n.name())));
        EClass type = reference.getEReferenceType();
        IrisSystem system = EcoreUtil2.getContainerOfType(owner, IrisSystem.class);
        if (type == Literals.DATA_TYPE) { // a field's type: a message in a message, else a heap object type
            type = owner.eContainer() != null && owner.eContainer().eContainer() instanceof Message ? Literals.MESSAGE
                    : Literals.OBJECT_TYPE;
        }
        // an object type is created in the system's first heap; without one, it is not offered
        Heap heap = system == null ? null
                : EcoreUtil2.typeSelect(system.getElements(), Heap.class).stream().findFirst().orElse(null);
        String keyword = type == Literals.MESSAGE ? "message" : type == Literals.GROUP ? "group"
                : type == Literals.PROCESS ? "process" : type == Literals.SHARED_OBJECT ? "shared"
                : type == Literals.HEAP ? "heap" : type == Literals.OBJECT_TYPE && heap != null ? "object" : null;
        if (keyword != null && written.matches("[A-Za-z_]\\w*")) {
            EClass kind = type;
            EObject after = system.getElements().stream().filter(kind::isInstance).reduce((a, b) -> b)
                    .or(() -> system.getElements().stream().reduce((a, b) -> b)).map(EObject.class::cast).orElse(system);
            var end = document.getPosition(NodeModelUtils.getNode(after).getEndOffset());
            String declaration = keyword + " " + written + (type == Literals.GROUP ? ""
                    : type == Literals.HEAP ? " size 1 MiB"
                    : type == Literals.OBJECT_TYPE ? " in " + heap.getName() + " { }" : " { }");
            String what = type == Literals.SHARED_OBJECT ? "shared object"
                    : type == Literals.OBJECT_TYPE ? "object type" : keyword;
            fixes.accept("Create " + what + " '" + written + "'", new TextEdit(new Range(end, end), "\n\n" + declaration));
        }
    }

    /** The Levenshtein distance of two strings. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** The first issue data string of a diagnostic (as the language server passes it on), or null. */
    private static String firstData(Diagnostic d) {
        return data(d, 0);
    }

    /** Issue data string {@code i} of a diagnostic, or null. */
    private static String data(Diagnostic d, int i) {
        Object data = d.getData();
        if (data instanceof String[] strings && strings.length > i) {
            return strings[i];
        }
        if (data instanceof JsonArray array && array.size() > i && array.get(i).isJsonPrimitive()) {
            return array.get(i).getAsString();
        }
        if (data instanceof JsonElement e && e.isJsonPrimitive() && i == 0) {
            return e.getAsString();
        }
        if (data instanceof List<?> list && list.size() > i && list.get(i) instanceof String s) {
            return s;
        }
        return null;
    }
}
