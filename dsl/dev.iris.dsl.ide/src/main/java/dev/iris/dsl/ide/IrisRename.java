package dev.iris.dsl.ide;

import com.google.inject.Inject;
import dev.iris.dsl.ide.symbols.IrisSymbolKinds;
import java.io.StringReader;
import java.util.List;
import java.util.stream.StreamSupport;
import org.eclipse.emf.ecore.EAttribute;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.EcorePackage;
import org.eclipse.emf.ecore.util.EcoreUtil;
import org.eclipse.lsp4j.RenameParams;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.eclipse.xtext.ParserRule;
import org.eclipse.xtext.RuleCall;
import org.eclipse.xtext.ide.server.ILanguageServerAccess.Context;
import org.eclipse.xtext.ide.server.rename.RenameService2;
import org.eclipse.xtext.naming.IQualifiedNameConverter;
import org.eclipse.xtext.naming.IQualifiedNameProvider;
import org.eclipse.xtext.naming.QualifiedName;
import org.eclipse.xtext.nodemodel.ILeafNode;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.eclipse.xtext.parser.IParseResult;
import org.eclipse.xtext.parser.IParser;
import org.eclipse.xtext.resource.IEObjectDescription;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.resource.impl.ResourceDescriptionsProvider;
import org.eclipse.xtext.util.SimpleAttributeResolver;

/**
 * Rename that refuses a new name that would break the program: one the grammar does not accept
 * where the name stands ({@code 9lives}, {@code has space}, a keyword such as {@code process}), or
 * one that another declaration already has. The refusal is an LSP error (invalid params) whose
 * message says why; editors show it and change nothing.
 */
public class IrisRename extends RenameService2 {
    @Inject
    private IParser parser;
    @Inject
    private IQualifiedNameProvider qualifiedNames;
    @Inject
    private IQualifiedNameConverter nameConverter;
    @Inject
    private ResourceDescriptionsProvider index;

    @Override
    public WorkspaceEdit rename(Options options) {
        RenameParams params = options.getRenameParams();
        String refusal = options.getLanguageServerAccess().doSyncRead(params.getTextDocument().getUri(),
                context -> refusal(context, params));
        if (refusal != null) {
            throw new ResponseErrorException(new ResponseError(ResponseErrorCode.InvalidParams, refusal, null));
        }
        return super.rename(options);
    }

    /** Why the element at the rename position cannot take the new name, or null if it can. */
    private String refusal(Context context, RenameParams params) {
        XtextResource resource = (XtextResource) context.getResource();
        EObject element = getElementAtOffset(resource, context.getDocument(), params.getPosition());
        String name = params.getNewName();
        EAttribute attribute = element == null ? null : SimpleAttributeResolver.NAME_RESOLVER.getAttribute(element);
        if (attribute == null || name.equals(element.eGet(attribute))) {
            return null; // nothing Iris would rename here, or no change: Xtext answers as usual
        }
        List<INode> nodes = NodeModelUtils.findNodesForFeature(element, attribute);
        if (!nodes.isEmpty() && nodes.get(0).getGrammarElement() instanceof RuleCall call
                && call.getRule() instanceof ParserRule rule && !parses(rule, name)) {
            return name.matches("[A-Za-z_][A-Za-z_0-9]*")
                    ? "'" + name + "' is a keyword of the Iris language and cannot be a name here"
                    : "'" + name + "' is not a name: a name starts with a letter or '_' and goes on with letters,"
                            + " digits and '_'" + (rule.getName().equals("QualifiedName") ? ", names joined by '.'" : "");
        }
        QualifiedName old = qualifiedNames.getFullyQualifiedName(element);
        if (old == null) {
            return null;
        }
        QualifiedName renamed = old.skipLast(nameConverter.toQualifiedName((String) element.eGet(attribute))
                .getSegmentCount()).append(nameConverter.toQualifiedName(name));
        for (IEObjectDescription other : index.getResourceDescriptions(resource.getResourceSet())
                .getExportedObjects(EcorePackage.Literals.EOBJECT, renamed, false)) {
            if (!other.getEObjectURI().equals(EcoreUtil.getURI(element))) {
                return "'" + name + "' is already the name of " + IrisSymbolKinds.word(other.getEClass()) + " "
                        + nameConverter.toString(renamed);
            }
        }
        return null;
    }

    /** Whether the whole text is one {@code rule} and nothing else (no spaces or comments either). */
    private boolean parses(ParserRule rule, String text) {
        IParseResult result = parser.parse(rule, new StringReader(text));
        return !result.hasSyntaxErrors() && result.getRootNode() != null && StreamSupport
                .stream(result.getRootNode().getLeafNodes().spliterator(), false).noneMatch(ILeafNode::isHidden);
    }
}
