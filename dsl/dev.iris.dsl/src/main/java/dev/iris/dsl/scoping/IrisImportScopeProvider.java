package dev.iris.dsl.scoping;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.xtext.naming.QualifiedName;
import org.eclipse.xtext.scoping.impl.ImportedNamespaceAwareLocalScopeProvider;

/**
 * Xtext's imports and local names, tolerant of a half-typed file: an element whose name is still
 * empty (a {@code system} keyword with no name yet) contributes no local scope, where Xtext would
 * throw out of linking (found by {@code IrisFuzzTest}).
 */
public class IrisImportScopeProvider extends ImportedNamespaceAwareLocalScopeProvider {
    @Override
    protected QualifiedName getQualifiedNameOfLocalElement(EObject context) {
        QualifiedName name = super.getQualifiedNameOfLocalElement(context);
        return name == null || name.isEmpty() || name.getSegments().stream().anyMatch(String::isEmpty) ? null : name;
    }
}
