package dev.iris.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.jdt.core.JavaCore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Program directories become workspace projects where they are, once. */
class ProjectImportTest {
    private List<IProject> imported = List.of();

    @AfterEach
    void deleteProjects() throws CoreException {
        for (IProject p : imported) {
            p.delete(false, true, null); // the project, not the files
        }
    }

    @Test
    void importsADirectoryInPlaceAndOnlyOnce(@TempDir Path dir) throws Exception {
        Path program = Files.createDirectories(dir.resolve("names"));
        Files.createDirectories(program.resolve("src/main/iris"));
        Files.writeString(program.resolve("src/main/iris/names.iris"), "system demo.names\n");

        imported = ProjectImport.importProjects(List.of(program), new NullProgressMonitor());

        assertEquals(1, imported.size());
        IProject project = imported.get(0);
        assertEquals("names", project.getName());
        assertTrue(project.isOpen());
        assertEquals(program.toRealPath().toString(), project.getLocation().toFile().toPath().toRealPath().toString());
        assertTrue(project.getFile("src/main/iris/names.iris").exists(), "the program's files are in the project");
        assertTrue(IrisNature.isIrisProject(project) && project.hasNature(JavaCore.NATURE_ID),
                "a program directory becomes an Iris project, which Run As > Iris Cluster launches");
        assertEquals("UTF-8", project.getDefaultCharset(false), "no 'no explicit encoding' warning");
        assertEquals(List.of(), ProjectImport.importProjects(List.of(program), new NullProgressMonitor()),
                "a second import changes nothing");
    }
}
