package dev.iris.dsl.ide.server;

import com.google.inject.util.Modules;
import org.eclipse.xtext.ide.server.LanguageServerImpl;
import org.eclipse.xtext.ide.server.ServerLauncher;
import org.eclipse.xtext.ide.server.ServerModule;
import org.eclipse.xtext.ide.server.WorkspaceManager;

/**
 * Starts the Iris language server on standard input and output: {@code java -jar
 * iris-language-server.jar} and {@code iris lsp}. Arguments are Xtext's ({@code -log},
 * {@code -trace}, {@code -noValidate}).
 */
public final class IrisLanguageServer {
    /**
     * Guice's switch for generated classes. Guice defines them through {@code sun.misc.Unsafe},
     * which Java 24 and later warn about on standard error; reflection serves a language server as
     * well. Set before any Guice class reads it, unless the user chose otherwise.
     */
    private static final String GUICE_BYTECODE = "guice_bytecode_gen_option";

    private IrisLanguageServer() {
    }

    /** Serves one client on standard input and output until it says {@code exit}. */
    public static void main(String[] args) {
        if (System.getProperty(GUICE_BYTECODE) == null) {
            System.setProperty(GUICE_BYTECODE, "DISABLED");
        }
        ServerLauncher.launch(IrisLanguageServer.class.getName(), args,
                Modules.override(new ServerModule()).with(binder -> {
                    binder.bind(LanguageServerImpl.class).to(IrisLanguageServerImpl.class);
                    binder.bind(WorkspaceManager.class).to(IrisWorkspaceManager.class);
                }));
    }
}
