package dev.iris.dsl.ide.server;

import java.nio.file.Path;
import org.eclipse.emf.common.util.URI;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.xtext.ide.server.BuildManager.Buildable;
import org.eclipse.xtext.ide.server.Document;
import org.eclipse.xtext.ide.server.WorkspaceManager;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.util.CancelIndicator;
import org.eclipse.xtext.util.ITextRegion;
import org.eclipse.xtext.util.TextRegion;
import org.eclipse.xtext.validation.Issue;
import org.eclipse.xtext.xbase.lib.Procedures.Procedure2;

/**
 * Xtext's workspace whose documents take any position a client sends: as LSP says, a character
 * past the end of its line means the line's end, and a line past the end of the document means the
 * document's end. Xtext's own documents throw there (every request answered "Internal error") and
 * put the whole text into the message that is logged.
 */
class IrisWorkspaceManager extends WorkspaceManager {
    /**
     * A client that opens no folder sends no root ({@code rootUri} null, LSP allows it); Xtext then
     * failed every request with "Internal error". The server's working directory, where such a
     * client starts it, is the workspace instead.
     */
    @Override
    public void initialize(URI baseDir, Procedure2<? super URI, ? super Iterable<Issue>> issueAcceptor,
            CancelIndicator cancelIndicator) {
        super.initialize(baseDir != null ? baseDir
                : URI.createFileURI(Path.of("").toAbsolutePath().toString()).appendSegment(""), issueAcceptor,
                cancelIndicator);
    }

    @Override
    public Buildable didOpen(URI uri, Integer version, String contents) {
        Buildable build = super.didOpen(uri, version, contents);
        getOpenDocuments().put(uri, new ClampedDocument(version, contents));
        return build;
    }

    @Override
    protected Document getDocument(XtextResource resource) {
        Document document = super.getDocument(resource);
        return document instanceof ClampedDocument ? document
                : new ClampedDocument(document.getVersion(), document.getContents());
    }

    /** A document that clamps positions; its changes are such documents too. */
    static final class ClampedDocument extends Document {
        ClampedDocument(Integer version, String contents) {
            super(version, contents, false); // false: errors do not quote the text
        }

        @Override
        public int getOffSet(Position position) {
            String text = getContents();
            int start = 0;
            for (int line = 0; line < position.getLine(); line++) {
                int next = text.indexOf('\n', start);
                if (next < 0) {
                    return text.length();
                }
                start = next + 1;
            }
            int end = text.indexOf('\n', start);
            end = end < 0 ? text.length() : end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            return start + Math.clamp(position.getCharacter(), 0, end - start);
        }

        @Override
        public ITextRegion getTextRegion(Range range) {
            int start = getOffSet(range.getStart());
            return new TextRegion(start, Math.max(0, getOffSet(range.getEnd()) - start));
        }

        @Override
        public String getLineContent(int lineNumber) {
            return lineNumber < getLineCount() ? super.getLineContent(Math.max(0, lineNumber)) : "";
        }

        @Override
        public Document applyTextDocumentChanges(Iterable<? extends TextDocumentContentChangeEvent> changes) {
            Integer version = getVersion() == null ? null : getVersion() + 1;
            ClampedDocument document = this;
            for (TextDocumentContentChangeEvent change : changes) {
                String text = change.getText();
                if (change.getRange() != null) {
                    String old = document.getContents();
                    ITextRegion region = document.getTextRegion(change.getRange());
                    text = old.substring(0, region.getOffset()) + text + old.substring(region.getEndOffset());
                }
                document = new ClampedDocument(version, text);
            }
            return document;
        }
    }
}
