package dev.iris.dsl.ide.contentassist;

import org.eclipse.xtend2.lib.StringConcatenationClient;
import org.eclipse.xtext.ide.editor.contentassist.AbstractIdeTemplateProposalProvider;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistContext;
import org.eclipse.xtext.ide.editor.contentassist.IIdeContentProposalAcceptor;

/**
 * Content-assist templates: a whole declaration with its parts to fill in (the editor or LSP
 * client steps through the variables; the cursor ends inside the body).
 */
public class IrisTemplates extends AbstractIdeTemplateProposalProvider {

    /** Proposes the template of the declaration that {@code keyword} starts, if there is one. */
    public void propose(String keyword, ContentAssistContext context, IIdeContentProposalAcceptor acceptor) {
        switch (keyword) {
            case "message" -> acceptProposal("message", "a message type with a field and a reply",
                    template("message ", variable("Name"), " {", NL, "    ", variable("long"), " ", variable("field"), NL,
                            "} returns ", variable("Reply"), cursor()), context, acceptor);
            case "process" -> acceptProposal("process", "a process type: groups, messages, shared objects",
                    template("process ", variable("Name"), " {", NL, "    joins ", variable("group"), NL, "    handles ",
                            variable("Message"), cursor(), NL, "}"), context, acceptor);
            case "shared" -> acceptProposal("shared", "a shared object in distributed shared memory",
                    template("shared ", variable("Name"), " {", NL, "    long[", variable("64"), "] ", variable("values"),
                            cursor(), NL, "} consistency ", variable("sequential")), context, acceptor);
            case "cluster" -> acceptProposal("cluster", "a cluster with one node",
                    template("cluster ", variable("local"), " {", NL, "    node ", variable("n1"), " at \"",
                            variable("127.0.0.1:7001"), "\" runs ", variable("Process"), cursor(), NL, "}"), context,
                    acceptor);
            case "heap" -> acceptProposal("heap", "a heap: shared memory for objects allocated at run time",
                    template("heap ", variable("Name"), " size ", variable("64"), " ", variable("MiB"), cursor()), context,
                    acceptor);
            case "object" -> acceptProposal("object", "a type of heap object with a reference to another",
                    template("object ", variable("Name"), " in ", variable("Heap"), " {", NL, "    long ", variable("key"),
                            NL, "    ", variable("Name"), " ", variable("next"), cursor(), NL, "}"), context, acceptor);
            case "group" -> acceptProposal("group", "a well-known process group",
                    template("group ", variable("name"), " = ", variable("1"), cursor()), context, acceptor);
            default -> {
            }
        }
    }

    /** A line break in a template (indented like the line the template starts on). */
    private static final Object NL = new Object();

    private static StringConcatenationClient template(Object... parts) {
        return new StringConcatenationClient() {
            @Override
            protected void appendTo(TargetStringConcatenation target) {
                for (Object part : parts) {
                    if (part == NL) {
                        target.newLineIfNotEmpty();
                    } else {
                        target.append(part);
                    }
                }
            }
        };
    }
}
