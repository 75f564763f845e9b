package demo.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.cli.LocalBundles;
import dev.iris.runtime.Kernel;
import dev.iris.runtime.Node;
import dev.iris.runtime.ProcessId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bank as exported node JVMs on loopback TCP (with backup copies, as {@code bank.iris} asks),
 * three clients sending one-cent vault transfers to random tellers, and one node's JVM (n1, the
 * first manager and everyone's seed, or n3) killed with SIGKILL in the middle. Every transfer a
 * teller confirmed must be in the accounts, the total must not change, and only the transfers
 * whose answer was lost may or may not have happened.
 */
class NodeKilledTest {
    private static final int CLIENTS = 3;

    @ParameterizedTest(name = "kill node {0}")
    @ValueSource(ints = {0, 2})
    @Timeout(300)
    void noConfirmedTransferIsLostWhenANodeIsKilled(int killed, @TempDir Path out) throws Exception {
        try (LocalBundles cluster = LocalBundles.start(Path.of("."), null, out)) {
            Node client = cluster.client("client", BankSystem.codecs(), BankSystem.memory(BankSystem.LOCAL));
            Duration timeout = Duration.ofSeconds(60);
            client.call("opening", timeout, k -> {
                Vault vault = new Vault(k.memory());
                vault.transaction(() -> {
                    for (int i = 0; i < Vault.CENTS_LENGTH; i++) {
                        vault.setCents(i, Main.START);
                    }
                });
                return null;
            });
            ConcurrentLinkedQueue<int[]> confirmed = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<int[]> unknown = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch warm = new CountDownLatch(150);
            CountDownLatch after = new CountDownLatch(150); // counted once the node is dead
            AtomicBoolean dead = new AtomicBoolean();
            List<CompletableFuture<Void>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                running.add(done);
                SplittableRandom random = new SplittableRandom(c + 1);
                client.spawn("client" + c, k -> {
                    try {
                        transfers(k, random, stop, confirmed, unknown, () -> (dead.get() ? after : warm).countDown());
                        done.complete(null);
                    } catch (Throwable t) {
                        done.completeExceptionally(t);
                    }
                });
            }
            assertTrue(warm.await(120, TimeUnit.SECONDS), "transfers are under way: " + confirmed.size());
            cluster.kill(killed);
            dead.set(true);
            int atKill = confirmed.size();
            after.await(90, TimeUnit.SECONDS);
            stop.set(true);
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            assertTrue(confirmed.size() >= atKill + 150, "the survivors went on: " + confirmed.size()
                    + " confirmed transfers, " + atKill + " when n" + (killed + 1) + " was killed");

            long[] balances = client.call("auditor", timeout, k -> {
                Vault vault = new Vault(k.memory());
                return vault.transaction(() -> {
                    long[] b = new long[Vault.CENTS_LENGTH];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = vault.getCents(i);
                    }
                    return b;
                });
            });
            assertEquals(Main.START * Vault.CENTS_LENGTH, Arrays.stream(balances).sum(), "the total is conserved");
            long[] expected = new long[Vault.CENTS_LENGTH];
            Arrays.fill(expected, Main.START);
            for (int[] t : confirmed) {
                expected[t[0]]--;
                expected[t[1]]++;
            }
            List<int[]> lost = List.copyOf(unknown);
            assertTrue(lost.size() <= 12, "transfers without an answer: " + lost.size());
            boolean explained = false;
            for (int subset = 0; subset < 1 << lost.size() && !explained; subset++) {
                long[] b = expected.clone();
                for (int i = 0; i < lost.size(); i++) {
                    if ((subset & 1 << i) != 0) {
                        b[lost.get(i)[0]]--;
                        b[lost.get(i)[1]]++;
                    }
                }
                explained = Arrays.equals(b, balances);
            }
            System.out.printf("NodeKilledTest: %d confirmed transfers (%d before n%d was killed, %d after), %d without an "
                    + "answer%n", confirmed.size(), atKill, killed + 1, confirmed.size() - atKill, lost.size());
            assertTrue(explained, "the accounts hold the " + confirmed.size() + " confirmed transfers and some of the "
                    + lost.size() + " whose answer was lost");
        }
    }

    /** One-cent vault transfers to random tellers until told to stop; a teller that died is dropped. */
    private static void transfers(Kernel k, SplittableRandom random, AtomicBoolean stop,
            ConcurrentLinkedQueue<int[]> confirmed, ConcurrentLinkedQueue<int[]> unknown, Runnable counted) {
        while (!stop.get()) {
            List<ProcessId> tellers = List.copyOf(k.members(BankSystem.TELLERS));
            ProcessId teller = tellers.get(random.nextInt(tellers.size()));
            int from = random.nextInt(Vault.CENTS_LENGTH);
            int to = (from + 1 + random.nextInt(Vault.CENTS_LENGTH - 1)) % Vault.CENTS_LENGTH;
            try {
                Object answer = k.send(teller, new VaultTransfer(from, to, 1), Duration.ofSeconds(30));
                if (answer instanceof Done done && done.moved()) {
                    confirmed.add(new int[] {from, to});
                    counted.run();
                } else if (!(answer instanceof Done)) {
                    unknown.add(new int[] {from, to}); // the teller failed (its memory access did): it may have committed
                }
            } catch (RuntimeException e) {
                unknown.add(new int[] {from, to}); // the teller's node died: the answer is lost
            }
        }
    }
}
