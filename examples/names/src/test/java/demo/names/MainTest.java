package demo.names;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The example, compiled from names.iris by xtext-maven-plugin, run on an in-JVM cluster. */
class MainTest {
    /** What the client reports. */
    static final String EXPECTED = """
                registered with 4 name servers
                printer found: true
                scanner found: false""";

    @Test
    void theNameServiceAnswers() throws Exception {
        assertEquals(EXPECTED, Main.run());
    }
}
