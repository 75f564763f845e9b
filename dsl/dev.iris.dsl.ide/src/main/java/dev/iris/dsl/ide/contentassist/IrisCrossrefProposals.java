package dev.iris.dsl.ide.contentassist;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.eclipse.emf.common.util.URI;
import org.eclipse.xtext.CrossReference;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistContext;
import org.eclipse.xtext.ide.editor.contentassist.IdeCrossrefProposalProvider;
import org.eclipse.xtext.resource.IEObjectDescription;
import org.eclipse.xtext.scoping.IScope;

/**
 * Names to refer to, each once: a declaration visible by its simple name ({@code Register}) is
 * not proposed again by its qualified name ({@code demo.names.Register}).
 */
public class IrisCrossrefProposals extends IdeCrossrefProposalProvider {
    @Override
    protected Iterable<IEObjectDescription> queryScope(IScope scope, CrossReference crossReference,
            ContentAssistContext context) {
        List<IEObjectDescription> all = StreamSupport.stream(super.queryScope(scope, crossReference, context)
                .spliterator(), false).toList();
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
