package dev.iris.ui.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.runtime.jobs.Job;
import org.junit.jupiter.api.Test;

/** What iris ide relies on: the directories in iris.import become projects when the workbench starts. */
class ImportOnStartupTest {
    @Test
    void importsTheDirectoriesOfThePropertyInAWorkspaceJob() throws Exception {
        Path dir = Files.createTempDirectory("iris-import");
        Path one = Files.createDirectories(dir.resolve("ping"));
        Path two = Files.createDirectories(dir.resolve("pong"));
        Files.writeString(one.resolve("ping.iris"), "system demo.ping\n");
        IProject ping = ResourcesPlugin.getWorkspace().getRoot().getProject("ping");
        IProject pong = ResourcesPlugin.getWorkspace().getRoot().getProject("pong");
        System.setProperty(ImportOnStartup.PROPERTY, one + File.pathSeparator + two + File.pathSeparator + "/nowhere");
        try {
            new ImportOnStartup().earlyStartup();
            Job.getJobManager().join(ImportOnStartup.class, null);
            assertTrue(ping.isOpen() && pong.isOpen(), "both directories are projects");
            assertTrue(ping.getFile("ping.iris").exists());
        } finally {
            System.clearProperty(ImportOnStartup.PROPERTY);
            ping.delete(false, true, null);
            pong.delete(false, true, null);
        }
    }
}
