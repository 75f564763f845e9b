package dev.iris.ui.internal.editor;

import dev.iris.core.IrisLanguage;
import dev.iris.core.IrisModel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jface.text.DocumentEvent;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.IDocumentExtension4;
import org.eclipse.jface.text.IDocumentListener;

/**
 * A model that follows a document: the document's edits are recorded as they happen (UI thread)
 * and applied to the model when it is next used, so that only the parts of the text around them
 * are parsed again. The model is parsed anew when edits are missing, when the partial result does
 * not match the document, or when another {@code .iris} file changed
 * ({@link IrisLanguage#generation()}).
 *
 * <p>Threading: {@link #compute} runs its work under this object's lock, in the caller's thread.
 */
final class LiveModel {
    /** An edit and the document's modification stamps before and after it. */
    private record Edit(long before, long after, int offset, int length, String text) {
    }

    /** Records every edit of a document; several live models of one document share it. */
    static final class EditLog implements IDocumentListener {
        private final List<Edit> edits = new ArrayList<>();
        private long before;

        @Override
        public void documentAboutToBeChanged(DocumentEvent event) {
            before = stamp(event.getDocument());
        }

        @Override
        public synchronized void documentChanged(DocumentEvent event) {
            edits.add(new Edit(before, event.getModificationStamp(), event.getOffset(), event.getLength(),
                    event.getText() == null ? "" : event.getText()));
            if (edits.size() > 10_000) {
                edits.subList(0, 5_000).clear(); // a model that far behind is parsed anew
            }
        }

        /** The edits that lead from stamp {@code from} to {@code to}, in order; null if some are missing. */
        synchronized List<Edit> between(long from, long to) {
            List<Edit> path = new ArrayList<>();
            long at = from;
            for (Edit e : edits) {
                if (at == to) {
                    break;
                }
                if (e.before() == at) {
                    path.add(e);
                    at = e.after();
                }
            }
            return at == to ? path : null;
        }
    }

    private final EditLog log;
    private final Supplier<String> name;
    private final Function<String, IrisModel> parser;
    private IrisModel model;
    private long stamp = IDocumentExtension4.UNKNOWN_MODIFICATION_STAMP;

    /** A live model of a document whose edits {@code log} records; {@code parser} parses a whole text. */
    LiveModel(EditLog log, Supplier<String> name, Function<String, IrisModel> parser) {
        this.log = log;
        this.name = name;
        this.parser = parser;
    }

    static long stamp(IDocument document) {
        return ((IDocumentExtension4) document).getModificationStamp();
    }

    /** Runs {@code work} on the model of the document's current text, and the text's stamp. */
    synchronized <T> T compute(IDocument document, BiFunction<IrisModel, Long, T> work) {
        long now;
        String text;
        while (true) { // the text and its stamp, read again if an edit came in between
            now = stamp(document);
            text = document.get();
            if (stamp(document) == now) {
                break;
            }
        }
        if (model == null || model.generation() != IrisLanguage.get().generation() || !advance(now, text)) {
            model = parser.apply(text);
        }
        stamp = now;
        return work.apply(model, now);
    }

    /** Applies the recorded edits since the model's stamp; false if that does not give {@code text}. */
    private boolean advance(long now, String text) {
        if (stamp == now) {
            return model.text().equals(text);
        }
        List<Edit> edits = log.between(stamp, now);
        if (edits == null) {
            return false;
        }
        try {
            for (Edit e : edits) {
                model.update(e.offset(), e.length(), e.text());
            }
        } catch (RuntimeException e) {
            System.getLogger(LiveModel.class.getName()).log(System.Logger.Level.DEBUG,
                    "partial parse of " + name.get() + " failed, parsing anew", e);
            return false;
        }
        return model.text().equals(text);
    }
}
