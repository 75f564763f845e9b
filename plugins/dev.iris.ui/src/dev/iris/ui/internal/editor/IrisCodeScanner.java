package dev.iris.ui.internal.editor;

import dev.iris.dsl.parser.antlr.internal.InternalIrisParser;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jface.text.rules.IRule;
import org.eclipse.jface.text.rules.IWordDetector;
import org.eclipse.jface.text.rules.NumberRule;
import org.eclipse.jface.text.rules.RuleBasedScanner;
import org.eclipse.jface.text.rules.Token;
import org.eclipse.jface.text.rules.WhitespaceRule;
import org.eclipse.jface.text.rules.WordRule;

/**
 * Colours the code partitions of an Iris document: the language's keywords (taken from its
 * generated parser, so they are always the grammar's) and numbers. Names are coloured by the
 * semantic highlighting that the reconciler computes.
 */
final class IrisCodeScanner extends RuleBasedScanner {
    /** The grammar's keywords that are words ({@code system}, {@code message}, ...). */
    static final List<String> KEYWORDS = Arrays.stream(InternalIrisParser.tokenNames)
            .filter(t -> t.length() > 2 && t.startsWith("'") && t.endsWith("'"))
            .map(t -> t.substring(1, t.length() - 1))
            .filter(k -> Character.isJavaIdentifierStart(k.charAt(0)))
            .sorted().toList();

    IrisCodeScanner(IrisColors colors) {
        WordRule words = new WordRule(new IWordDetector() {
            @Override
            public boolean isWordStart(char c) {
                return Character.isJavaIdentifierStart(c);
            }

            @Override
            public boolean isWordPart(char c) {
                return Character.isJavaIdentifierPart(c);
            }
        }, Token.UNDEFINED);
        Token keyword = colors.token(IrisColors.KEYWORD);
        KEYWORDS.forEach(k -> words.addWord(k, keyword));
        setRules(new IRule[] {
            new WhitespaceRule(Character::isWhitespace),
            words,
            new NumberRule(colors.token(IrisColors.NUMBER))
        });
    }
}
