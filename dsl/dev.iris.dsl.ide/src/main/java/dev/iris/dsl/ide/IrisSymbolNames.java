package dev.iris.dsl.ide;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.xtext.ide.server.symbol.DocumentSymbolMapper.DocumentSymbolNameProvider;
import org.eclipse.xtext.util.SimpleAttributeResolver;

/** Outline entries by their simple names ({@code Ping}, not {@code demo.Ping}); the system keeps its full name. */
public class IrisSymbolNames extends DocumentSymbolNameProvider {
    @Override
    public String getName(EObject object) {
        String simple = object == null ? null : SimpleAttributeResolver.NAME_RESOLVER.apply(object);
        return simple != null ? simple : super.getName(object);
    }
}
