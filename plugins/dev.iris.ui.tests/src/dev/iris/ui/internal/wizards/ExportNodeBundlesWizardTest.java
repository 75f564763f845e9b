package dev.iris.ui.internal.wizards;

import static dev.iris.ui.UiTests.processEventsUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.core.IrisProjects;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.jar.JarFile;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IncrementalProjectBuilder;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.jface.wizard.WizardDialog;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.progress.IProgressConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File > Export > Iris > Runnable Node Bundles in a real workbench: the wizard's job writes the
 * bundles to disk, and the exported nodes start from their own launchers and form the cluster.
 */
class ExportNodeBundlesWizardTest {
    private IProject project;
    private final List<Process> nodes = new ArrayList<>();

    @AfterEach
    void cleanUp() throws CoreException {
        nodes.forEach(p -> p.destroyForcibly());
        if (project != null) {
            project.delete(true, true, null);
        }
    }

    @Test
    void exportsRunnableBundlesOfEachNode(@TempDir Path out) throws Exception {
        project = IrisProjects.create("export-test", null, IrisProjects.Example.NAMES, null);
        project.build(IncrementalProjectBuilder.FULL_BUILD, null);
        ExportNodeBundlesWizard wizard = new ExportNodeBundlesWizard();
        wizard.init(PlatformUI.getWorkbench(), new StructuredSelection(project));
        WizardDialog dialog = new WizardDialog(PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell(), wizard);
        dialog.create();
        try {
            assertEquals(false, wizard.page().isPageComplete(), "no destination yet");
            // it opens with the next step to take, not with an error; its description fits its banner
            assertNull(wizard.page().getErrorMessage());
            assertEquals("Choose a destination directory", wizard.page().getMessage());
            assertTrue(wizard.page().getDescription().length() <= 60, wizard.page().getDescription());
            wizard.page().setDestination(out);
            wizard.page().setDestination(Path.of(""));
            assertEquals("Choose a destination directory", wizard.page().getErrorMessage(), "cleared by the user");
            wizard.page().setDestination(out);
            assertTrue(wizard.page().isPageComplete(), wizard.page().getErrorMessage());
            assertEquals("data", wizard.page().dataDirectory(), "a directory of each bundle by default");
            wizard.page().setDataDirectory("../outside");
            assertEquals("The data directory must be a directory of each bundle or an absolute path, not '../outside'",
                    wizard.page().getErrorMessage());
            wizard.page().setDataDirectory("./lib");
            assertEquals("The data directory cannot be in a bundle's lib, which an export writes anew: not './lib'",
                    wizard.page().getErrorMessage());
            wizard.page().setDataDirectory("state/pages");
            assertTrue(wizard.page().isPageComplete(), wizard.page().getErrorMessage());
            assertEquals("local", wizard.page().cluster());
            assertTrue(wizard.performFinish());
        } finally {
            dialog.close();
        }
        processEventsUntil(() -> wizard.job().getResult() != null, () -> "the export job");
        assertEquals(IStatus.INFO, wizard.job().getResult().getSeverity(), wizard.job().getResult().toString());
        // what it did stays in the Progress view once it is done
        assertEquals("Exported 2 node bundles to " + out, wizard.job().getResult().getMessage());
        assertEquals(Boolean.TRUE, wizard.job().getProperty(IProgressConstants.KEEP_PROPERTY));

        for (String node : List.of("n1", "n2")) {
            Path bundle = out.resolve(node);
            assertTrue(Files.getPosixFilePermissions(bundle.resolve("bin/iris-node")).contains(PosixFilePermission.OWNER_EXECUTE));
            Properties conf = new Properties();
            try (var in = Files.newBufferedReader(bundle.resolve("conf/node.properties"))) {
                conf.load(in);
            }
            assertEquals(node, conf.getProperty("iris.node"));
            assertEquals("demo.names.NamesSystem", conf.getProperty("iris.system"));
            assertEquals("demo.names.NameServer", conf.getProperty("iris.handlers"));
            assertEquals("state/pages", conf.getProperty("iris.dataDirectory"));
            assertTrue(Files.isRegularFile(bundle.resolve("conf/credentials/node-key.pem")));
            try (JarFile program = new JarFile(bundle.resolve("lib/program.jar").toFile());
                    JarFile runtime = new JarFile(bundle.resolve("lib/iris-runtime.jar").toFile())) {
                assertTrue(program.getEntry("demo/names/NameServer.class") != null, "the handler is in program.jar");
                assertTrue(runtime.getEntry("dev/iris/runtime/launch/NodeMain.class") != null);
                assertTrue(runtime.getEntry("io/netty/channel/Channel.class") != null, "Netty is in iris-runtime.jar");
            }
            assertTrue(Files.size(out.resolve(node + ".tar.gz")) > 0 && Files.size(out.resolve(node + ".zip")) > 0);
        }
        assertTrue(Files.isRegularFile(out.resolve("docker/Dockerfile")));
        assertTrue(Files.isRegularFile(out.resolve("k8s/iris-names-local.yaml")));
        assertTrue(Files.isRegularFile(out.resolve("authority/ca-key.pem")));

        // the bundles run: each node from its own launcher, in its own JVM, over TCP with mutual TLS
        List<CompletableFuture<String>> ready = new ArrayList<>();
        for (String node : List.of("n1", "n2")) {
            ProcessBuilder builder = new ProcessBuilder("sh", out.resolve(node + "/bin/iris-node").toString())
                    .redirectError(out.resolve(node + ".log").toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process jvm = builder.start();
            nodes.add(jvm);
            ready.add(CompletableFuture.supplyAsync(() -> readyLine(jvm)));
        }
        processEventsUntil(() -> ready.stream().allMatch(CompletableFuture::isDone), () -> "READY from both nodes");
        assertTrue(ready.get(0).get().startsWith("READY n1 "), ready.get(0).get() + "\n" + log(out, "n1"));
        assertTrue(ready.get(1).get().startsWith("READY n2 "), ready.get(1).get() + "\n" + log(out, "n2"));
    }

    private static String readyLine(Process jvm) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.startsWith("READY ")) {
                    return line;
                }
            }
            return "ended with " + jvm.waitFor();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    private static String log(Path out, String node) {
        try {
            return Files.readString(out.resolve(node + ".log"));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
