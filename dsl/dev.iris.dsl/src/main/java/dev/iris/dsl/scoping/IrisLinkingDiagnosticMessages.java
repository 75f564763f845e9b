package dev.iris.dsl.scoping;

import dev.iris.dsl.iris.IrisPackage.Literals;
import dev.iris.dsl.iris.Message;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.xtext.diagnostics.DiagnosticMessage;
import org.eclipse.xtext.linking.impl.LinkingDiagnosticMessageProvider;

/**
 * Xtext's messages for references that do not resolve ("Couldn't resolve reference to Message
 * 'Missing'."), in the language's words where the model's type name is not one: a field's type
 * names a message in a message, and a heap object type (declared with {@code object}) in a shared
 * or heap object.
 */
public class IrisLinkingDiagnosticMessages extends LinkingDiagnosticMessageProvider {
    @Override
    public DiagnosticMessage getUnresolvedProxyMessage(ILinkingDiagnosticContext context) {
        DiagnosticMessage message = super.getUnresolvedProxyMessage(context);
        if (context.getReference() != Literals.DECLARED_TYPE_REF__DECLARATION) {
            return message;
        }
        EObject field = context.getContext().eContainer();
        String text = field != null && field.eContainer() instanceof Message
                ? "Couldn't resolve reference to Message '" + context.getLinkText() + "'."
                : "Couldn't resolve reference to object type '" + context.getLinkText() + "' (declared with 'object "
                        + context.getLinkText() + " in <heap> { ... }').";
        return new DiagnosticMessage(text, message.getSeverity(), message.getIssueCode(), message.getIssueData());
    }
}
