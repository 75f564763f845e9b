package dev.iris.dsl;

import dev.iris.dsl.parser.IrisSyntaxErrorMessageProvider;
import org.eclipse.xtext.parser.antlr.ISyntaxErrorMessageProvider;

/** The Guice bindings of the Iris language runtime, beyond what Xtext generates. */
public class IrisRuntimeModule extends AbstractIrisRuntimeModule {
    /** Syntax errors that name what was expected in plain words. */
    public Class<? extends ISyntaxErrorMessageProvider> bindISyntaxErrorMessageProvider() {
        return IrisSyntaxErrorMessageProvider.class;
    }
}
