package dev.iris.dsl.ide.highlighting;

import dev.iris.dsl.iris.Cluster;
import dev.iris.dsl.iris.DeclaredTypeRef;
import dev.iris.dsl.iris.Group;
import dev.iris.dsl.iris.Heap;
import dev.iris.dsl.iris.IrisPackage.Literals;
import dev.iris.dsl.iris.Message;
import dev.iris.dsl.iris.Node;
import dev.iris.dsl.iris.ObjectType;
import dev.iris.dsl.iris.Placement;
import dev.iris.dsl.iris.Process;
import dev.iris.dsl.iris.SharedObject;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.EStructuralFeature;
import org.eclipse.xtext.ide.editor.syntaxcoloring.DefaultSemanticHighlightingCalculator;
import org.eclipse.xtext.ide.editor.syntaxcoloring.IHighlightedPositionAcceptor;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.eclipse.xtext.util.CancelIndicator;

/**
 * Semantic highlighting: every name of a message, group, shared object, heap, heap object type,
 * process, cluster and node, where it is declared and wherever it is referred to, gets the style of
 * its kind, so that an editor can colour {@code Transfer} the same in {@code message Transfer} and
 * {@code handles Transfer}. The style ids are the constants below; editors map them to colours.
 */
public class IrisHighlighting extends DefaultSemanticHighlightingCalculator {
    public static final String MESSAGE = "iris.message";
    public static final String GROUP = "iris.group";
    public static final String SHARED = "iris.shared";
    public static final String PROCESS = "iris.process";
    public static final String CLUSTER = "iris.cluster";
    public static final String NODE = "iris.node";
    public static final String HEAP = "iris.heap";
    public static final String OBJECT = "iris.object";

    @Override
    protected boolean highlightElement(EObject object, IHighlightedPositionAcceptor acceptor, CancelIndicator cancel) {
        switch (object) {
            case Message m -> {
                highlightFeature(acceptor, m, Literals.ELEMENT__NAME, MESSAGE);
                references(acceptor, m, Literals.MESSAGE__REPLY, MESSAGE);
            }
            case Group g -> highlightFeature(acceptor, g, Literals.ELEMENT__NAME, GROUP);
            case SharedObject s -> highlightFeature(acceptor, s, Literals.ELEMENT__NAME, SHARED);
            case Heap h -> highlightFeature(acceptor, h, Literals.ELEMENT__NAME, HEAP);
            case ObjectType o -> {
                highlightFeature(acceptor, o, Literals.ELEMENT__NAME, OBJECT);
                references(acceptor, o, Literals.OBJECT_TYPE__HEAP, HEAP);
            }
            case Process p -> {
                highlightFeature(acceptor, p, Literals.ELEMENT__NAME, PROCESS);
                references(acceptor, p, Literals.PROCESS__JOINS, GROUP);
                references(acceptor, p, Literals.PROCESS__HANDLES, MESSAGE);
                references(acceptor, p, Literals.PROCESS__USES, SHARED);
            }
            case Cluster c -> highlightFeature(acceptor, c, Literals.ELEMENT__NAME, CLUSTER);
            case Node n -> highlightFeature(acceptor, n, Literals.NODE__NAME, NODE);
            case Placement p -> references(acceptor, p, Literals.PLACEMENT__PROCESS, PROCESS);
            case DeclaredTypeRef r when r.getDeclaration() instanceof Message ->
                references(acceptor, r, Literals.DECLARED_TYPE_REF__DECLARATION, MESSAGE);
            case DeclaredTypeRef r when r.getDeclaration() instanceof ObjectType ->
                references(acceptor, r, Literals.DECLARED_TYPE_REF__DECLARATION, OBJECT);
            default -> {
                // nothing special
            }
        }
        return false;
    }

    private static void references(IHighlightedPositionAcceptor acceptor, EObject owner, EStructuralFeature feature,
            String style) {
        for (INode node : NodeModelUtils.findNodesForFeature(owner, feature)) {
            acceptor.addPosition(node.getOffset(), node.getLength(), style);
        }
    }
}
