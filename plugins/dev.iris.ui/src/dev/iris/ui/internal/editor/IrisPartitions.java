package dev.iris.ui.internal.editor;

import org.eclipse.core.filebuffers.IDocumentSetupParticipant;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.IDocumentExtension3;
import org.eclipse.jface.text.rules.EndOfLineRule;
import org.eclipse.jface.text.rules.FastPartitioner;
import org.eclipse.jface.text.rules.IPredicateRule;
import org.eclipse.jface.text.rules.MultiLineRule;
import org.eclipse.jface.text.rules.RuleBasedPartitionScanner;
import org.eclipse.jface.text.rules.Token;

/**
 * Splits an Iris document into code, comments, documentation comments and strings (the tokens of
 * Xtext's common terminals that may span lines or contain keywords), so that the code scanner
 * only sees code and damage stays within a partition. Installed on every Iris document by the
 * file buffers ({@code org.eclipse.core.filebuffers.documentSetup}).
 */
public final class IrisPartitions implements IDocumentSetupParticipant {
    /** The partitioning's id. */
    public static final String PARTITIONING = "__iris_partitioning";
    /** {@code // ...} and {@code /* ... *}{@code /}. */
    public static final String COMMENT = "__iris_comment";
    /** {@code /** ... *}{@code /}: documentation shown by hovers. */
    public static final String DOC = "__iris_doc";
    /** {@code "..."} and {@code '...'}. */
    public static final String STRING = "__iris_string";
    /** Every content type, code first. */
    public static final String[] TYPES = {IDocument.DEFAULT_CONTENT_TYPE, COMMENT, DOC, STRING};

    @Override
    public void setup(IDocument document) {
        if (document instanceof IDocumentExtension3 extension && extension.getDocumentPartitioner(PARTITIONING) == null) {
            FastPartitioner partitioner = new FastPartitioner(scanner(), new String[] {COMMENT, DOC, STRING});
            extension.setDocumentPartitioner(PARTITIONING, partitioner);
            partitioner.connect(document);
        }
    }

    private static RuleBasedPartitionScanner scanner() {
        RuleBasedPartitionScanner scanner = new RuleBasedPartitionScanner();
        Token comment = new Token(COMMENT);
        Token string = new Token(STRING);
        scanner.setPredicateRules(new IPredicateRule[] {
            new EndOfLineRule("//", comment),
            new MultiLineRule("/**", "*/", new Token(DOC), (char) 0, true),
            new MultiLineRule("/*", "*/", comment, (char) 0, true),
            new MultiLineRule("\"", "\"", string, '\\', true),
            new MultiLineRule("'", "'", string, '\\', true)
        });
        return scanner;
    }
}
