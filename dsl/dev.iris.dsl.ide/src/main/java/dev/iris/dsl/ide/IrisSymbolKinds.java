package dev.iris.dsl.ide;

import dev.iris.dsl.iris.IrisPackage.Literals;
import java.util.Locale;
import org.eclipse.emf.ecore.EClass;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.lsp4j.SymbolKind;
import org.eclipse.xtext.ide.server.symbol.DocumentSymbolMapper.DocumentSymbolDetailsProvider;
import org.eclipse.xtext.ide.server.symbol.DocumentSymbolMapper.DocumentSymbolKindProvider;

/**
 * What an outline entry is: an LSP symbol kind for editors' icons, and as details the Iris word
 * for it ({@code message}, {@code process}, ...; a field's type), which editors show beside the name.
 */
public final class IrisSymbolKinds {
    private IrisSymbolKinds() {
    }

    /** LSP kinds by Iris declaration. */
    public static class Kinds extends DocumentSymbolKindProvider {
        @Override
        protected SymbolKind getSymbolKind(EClass type) {
            if (type == Literals.IRIS_SYSTEM) {
                return SymbolKind.Module;
            } else if (type == Literals.MESSAGE) {
                return SymbolKind.Struct;
            } else if (type == Literals.FIELD) {
                return SymbolKind.Field;
            } else if (type == Literals.GROUP) {
                return SymbolKind.Interface;
            } else if (type == Literals.SHARED_OBJECT) {
                return SymbolKind.Object;
            } else if (type == Literals.PROCESS) {
                return SymbolKind.Class;
            } else if (type == Literals.CLUSTER) {
                return SymbolKind.Package;
            } else if (type == Literals.NODE) {
                return SymbolKind.Variable;
            }
            return super.getSymbolKind(type);
        }
    }

    /** The Iris word of a declaration as its details. */
    public static class Details extends DocumentSymbolDetailsProvider {
        @Override
        public String getDetails(EObject object) {
            EClass type = object.eClass();
            if (type == Literals.IRIS_SYSTEM) {
                return "system";
            } else if (type == Literals.SHARED_OBJECT) {
                return "shared";
            } else if (type == Literals.FIELD) {
                return "field";
            }
            return type.getName().toLowerCase(Locale.ROOT);
        }
    }
}
