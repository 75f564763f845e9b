package dev.iris.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.core.internal.IrisBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.core.resources.ICommand;
import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IFolder;
import org.eclipse.core.resources.IMarker;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.resources.IWorkspaceDescription;
import org.eclipse.core.resources.IncrementalProjectBuilder;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.jdt.core.IJavaModelMarker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * New Iris projects and the Iris builder in a real workspace: the builder generates
 * {@code src-gen/}, JDT compiles it with the example's handlers against the Iris runtime
 * container, problems become markers, and nothing stale or half-written is left.
 */
class IrisProjectsTest {
    private IProject project;

    @BeforeAll
    static void noAutobuild() throws CoreException {
        // the tests build explicitly, so that what each one checks is the result of its own build
        IWorkspaceDescription description = ResourcesPlugin.getWorkspace().getDescription();
        description.setAutoBuilding(false);
        ResourcesPlugin.getWorkspace().setDescription(description);
    }

    @AfterEach
    void deleteProject() throws CoreException {
        if (project != null) {
            project.delete(true, true, null);
        }
    }

    private static List<IMarker> errors(IResource resource) throws CoreException {
        return Arrays.stream(resource.findMarkers(IMarker.PROBLEM, true, IResource.DEPTH_INFINITE))
                .filter(m -> m.getAttribute(IMarker.SEVERITY, -1) == IMarker.SEVERITY_ERROR).toList();
    }

    private static String describe(List<IMarker> markers) {
        return markers.stream().map(m -> m.getResource().getProjectRelativePath() + ":"
                + m.getAttribute(IMarker.LINE_NUMBER, -1) + ": " + m.getAttribute(IMarker.MESSAGE, "")).toList().toString();
    }

    private void build() throws CoreException {
        project.build(IncrementalProjectBuilder.INCREMENTAL_BUILD, null);
    }

    @ParameterizedTest
    @EnumSource(IrisProjects.Example.class)
    void aNewProjectOfEitherExampleBuildsWithoutErrors(IrisProjects.Example example) throws CoreException {
        project = IrisProjects.create("new-" + example.name().toLowerCase(), null, example, null);
        build();

        assertEquals("[]", describe(errors(project)));
        String pkg = example == IrisProjects.Example.NAMES ? "demo/names/" : "demo/bank/";
        assertTrue(project.getFile(IrisBuilder.SRC_GEN + "/" + pkg + "Abstract"
                + (example == IrisProjects.Example.NAMES ? "NameServer" : "Teller") + ".java").exists());
        assertTrue(project.getFile("bin/" + pkg + "Main.class").exists(), "JDT compiled the handlers and main");
        // generated code: derived (out of Open Resource and searches) and without a warning of JDT's
        IFolder srcGen = project.getFolder(IrisBuilder.SRC_GEN);
        List<String> notDerived = new ArrayList<>();
        srcGen.accept(r -> {
            if (r.getType() == IResource.FILE && !r.isDerived()) {
                notDerived.add(r.getProjectRelativePath().toString());
            }
            return true;
        });
        assertEquals(List.of(), notDerived);
        assertEquals("[]", describe(Arrays.asList(srcGen.findMarkers(IJavaModelMarker.JAVA_MODEL_PROBLEM_MARKER, true,
                IResource.DEPTH_INFINITE))), "JDT's problems in src-gen");
        ICommand[] spec = project.getDescription().getBuildSpec();
        assertArrayEquals(new String[] {IrisNature.BUILDER_ID, IrisNature.JAVA_BUILDER_ID},
                Arrays.stream(spec).map(ICommand::getBuilderName).toArray(), "Iris generates before Java compiles");
    }

    @Test
    void anErrorIsAMarkerAtItsLineAndTheGeneratedCodeStays() throws Exception {
        project = IrisProjects.create("broken", null, IrisProjects.Example.NAMES, null);
        build();
        IFile iris = project.getFile(IrisProjects.IRIS_SRC + "/names.iris");
        IFile generated = project.getFile(IrisBuilder.SRC_GEN + "/demo/names/AbstractNameServer.java");
        String before = generated.readString();

        String text = iris.readString();
        int line = (int) text.substring(0, text.indexOf("handles Register, Lookup")).chars().filter(c -> c == '\n').count() + 1;
        iris.setContents(text.replace("handles Register, Lookup", "handles Register, Lookp").getBytes(StandardCharsets.UTF_8),
                IResource.FORCE, null);
        build();

        IMarker[] markers = errors(iris).toArray(IMarker[]::new);
        assertEquals(1, markers.length, describe(List.of(markers)));
        assertEquals(IrisMarkers.PROBLEM, markers[0].getType());
        assertEquals(line, markers[0].getAttribute(IMarker.LINE_NUMBER, -1));
        assertTrue(markers[0].getAttribute(IMarker.MESSAGE, "").contains("Lookp"), describe(List.of(markers)));
        int start = markers[0].getAttribute(IMarker.CHAR_START, -1);
        assertEquals("Lookp", iris.readString().substring(start, markers[0].getAttribute(IMarker.CHAR_END, -1)));
        assertEquals(before, generated.readString(), "a failed Iris build leaves src-gen alone");

        iris.setContents(text.getBytes(StandardCharsets.UTF_8), IResource.FORCE, null);
        build();
        assertEquals("[]", describe(errors(project)), "fixing the file clears its markers");
    }

    @Test
    void theGeneratedFileOfARemovedDeclarationDisappears() throws Exception {
        project = IrisProjects.create("stale", null, IrisProjects.Example.NAMES, null);
        IFile iris = project.getFile(IrisProjects.IRIS_SRC + "/names.iris");
        String text = iris.readString();
        iris.setContents((text + "\nmessage Extra {\n    long x\n}\n").getBytes(StandardCharsets.UTF_8), IResource.FORCE, null);
        build();
        IFile extra = project.getFile(IrisBuilder.SRC_GEN + "/demo/names/Extra.java");
        assertTrue(extra.exists());
        assertTrue(project.getFile("bin/demo/names/Extra.class").exists());

        iris.setContents(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), IResource.FORCE, null);
        build();
        assertFalse(extra.exists(), "removed with its declaration");
        assertFalse(project.getFile("bin/demo/names/Extra.class").exists(), "and JDT removed its class");
        assertEquals("[]", describe(errors(project)));
    }

    @Test
    void cleanEmptiesSrcGenAndTheNextBuildRegeneratesIt() throws CoreException {
        project = IrisProjects.create("clean", null, IrisProjects.Example.NAMES, null);
        build();
        project.build(IncrementalProjectBuilder.CLEAN_BUILD, null);
        IFile system = project.getFile(IrisBuilder.SRC_GEN + "/demo/names/NamesSystem.java");
        assertFalse(system.exists());
        project.build(IncrementalProjectBuilder.FULL_BUILD, null);
        assertTrue(system.exists());
        assertEquals("[]", describe(errors(project)));
    }
}
