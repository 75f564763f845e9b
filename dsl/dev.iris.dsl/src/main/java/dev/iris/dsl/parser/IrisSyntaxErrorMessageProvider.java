package dev.iris.dsl.parser;

import org.eclipse.xtext.nodemodel.SyntaxErrorMessage;
import org.eclipse.xtext.parser.antlr.SyntaxErrorMessageProvider;

/** Syntax errors in words a user knows: "a number" rather than ANTLR's "RULE_INT". */
public class IrisSyntaxErrorMessageProvider extends SyntaxErrorMessageProvider {
    @Override
    public SyntaxErrorMessage getSyntaxErrorMessage(IParserErrorContext context) {
        SyntaxErrorMessage message = super.getSyntaxErrorMessage(context);
        return new SyntaxErrorMessage(readable(message.getMessage()), message.getIssueCode(), message.getIssueData());
    }

    /** Replaces the lexer's token names in a parser message. */
    static String readable(String message) {
        return message == null ? null : message
                .replace("RULE_INT", "a number")
                .replace("RULE_ID", "a name")
                .replace("RULE_STRING", "a string in quotes")
                .replace("EOF", "the end of the file");
    }
}
