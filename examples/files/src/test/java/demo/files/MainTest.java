package demo.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The example, compiled from files.iris by xtext-maven-plugin, run on an in-JVM cluster. */
class MainTest {
    @Test
    void aFileGoesToTheServerAndBackThroughSegments() throws Exception {
        assertEquals("""
                stored 67108864 bytes on the file server
                fetched 67108864 bytes back, the same: true
                a file it does not have: -1""", Main.run());
    }
}
