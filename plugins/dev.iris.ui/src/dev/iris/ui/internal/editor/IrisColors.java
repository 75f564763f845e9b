package dev.iris.ui.internal.editor;

import dev.iris.dsl.ide.highlighting.IrisHighlighting;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.core.runtime.preferences.AbstractPreferenceInitializer;
import org.eclipse.core.runtime.preferences.InstanceScope;
import org.eclipse.jface.preference.IPreferenceStore;
import org.eclipse.jface.preference.PreferenceConverter;
import org.eclipse.jface.text.TextAttribute;
import org.eclipse.jface.text.rules.Token;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.ui.preferences.ScopedPreferenceStore;

/**
 * The colours of the Iris editor, one style per kind of token (lexical) and per kind of name
 * (semantic, the styles of {@link IrisHighlighting}); each has a colour and a bold flag in the
 * preferences ({@code color.<style>}, {@code bold.<style>}), edited on the Iris Syntax Coloring
 * page. Tokens are shared and updated in place when a preference changes, so editors only need
 * to repaint.
 */
public final class IrisColors {
    public static final String KEYWORD = "keyword";
    public static final String COMMENT = "comment";
    public static final String DOC = "doc";
    public static final String STRING = "string";
    public static final String NUMBER = "number";

    /** A style's label on the preference page, and its default colour and weight. */
    record Style(String label, RGB color, boolean bold) {
    }

    /** Every style by id. */
    static final Map<String, Style> STYLES = new LinkedHashMap<>();

    static {
        STYLES.put(KEYWORD, new Style("Keywords", new RGB(127, 0, 85), true));
        STYLES.put(COMMENT, new Style("Comments", new RGB(63, 127, 95), false));
        STYLES.put(DOC, new Style("Documentation comments", new RGB(63, 95, 191), false));
        STYLES.put(STRING, new Style("Strings (node addresses)", new RGB(42, 0, 255), false));
        STYLES.put(NUMBER, new Style("Numbers", new RGB(125, 125, 125), false));
        STYLES.put(IrisHighlighting.MESSAGE, new Style("Message names", new RGB(0, 110, 140), false));
        STYLES.put(IrisHighlighting.GROUP, new Style("Group names", new RGB(150, 80, 0), false));
        STYLES.put(IrisHighlighting.SHARED, new Style("Shared object names", new RGB(0, 128, 64), false));
        STYLES.put(IrisHighlighting.HEAP, new Style("Heap names", new RGB(0, 128, 128), false));
        STYLES.put(IrisHighlighting.OBJECT, new Style("Object type names", new RGB(0, 100, 40), true));
        STYLES.put(IrisHighlighting.PROCESS, new Style("Process names", new RGB(120, 40, 160), true));
        STYLES.put(IrisHighlighting.CLUSTER, new Style("Cluster names", new RGB(0, 0, 192), true));
        STYLES.put(IrisHighlighting.NODE, new Style("Node names", new RGB(0, 0, 192), false));
    }

    private static IrisColors instance;

    private final IPreferenceStore store;
    private final Map<String, Token> tokens = new LinkedHashMap<>();

    private IrisColors(IPreferenceStore store) {
        this.store = store;
        for (String style : STYLES.keySet()) {
            tokens.put(style, new Token(attribute(style)));
        }
        store.addPropertyChangeListener(e -> refresh());
    }

    /** The colours of this workbench (created on first use; call from the UI thread). */
    public static synchronized IrisColors get() {
        if (instance == null) {
            instance = new IrisColors(preferences());
        }
        return instance;
    }

    /** The preference store of the Iris UI (instance scope of {@code dev.iris.ui}). */
    public static IPreferenceStore preferences() {
        return Holder.STORE;
    }

    private static final class Holder {
        static final IPreferenceStore STORE = new ScopedPreferenceStore(InstanceScope.INSTANCE, "dev.iris.ui");
    }

    /** The token of a style, whose data is the style's current text attribute. */
    public Token token(String style) {
        return tokens.get(style);
    }

    /** The style's current text attribute, or null for an unknown style. */
    public TextAttribute attribute(String style) {
        if (!STYLES.containsKey(style)) {
            return null;
        }
        RGB rgb = PreferenceConverter.getColor(store, "color." + style);
        return new TextAttribute(new Color(rgb), null, store.getBoolean("bold." + style) ? SWT.BOLD : SWT.NORMAL);
    }

    private void refresh() {
        tokens.forEach((style, token) -> token.setData(attribute(style)));
    }

    /** Puts the default colours into the default scope. */
    public static final class Defaults extends AbstractPreferenceInitializer {
        @Override
        public void initializeDefaultPreferences() {
            IPreferenceStore store = preferences();
            STYLES.forEach((style, d) -> {
                PreferenceConverter.setDefault(store, "color." + style, d.color());
                store.setDefault("bold." + style, d.bold());
            });
        }
    }
}
