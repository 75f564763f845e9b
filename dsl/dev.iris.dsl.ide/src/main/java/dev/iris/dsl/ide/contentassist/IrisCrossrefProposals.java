package dev.iris.dsl.ide.contentassist;

import dev.iris.dsl.iris.IrisPackage.Literals;
import dev.iris.dsl.iris.Message;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.eclipse.emf.common.util.URI;
import org.eclipse.emf.ecore.EClass;
import org.eclipse.xtext.CrossReference;
import org.eclipse.xtext.EcoreUtil2;
import org.eclipse.xtext.GrammarUtil;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistContext;
import org.eclipse.xtext.ide.editor.contentassist.IdeCrossrefProposalProvider;
import org.eclipse.xtext.resource.IEObjectDescription;
import org.eclipse.xtext.scoping.IScope;

/**
 * Names to refer to, each once: a declaration visible by its simple name ({@code Register}) is
 * not proposed again by its qualified name ({@code demo.names.Register}). A field's type is a
 * message in a message and a heap object type elsewhere: only those are proposed (the validator
 * explains the other kind, should it be written).
 */
public class IrisCrossrefProposals extends IdeCrossrefProposalProvider {
    @Override
    protected Iterable<IEObjectDescription> queryScope(IScope scope, CrossReference crossReference,
            ContentAssistContext context) {
        List<IEObjectDescription> all = StreamSupport.stream(super.queryScope(scope, crossReference, context)
                .spliterator(), false).toList();
        if (GrammarUtil.containingAssignment(crossReference) != null && Literals.DECLARED_TYPE_REF__DECLARATION.getName()
                .equals(GrammarUtil.containingAssignment(crossReference).getFeature())) {
            EClass kind = EcoreUtil2.getContainerOfType(context.getCurrentModel(), Message.class) != null
                    ? Literals.MESSAGE : Literals.OBJECT_TYPE;
            all = all.stream().filter(d -> kind.isSuperTypeOf(d.getEClass())).toList();
        }
        Set<URI> bySimpleName = new HashSet<>();
        for (IEObjectDescription d : all) {
            if (d.getName().getSegmentCount() == 1) {
                bySimpleName.add(d.getEObjectURI());
            }
        }
        return all.stream().filter(d -> d.getName().getSegmentCount() == 1 || !bySimpleName.contains(d.getEObjectURI()))
                .toList();
    }
}
