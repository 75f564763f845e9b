package dev.iris.dsl.ide.contentassist;

import com.google.inject.Inject;
import dev.iris.dsl.ide.symbols.IrisSymbolKinds;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemKind;
import org.eclipse.lsp4j.InsertTextFormat;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.SymbolKind;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistEntry;
import org.eclipse.xtext.ide.server.Document;
import org.eclipse.xtext.ide.server.contentassist.ContentAssistService;
import org.eclipse.xtext.resource.IEObjectDescription;
import org.eclipse.xtext.util.TextRegion;

/**
 * Completion in the language server: a template (an entry with parts to fill in) is of kind
 * Snippet; for clients that take snippets its parts become an LSP snippet ({@code ${1:Name}}, the
 * cursor {@code $0}), so that editors step through them, and other clients get its plain text.
 * In-process editors read the same entries' edit positions directly. A name gets the kind of what
 * it names, as in the outline ({@link IrisSymbolKinds}): a message a Struct, a process a Class.
 */
public class IrisContentAssistService extends ContentAssistService {
    @Inject
    private ClientSnippets snippets;

    @Override
    protected CompletionItem toCompletionItem(ContentAssistEntry entry, int caretOffset, Position caretPosition,
            Document document) {
        CompletionItem item = super.toCompletionItem(entry, caretOffset, caretPosition, document);
        if (entry.getSource() instanceof IEObjectDescription named) {
            item.setKind(kind(IrisSymbolKinds.kind(named.getEClass())));
        }
        if (!entry.getEditPositions().isEmpty()) {
            item.setKind(CompletionItemKind.Snippet);
            if (snippets.supported() && item.getTextEdit() != null && item.getTextEdit().isLeft()) {
                item.getTextEdit().getLeft().setNewText(snippet(entry, caretOffset - entry.getPrefix().length()));
                item.setInsertTextFormat(InsertTextFormat.Snippet);
            } else {
                item.setInsertTextFormat(InsertTextFormat.PlainText);
            }
        }
        return item;
    }

    /** The completion kind that shows the same icon as the symbol kind {@code symbol}. */
    private static CompletionItemKind kind(SymbolKind symbol) {
        return switch (symbol) {
            case Struct -> CompletionItemKind.Struct;
            case Class -> CompletionItemKind.Class;
            case Interface -> CompletionItemKind.Interface;
            case Module, Package -> CompletionItemKind.Module;
            case Field -> CompletionItemKind.Field;
            case Variable, Object -> CompletionItemKind.Variable;
            default -> CompletionItemKind.Reference;
        };
    }

    /** The proposal in LSP snippet syntax; edit positions are document offsets, {@code start} where it goes. */
    static String snippet(ContentAssistEntry entry, int start) {
        String text = entry.getProposal();
        StringBuilder out = new StringBuilder();
        int at = 0;
        int number = 1;
        for (TextRegion region : entry.getEditPositions()) {
            int from = region.getOffset() - start;
            out.append(escape(text.substring(at, from))).append("${").append(number++).append(':')
                    .append(escape(text.substring(from, from + region.getLength()))).append('}');
            at = from + region.getLength();
        }
        Integer cursor = entry.getEscapePosition();
        int end = cursor == null ? text.length() : Math.max(at, Math.min(text.length(), cursor - start));
        out.append(escape(text.substring(at, end))).append("$0").append(escape(text.substring(end)));
        return out.toString();
    }

    private static String escape(String plain) {
        return plain.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}");
    }
}
