package dev.iris.dsl.ide.server;

import dev.iris.dsl.ide.highlighting.IrisHighlighting;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.eclipse.lsp4j.SemanticTokenTypes;
import org.eclipse.lsp4j.SemanticTokens;
import org.eclipse.xtext.ide.editor.syntaxcoloring.ISemanticHighlightingCalculator;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.util.CancelIndicator;

/**
 * The semantic tokens of the language server: Iris highlighting styles as LSP token types (the
 * same choice as the symbol kinds: a message is a struct, a process a class, ...), encoded as LSP
 * wants them (relative lines and columns in UTF-16 units, one token per name).
 */
final class IrisSemanticTokens {
    private static final Map<String, String> BY_STYLE = Map.of(IrisHighlighting.MESSAGE, SemanticTokenTypes.Struct,
            IrisHighlighting.GROUP, SemanticTokenTypes.Interface, IrisHighlighting.SHARED, SemanticTokenTypes.Variable,
            IrisHighlighting.PROCESS, SemanticTokenTypes.Class, IrisHighlighting.CLUSTER, SemanticTokenTypes.Namespace,
            IrisHighlighting.NODE, SemanticTokenTypes.Property, IrisHighlighting.HEAP, SemanticTokenTypes.Variable,
            IrisHighlighting.OBJECT, SemanticTokenTypes.Struct);

    /** The token types the server advertises; a token's type is its index here. */
    static final List<String> LEGEND = BY_STYLE.values().stream().distinct().sorted().toList();

    private IrisSemanticTokens() {
    }

    private record Token(int offset, int length, int type) {
    }

    /** The tokens of the positions {@code calculator} highlights in {@code resource}, whose text is {@code text}. */
    static SemanticTokens encode(String text, ISemanticHighlightingCalculator calculator, XtextResource resource,
            CancelIndicator cancel) {
        List<Token> tokens = new ArrayList<>();
        if (calculator != null && resource != null) {
            calculator.provideHighlightingFor(resource, (offset, length, styles) -> {
                for (String style : styles) {
                    String type = BY_STYLE.get(style);
                    if (type != null && length > 0) {
                        tokens.add(new Token(offset, length, LEGEND.indexOf(type)));
                        return;
                    }
                }
            }, cancel);
        }
        tokens.sort(Comparator.comparingInt(Token::offset));
        List<Integer> data = new ArrayList<>();
        int line = 0, lineStart = 0, scanned = 0; // where the text has been read to
        int previousLine = 0, previousColumn = 0, end = 0; // the token before
        for (Token token : tokens) {
            if (token.offset() < end) {
                continue; // overlaps the previous one
            }
            for (; scanned < token.offset(); scanned++) {
                if (text.charAt(scanned) == '\n') {
                    line++;
                    lineStart = scanned + 1;
                }
            }
            int column = token.offset() - lineStart;
            data.addAll(List.of(line - previousLine, line == previousLine ? column - previousColumn : column,
                    token.length(), token.type(), 0));
            previousLine = line;
            previousColumn = column;
            end = token.offset() + token.length();
        }
        return new SemanticTokens(data);
    }
}
