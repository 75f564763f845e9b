package dev.iris.dsl.formatting2;

import dev.iris.dsl.iris.Cluster;
import dev.iris.dsl.iris.Element;
import dev.iris.dsl.iris.Field;
import dev.iris.dsl.iris.Group;
import dev.iris.dsl.iris.Heap;
import dev.iris.dsl.iris.Import;
import dev.iris.dsl.iris.IrisPackage.Literals;
import dev.iris.dsl.iris.IrisSystem;
import dev.iris.dsl.iris.Message;
import dev.iris.dsl.iris.Node;
import dev.iris.dsl.iris.ObjectType;
import dev.iris.dsl.iris.Process;
import dev.iris.dsl.iris.SharedObject;
import java.util.List;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.xtext.formatting2.AbstractJavaFormatter;
import org.eclipse.xtext.formatting2.IFormattableDocument;
import org.eclipse.xtext.formatting2.regionaccess.ISemanticRegion;
import org.eclipse.xtext.formatting2.regionaccess.ISemanticRegionsFinder;

/**
 * The Iris layout: one declaration after another with a blank line between them, a block's
 * content indented one level with one entry per line, single spaces between words, none before a
 * comma or inside brackets. An empty block stays on one line ({@code message Ping { }}).
 */
public class IrisFormatter extends AbstractJavaFormatter {

    protected void format(IrisSystem system, IFormattableDocument doc) {
        ISemanticRegionsFinder r = textRegionExtensions.regionFor(system);
        ISemanticRegion keyword = r.keyword("system");
        if (!keyword.getPreviousHiddenRegion().containsComment()) {
            doc.prepend(keyword, it -> it.noSpace()); // line 1 starts with it
        }
        doc.append(keyword, it -> it.oneSpace());
        for (Import i : system.getImports()) {
            doc.prepend(i, it -> it.setNewLines(1, 1, 2));
            doc.append(textRegionExtensions.regionFor(i).keyword("import"), it -> it.oneSpace());
        }
        for (Element element : system.getElements()) {
            doc.prepend(element, it -> it.setNewLines(2));
            doc.format(element);
        }
        doc.append(system, it -> it.setNewLines(1));
    }

    protected void format(Message message, IFormattableDocument doc) {
        words(message, doc, "message", "returns");
        block(message, message.getFields(), doc);
    }

    protected void format(SharedObject shared, IFormattableDocument doc) {
        words(shared, doc, "shared", "consistency", "home");
        brackets(shared, doc);
        block(shared, shared.getFields(), doc);
    }

    protected void format(Heap heap, IFormattableDocument doc) {
        words(heap, doc, "heap", "size", "consistency");
        doc.prepend(textRegionExtensions.regionFor(heap).feature(Literals.HEAP__UNIT), it -> it.oneSpace());
    }

    protected void format(ObjectType type, IFormattableDocument doc) {
        words(type, doc, "object", "in", "own", "pages");
        block(type, type.getFields(), doc);
    }

    protected void format(Field field, IFormattableDocument doc) {
        ISemanticRegionsFinder r = textRegionExtensions.regionFor(field);
        doc.append(r.keyword("atomic"), it -> it.oneSpace());
        doc.append(field.getType(), it -> it.oneSpace());
        brackets(field.getType(), doc);
    }

    protected void format(Group group, IFormattableDocument doc) {
        words(group, doc, "local", "group", "=");
    }

    protected void format(Process process, IFormattableDocument doc) {
        words(process, doc, "process");
        brackets(process, doc);
        ISemanticRegionsFinder r = textRegionExtensions.regionFor(process);
        ISemanticRegion open = r.keyword("{");
        ISemanticRegion close = r.keyword("}");
        List<ISemanticRegion> clauses = r.keywords("joins", "handles", "uses", "nonblocking");
        doc.prepend(open, it -> it.oneSpace());
        doc.interior(open, close, it -> it.indent());
        for (ISemanticRegion clause : clauses) {
            doc.prepend(clause, it -> it.newLine());
            if (!clause.getText().equals("nonblocking")) { // a flag: the next clause or the brace follows on a new line
                doc.append(clause, it -> it.oneSpace());
            }
        }
        commas(r, doc);
        doc.prepend(close, clauses.isEmpty() ? it -> it.oneSpace() : it -> it.newLine());
    }

    protected void format(Cluster cluster, IFormattableDocument doc) {
        words(cluster, doc, "cluster", "page", "size", "manager");
        ISemanticRegionsFinder r = textRegionExtensions.regionFor(cluster);
        ISemanticRegion open = r.keyword("{");
        ISemanticRegion close = r.keyword("}");
        doc.prepend(open, it -> it.oneSpace());
        doc.interior(open, close, it -> it.indent());
        doc.prepend(r.keyword("page"), it -> it.newLine());
        doc.prepend(r.keyword("manager"), it -> it.newLine());
        for (Node node : cluster.getNodes()) {
            doc.prepend(node, it -> it.newLine());
            doc.format(node);
        }
        doc.prepend(close, it -> it.newLine());
    }

    protected void format(Node node, IFormattableDocument doc) {
        words(node, doc, "node", "at", "runs");
        ISemanticRegionsFinder r = textRegionExtensions.regionFor(node);
        commas(r, doc);
        node.getPlacements().forEach(p -> brackets(p, doc));
    }

    /** One space after each of these keywords and before those that continue a line. */
    private void words(EObject owner, IFormattableDocument doc, String... keywords) {
        for (ISemanticRegion k : textRegionExtensions.regionFor(owner).keywords(keywords)) {
            doc.surround(k, it -> it.oneSpace());
        }
    }

    /** {@code [2]}: no space before or inside the brackets. */
    private void brackets(EObject owner, IFormattableDocument doc) {
        ISemanticRegionsFinder r = textRegionExtensions.regionFor(owner);
        for (ISemanticRegion open : r.keywords("[")) {
            doc.prepend(open, it -> it.noSpace());
            doc.append(open, it -> it.noSpace());
        }
        for (ISemanticRegion close : r.keywords("]")) {
            doc.prepend(close, it -> it.noSpace());
        }
    }

    private void commas(ISemanticRegionsFinder r, IFormattableDocument doc) {
        for (ISemanticRegion comma : r.keywords(",")) {
            doc.prepend(comma, it -> it.noSpace());
            doc.append(comma, it -> it.oneSpace());
        }
    }

    /** {@code { entries }}: one entry per line, indented; an empty block on one line. */
    private void block(EObject owner, List<? extends EObject> entries, IFormattableDocument doc) {
        ISemanticRegionsFinder r = textRegionExtensions.regionFor(owner);
        ISemanticRegion open = r.keyword("{");
        ISemanticRegion close = r.keyword("}");
        doc.prepend(open, it -> it.oneSpace());
        if (entries.isEmpty()) {
            doc.append(open, it -> it.oneSpace());
            return;
        }
        doc.interior(open, close, it -> it.indent());
        for (EObject entry : entries) {
            doc.prepend(entry, it -> it.newLine());
            doc.format(entry);
        }
        doc.prepend(close, it -> it.newLine());
    }
}
