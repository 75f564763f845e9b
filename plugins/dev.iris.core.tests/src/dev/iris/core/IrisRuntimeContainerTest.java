package dev.iris.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeConfig;
import java.io.File;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import org.eclipse.core.runtime.FileLocator;
import org.eclipse.core.runtime.Platform;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWiring;

/** The "Iris Runtime" container: what node JVMs need, and not the IDE's logging libraries. */
class IrisRuntimeContainerTest {
    @Test
    void holdsTheRuntimeAndNettyButNotLog4j() throws Exception {
        // a node in the IDE: Netty looks for a logging library, and its dynamic import finds Xtext's log4j
        Node.start(NodeConfig.of("container-test", "container-test", new InetSocketAddress("127.0.0.1", 0),
                List.of()), Codecs.of()).close();
        assertTrue(Platform.getBundle("io.netty.common").adapt(BundleWiring.class)
                .getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE).stream()
                .anyMatch(w -> w.getProvider().getBundle().getSymbolicName().equals("org.apache.log4j")),
                "the IDE's Netty wired to log4j");
        List<File> jars = Arrays.stream(IrisRuntimeContainer.create().getClasspathEntries())
                .map(e -> e.getPath().toFile()).toList();
        assertTrue(jars.contains(file("dev.iris.runtime")), jars.toString());
        assertTrue(jars.contains(file("io.netty.common")), jars.toString());
        assertTrue(jars.contains(file("io.netty.handler")), jars.toString());
        // Netty imports log4j optionally; the IDE runs it (Xtext needs it), the nodes must not
        assertFalse(jars.contains(file("org.apache.log4j")), jars.toString());
    }

    private static File file(String symbolicName) throws Exception {
        Bundle bundle = Platform.getBundle(symbolicName);
        assertNotNull(bundle, symbolicName + " runs in this IDE");
        return FileLocator.getBundleFile(bundle);
    }
}
