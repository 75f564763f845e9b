package dev.iris.dsl.ide.symbols;

import dev.iris.dsl.iris.IrisPackage.Literals;
import java.util.Locale;
import java.util.Map;
import org.eclipse.emf.ecore.EClass;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.lsp4j.SymbolKind;
import org.eclipse.xtext.ide.server.symbol.DocumentSymbolMapper.DocumentSymbolDetailsProvider;
import org.eclipse.xtext.ide.server.symbol.DocumentSymbolMapper.DocumentSymbolKindProvider;
import org.eclipse.xtext.ide.server.symbol.DocumentSymbolService;

/**
 * What an Iris declaration is: an LSP symbol kind for editors' icons (the same in the outline, in
 * flat document symbols and in workspace symbols), and as details the Iris word for it
 * ({@code message}, {@code process}, ...), which editors show beside the name.
 */
public final class IrisSymbolKinds {
    private static final Map<EClass, SymbolKind> KINDS = Map.of(Literals.IRIS_SYSTEM, SymbolKind.Module,
            Literals.MESSAGE, SymbolKind.Struct, Literals.FIELD, SymbolKind.Field, Literals.GROUP, SymbolKind.Interface,
            Literals.SHARED_OBJECT, SymbolKind.Object, Literals.PROCESS, SymbolKind.Class, Literals.CLUSTER,
            SymbolKind.Package, Literals.NODE, SymbolKind.Variable, Literals.HEAP, SymbolKind.Object,
            Literals.OBJECT_TYPE, SymbolKind.Struct);

    private IrisSymbolKinds() {
    }

    /** The LSP kind of a declaration of {@code type}; {@code Property} for anything else. */
    public static SymbolKind kind(EClass type) {
        return KINDS.getOrDefault(type, SymbolKind.Property);
    }

    /** The Iris word of a declaration of {@code type}: {@code system}, {@code message}, {@code shared}, {@code object}, ... */
    public static String word(EClass type) {
        if (type == Literals.IRIS_SYSTEM) {
            return "system";
        } else if (type == Literals.SHARED_OBJECT) {
            return "shared";
        } else if (type == Literals.OBJECT_TYPE) {
            return "object";
        }
        return type.getName().toLowerCase(Locale.ROOT);
    }

    /** LSP kinds by Iris declaration in the outline. */
    public static class Kinds extends DocumentSymbolKindProvider {
        @Override
        protected SymbolKind getSymbolKind(EClass type) {
            return kind(type);
        }
    }

    /** LSP kinds by Iris declaration in flat document symbols and in workspace symbols. */
    public static class Symbols extends DocumentSymbolService {
        @Override
        protected SymbolKind getSymbolKind(EClass type) {
            return kind(type);
        }
    }

    /** The Iris word of a declaration as its details. */
    public static class Details extends DocumentSymbolDetailsProvider {
        @Override
        public String getDetails(EObject object) {
            return word(object.eClass());
        }
    }
}
