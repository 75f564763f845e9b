package dev.iris.dsl;

import com.google.inject.Binder;
import com.google.inject.name.Names;
import dev.iris.dsl.parser.IrisSyntaxErrorMessageProvider;
import dev.iris.dsl.scoping.IrisImportScopeProvider;
import dev.iris.dsl.scoping.IrisLinkingDiagnosticMessages;
import java.util.Map;
import org.eclipse.xtext.formatting2.FormatterPreferenceKeys;
import org.eclipse.xtext.formatting2.FormatterPreferences;
import org.eclipse.xtext.linking.ILinkingDiagnosticMessageProvider;
import org.eclipse.xtext.parser.antlr.ISyntaxErrorMessageProvider;
import org.eclipse.xtext.preferences.IPreferenceValuesProvider;
import org.eclipse.xtext.preferences.MapBasedPreferenceValues;
import org.eclipse.xtext.scoping.IScopeProvider;
import org.eclipse.xtext.scoping.impl.AbstractDeclarativeScopeProvider;

/** The Guice bindings of the Iris language runtime, beyond what Xtext generates. */
public class IrisRuntimeModule extends AbstractIrisRuntimeModule {
    /** Syntax errors that name what was expected in plain words. */
    public Class<? extends ISyntaxErrorMessageProvider> bindISyntaxErrorMessageProvider() {
        return IrisSyntaxErrorMessageProvider.class;
    }

    /** Unresolved references named in the language's words ("object type", not the model's "DataType"). */
    public Class<? extends ILinkingDiagnosticMessageProvider> bindILinkingDiagnosticMessageProvider() {
        return IrisLinkingDiagnosticMessages.class;
    }

    /** The formatter indents with four spaces (editors may override it with their own settings). */
    public void configureFormatterPreferences(Binder binder) {
        binder.bind(IPreferenceValuesProvider.class).annotatedWith(FormatterPreferences.class)
                .toInstance(resource -> new MapBasedPreferenceValues(
                        Map.of(FormatterPreferenceKeys.indentation.getId(), "    ")));
    }

    /** Imports and local names that survive a half-typed file (see {@link IrisImportScopeProvider}). */
    @Override
    public void configureIScopeProviderDelegate(Binder binder) {
        binder.bind(IScopeProvider.class).annotatedWith(Names.named(AbstractDeclarativeScopeProvider.NAMED_DELEGATE))
                .to(IrisImportScopeProvider.class);
    }
}
