package dev.iris.dsl.ide.quickfix;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import dev.iris.dsl.validation.IrisValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.xtext.ide.server.codeActions.ICodeActionService2;

/**
 * Quick fixes for Iris problems, offered as LSP code actions (the Eclipse editor uses the same
 * service). The validator puts the replacement text into the issue data, so a fix rewrites exactly
 * the text the diagnostic marks without looking at the document again:
 * <ul>
 * <li>{@code sizedArrayInMessage}: {@code long[8]} becomes {@code long[]};
 * <li>{@code zeroCount}: {@code [0]} becomes {@code [1]};
 * <li>{@code pageSize}: the nearest power of two between 512 and 1 MiB;
 * <li>{@code duplicateWellKnownId}: an id no group of the system uses.
 * </ul>
 */
public class IrisCodeActions implements ICodeActionService2 {
    @Override
    public List<Either<Command, CodeAction>> getCodeActions(Options options) {
        List<Either<Command, CodeAction>> actions = new ArrayList<>();
        String uri = options.getCodeActionParams().getTextDocument().getUri();
        for (Diagnostic d : options.getCodeActionParams().getContext().getDiagnostics()) {
            String code = d.getCode() == null ? null : d.getCode().getLeft();
            String replacement = firstData(d);
            if (code == null || replacement == null) {
                continue;
            }
            String title = switch (code) {
                case IrisValidator.SIZED_ARRAY_IN_MESSAGE -> "Remove the array size";
                case IrisValidator.ZERO_COUNT -> "Change the count to " + replacement;
                case IrisValidator.PAGE_SIZE -> "Change the page size to " + replacement;
                case IrisValidator.DUPLICATE_WELL_KNOWN_ID -> "Change the well-known id to " + replacement;
                default -> null;
            };
            if (title != null) {
                CodeAction action = new CodeAction(title);
                action.setKind(CodeActionKind.QuickFix);
                action.setDiagnostics(List.of(d));
                action.setEdit(new WorkspaceEdit(Map.of(uri, List.of(new TextEdit(d.getRange(), replacement)))));
                actions.add(Either.forRight(action));
            }
        }
        return actions;
    }

    /** The first issue data string of a diagnostic (as the language server passes it on), or null. */
    private static String firstData(Diagnostic d) {
        Object data = d.getData();
        if (data instanceof String[] strings && strings.length > 0) {
            return strings[0];
        }
        if (data instanceof JsonArray array && !array.isEmpty() && array.get(0).isJsonPrimitive()) {
            return array.get(0).getAsString();
        }
        if (data instanceof JsonElement e && e.isJsonPrimitive()) {
            return e.getAsString();
        }
        if (data instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof String s) {
            return s;
        }
        return null;
    }
}
