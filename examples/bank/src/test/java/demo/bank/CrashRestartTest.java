package demo.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.cli.LocalBundles;
import dev.iris.runtime.Node;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.dsm.MemoryConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bank of cluster {@code durable} (a persistent memory with backup copies) as exported node
 * JVMs on loopback TCP, every one of them killed with SIGKILL at a random moment while clients
 * send transfers of both kinds, then all started again from the same bundles, round after round:
 * the vault's total is conserved (its transfers are transactions), the accounts' total loses at
 * most what the transfers under the lock that were under way moved (each is two writes: one that
 * died between them is half done; a lock gives isolation, not atomicity), and their counter holds
 * every one a teller confirmed, and none that was not sent.
 */
class CrashRestartTest {
    private static final int ROUNDS = 3;
    private static final int CLIENTS = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** The most cents a transfer moves. */
    private static final long MAX_CENTS = 299;

    @Test
    @Timeout(300)
    void everyConfirmedTransferSurvivesTheDeathOfEveryNode(@TempDir Path out) throws Exception {
        long money = Main.START * Accounts.CENTS_LENGTH;
        long accounts = money;
        long counted = 0;
        long[] made = {0, 0};
        try (LocalBundles cluster = LocalBundles.start(Path.of("."), "durable", out)) {
            for (int round = 1; ; round++) {
                if (round > 1) {
                    cluster.startAgain();
                }
                // a client that only sends messages: every node of a persistent memory keeps a log
                Node client = cluster.client("client" + round, BankSystem.codecs(), MemoryConfig.NONE);
                if (round == 1) {
                    client.call("opening", TIMEOUT, k -> k.send(k.members(BankSystem.TELLERS).iterator().next(),
                            new Open(Main.START), TIMEOUT));
                }
                Object audited = client.call("auditor", TIMEOUT, k -> k.send(BankSystem.TELLERS, new Audit(), TIMEOUT));
                String after = "after " + (round - 1) + " kills";
                assertTrue(audited instanceof Totals, "the audit " + after + ": " + audited);
                Totals totals = (Totals) audited;
                assertEquals(money, totals.vault(), "the vault's total " + after);
                // a transfer under the lock is two writes: one under way when the JVMs died may be half done
                long lost = accounts - totals.accounts();
                long underWay = made[1] - made[0];
                assertTrue(lost >= 0 && lost <= MAX_CENTS * underWay, "the accounts' total is " + totals.accounts()
                        + " " + after + ", " + accounts + " before, with " + underWay + " transfers under way");
                accounts = totals.accounts();
                long transfers = totals.transfers();
                assertTrue(transfers >= counted + made[0] && transfers <= counted + made[1], "the counter holds "
                        + transfers + " " + after + ": " + counted + " before, then " + made[0] + " transfers confirmed "
                        + "of " + made[1] + " sent");
                counted = transfers;
                if (round > ROUNDS) {
                    break;
                }
                made = transferUntilKilled(cluster, client);
            }
        }
        assertTrue(counted > 0, "transfers were made");
    }

    /**
     * Clients on {@code client} send transfers to random tellers until a random number of them
     * were confirmed; then every node JVM is killed. Returns how many transfers under the lock were
     * confirmed, and how many were sent (confirmed or not): what the counter can have gained.
     */
    private static long[] transferUntilKilled(LocalBundles cluster, Node client) throws Exception {
        AtomicLong confirmed = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        CountDownLatch enough = new CountDownLatch(ThreadLocalRandom.current().nextInt(10, 120));
        for (int c = 0; c < CLIENTS; c++) {
            SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
            client.spawn("client", k -> {
                List<ProcessId> tellers = List.copyOf(k.members(BankSystem.TELLERS));
                Duration timeout = Duration.ofSeconds(10);
                try {
                    while (true) {
                        ProcessId teller = tellers.get(random.nextInt(tellers.size()));
                        int from = random.nextInt(Accounts.CENTS_LENGTH);
                        int to = random.nextInt(Accounts.CENTS_LENGTH);
                        long cents = random.nextLong(1, MAX_CENTS + 1);
                        sent.incrementAndGet();
                        k.send(teller, new Transfer(from, to, cents), timeout);
                        confirmed.incrementAndGet();
                        enough.countDown();
                        k.send(teller, new VaultTransfer(from, to, cents), timeout);
                    }
                } catch (RuntimeException deadTeller) {
                    // the cluster was killed under it
                }
            });
        }
        assertTrue(enough.await(120, TimeUnit.SECONDS), "the clients got enough confirmations");
        for (int i = 0; i < cluster.bundles().size(); i++) {
            cluster.kill(i);
        }
        // no confirmation can come now, and no transfer sent from now on can be counted
        long[] made = {confirmed.get(), sent.get()};
        client.close();
        return made;
    }
}
