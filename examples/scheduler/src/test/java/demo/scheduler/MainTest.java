package demo.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Nine jobs on three nodes, each placed on the least-loaded node: round after round, evenly. */
class MainTest {
    /** What the client reports. */
    static final String EXPECTED = """
                job 1 on n1 (3 loads asked)
                job 2 on n2 (3 loads asked)
                job 3 on n3 (3 loads asked)
                job 4 on n1 (3 loads asked)
                job 5 on n2 (3 loads asked)
                job 6 on n3 (3 loads asked)
                job 7 on n1 (3 loads asked)
                job 8 on n2 (3 loads asked)
                job 9 on n3 (3 loads asked)
                ran: {n1=[1, 4, 7], n2=[2, 5, 8], n3=[3, 6, 9]}""";

    @Test
    void everyJobGoesToTheLeastLoadedNode() throws Exception {
        assertEquals(EXPECTED, Main.run());
    }
}
