package dev.iris.dsl.ide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.inject.Injector;
import dev.iris.dsl.ide.highlighting.IrisHighlighting;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.emf.common.util.URI;
import org.eclipse.xtext.ide.editor.syntaxcoloring.ISemanticHighlightingCalculator;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.resource.XtextResourceSet;
import org.eclipse.xtext.util.CancelIndicator;
import org.junit.jupiter.api.Test;

class IrisHighlightingTest {
    @Test
    void namesAreColouredByKindAtDeclarationsAndReferences() throws Exception {
        String text = """
                system s
                message Ping { } returns Pong
                message Pong { Ping[] pings }
                group pingers
                process P { joins pingers handles Ping }
                cluster lab { node n1 at "h:1" runs P }
                """;
        Injector injector = new IrisIdeSetup().createInjectorAndDoEMFRegistration();
        XtextResource resource = (XtextResource) injector.getInstance(XtextResourceSet.class)
                .createResource(URI.createURI("h.iris"));
        resource.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), null);
        List<String> seen = new ArrayList<>();
        injector.getInstance(ISemanticHighlightingCalculator.class).provideHighlightingFor(resource,
                (offset, length, styles) -> seen.add(text.substring(offset, offset + length) + "=" + String.join(",", styles)),
                CancelIndicator.NullImpl);
        seen.sort(null);
        assertEquals(List.of("P=" + IrisHighlighting.PROCESS, "P=" + IrisHighlighting.PROCESS,
                "Ping=" + IrisHighlighting.MESSAGE, "Ping=" + IrisHighlighting.MESSAGE, "Ping=" + IrisHighlighting.MESSAGE,
                "Pong=" + IrisHighlighting.MESSAGE, "Pong=" + IrisHighlighting.MESSAGE,
                "lab=" + IrisHighlighting.CLUSTER, "n1=" + IrisHighlighting.NODE,
                "pingers=" + IrisHighlighting.GROUP, "pingers=" + IrisHighlighting.GROUP), seen);
    }

    @Test
    void heapsAndObjectTypesAreColouredByKind() throws Exception {
        String text = """
                system s
                heap Index size 1 MiB
                object Node in Index { Node next }
                shared Roots { Node root }
                """;
        Injector injector = new IrisIdeSetup().createInjectorAndDoEMFRegistration();
        XtextResource resource = (XtextResource) injector.getInstance(XtextResourceSet.class)
                .createResource(URI.createURI("h.iris"));
        resource.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), null);
        List<String> seen = new ArrayList<>();
        injector.getInstance(ISemanticHighlightingCalculator.class).provideHighlightingFor(resource,
                (offset, length, styles) -> seen.add(text.substring(offset, offset + length) + "=" + String.join(",", styles)),
                CancelIndicator.NullImpl);
        seen.sort(null);
        assertEquals(List.of("Index=" + IrisHighlighting.HEAP, "Index=" + IrisHighlighting.HEAP,
                "Node=" + IrisHighlighting.OBJECT, "Node=" + IrisHighlighting.OBJECT, "Node=" + IrisHighlighting.OBJECT,
                "Roots=" + IrisHighlighting.SHARED), seen);
    }
}
