package dev.iris.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.inject.Inject;
import com.google.inject.Provider;
import dev.iris.dsl.iris.IrisSystem;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.xtext.formatting2.FormatterRequest;
import org.eclipse.xtext.formatting2.IFormatter2;
import org.eclipse.xtext.formatting2.regionaccess.ITextRegionAccess;
import org.eclipse.xtext.formatting2.regionaccess.TextRegionAccessBuilder;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.testing.InjectWith;
import org.eclipse.xtext.testing.extensions.InjectionExtension;
import org.eclipse.xtext.testing.util.ParseHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(InjectionExtension.class)
@InjectWith(IrisInjectorProvider.class)
class IrisFormatterTest {
    @Inject
    private ParseHelper<IrisSystem> parser;
    @Inject
    private IFormatter2 formatter;
    @Inject
    private Provider<FormatterRequest> requests;
    @Inject
    private Provider<TextRegionAccessBuilder> regions;
    @Inject
    @org.eclipse.xtext.formatting2.FormatterPreferences
    private org.eclipse.xtext.preferences.IPreferenceValuesProvider preferences;

    private String format(String text) throws Exception {
        XtextResource resource = (XtextResource) parser.parse(text).eResource();
        ITextRegionAccess access = regions.get().forNodeModel(resource).create();
        // as editors and the language server do: the language's formatter preferences
        FormatterRequest request = requests.get().setTextRegionAccess(access).setPreferences(
                org.eclipse.xtext.preferences.TypedPreferenceValues.castOrWrap(preferences.getPreferenceValues(resource)));
        return access.getRewriter().renderToString(formatter.format(request));
    }

    @Test
    void untidyInputIsLaidOut() throws Exception {
        assertEquals("""
                system demo.bank

                /** Move money. */
                message Transfer {
                    string from
                    long[] cents
                } returns Receipt

                message Receipt { }

                local group auditors

                group tellers = 7

                shared Accounts[4] {
                    atomic long n
                    long[1024] balances
                } consistency sequential home n1

                process Teller[2] {
                    joins tellers
                    handles Transfer
                    uses Accounts
                    nonblocking
                }

                cluster local {
                    page size 4096
                    node n1 at "127.0.0.1:7001" runs Teller[2], Teller2
                }

                process Teller2 { }
                """, format("""
                system   demo.bank
                /** Move money. */
                message Transfer{string from long [ ] cents}returns Receipt
                message Receipt{}
                local   group auditors group tellers=7
                shared Accounts [ 4 ] { atomic long n long[ 1024 ]balances } consistency  sequential home n1
                process Teller[2]{joins tellers handles Transfer uses Accounts   nonblocking}
                cluster local{page size 4096 node n1 at "127.0.0.1:7001" runs Teller [2] ,Teller2}
                process Teller2{}"""));
    }

    /** Line 1 starts with {@code system}, whatever came before it; a comment before it stays. */
    @Test
    void nothingIndentsTheFirstLine() throws Exception {
        assertEquals("system demo\n\ngroup g\n", format("    system demo\ngroup g"));
        assertEquals("system demo\n\ngroup g\n", format("\n\n\t system demo\ngroup g"));
        assertEquals("/* the demo */ system demo\n\ngroup g\n", format("/* the demo */ system demo\ngroup g"));
    }

    @Test
    void theCompleteExampleIsAlreadyFormatted() throws Exception {
        String text;
        try (InputStream in = getClass().getResourceAsStream("bank.iris")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(text, format(text));
    }

    @Test
    void heapsAndObjectTypesAreLaidOut() throws Exception {
        assertEquals("""
                system demo.tree

                heap Index size 64 MiB consistency release

                heap Scratch size 200000

                object TreeNode in Index {
                    long key
                    TreeNode[2] pair
                    TreeNode[] children
                } own pages

                object Empty in Index { }

                shared Roots {
                    TreeNode root
                }
                """, format("""
                system demo.tree
                heap   Index size 64    MiB consistency   release heap Scratch size
                200000
                object TreeNode in Index{long key TreeNode [ 2 ] pair TreeNode[ ]children}own   pages
                object Empty in Index{}
                shared Roots{TreeNode root}"""));
    }

    @Test
    void theHeapExampleIsAlreadyFormatted() throws Exception {
        String text;
        try (InputStream in = getClass().getResourceAsStream("tree.iris")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(text, format(text));
    }
}
