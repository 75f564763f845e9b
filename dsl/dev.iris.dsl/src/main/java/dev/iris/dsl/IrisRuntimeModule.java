package dev.iris.dsl;

import com.google.inject.Binder;
import dev.iris.dsl.parser.IrisSyntaxErrorMessageProvider;
import java.util.Map;
import org.eclipse.xtext.formatting2.FormatterPreferenceKeys;
import org.eclipse.xtext.formatting2.FormatterPreferences;
import org.eclipse.xtext.parser.antlr.ISyntaxErrorMessageProvider;
import org.eclipse.xtext.preferences.IPreferenceValuesProvider;
import org.eclipse.xtext.preferences.MapBasedPreferenceValues;

/** The Guice bindings of the Iris language runtime, beyond what Xtext generates. */
public class IrisRuntimeModule extends AbstractIrisRuntimeModule {
    /** Syntax errors that name what was expected in plain words. */
    public Class<? extends ISyntaxErrorMessageProvider> bindISyntaxErrorMessageProvider() {
        return IrisSyntaxErrorMessageProvider.class;
    }

    /** The formatter indents with four spaces (editors may override it with their own settings). */
    public void configureFormatterPreferences(Binder binder) {
        binder.bind(IPreferenceValuesProvider.class).annotatedWith(FormatterPreferences.class)
                .toInstance(resource -> new MapBasedPreferenceValues(
                        Map.of(FormatterPreferenceKeys.indentation.getId(), "    ")));
    }
}
