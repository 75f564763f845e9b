package demo.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The bank, compiled from bank.iris, on an in-JVM cluster of three nodes: nothing is lost. */
class MainTest {
    /** What the client reports. */
    static final String EXPECTED = """
                accounts: 64 x 1000 cents in each of Accounts and Vault
                transfers under the lock: 300, total 64000 (conserved)
                transfers in transactions: 300, total 64000 (conserved)""";

    @Test
    void moneyIsConservedUnderLocksAndTransactions() throws Exception {
        assertEquals(EXPECTED, Main.run());
    }
}
