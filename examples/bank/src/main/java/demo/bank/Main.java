package demo.bank;

import dev.iris.runtime.Kernel;
import dev.iris.runtime.Node;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.launch.ClusterSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the bank on the cluster {@code local} (see ClusterSession): every account starts with 1,000 cents; one
 * client per node sends random transfers to random tellers, half under the lock and half in
 * transactions; then an audit adds everything up. The totals must not change.
 */
public final class Main {
    static final long START = 1_000;
    static final int TRANSFERS_PER_CLIENT = 100;

    private Main() {
    }

    /** What the bank reported, one line per step. */
    public static String run() throws Exception {
        try (ClusterSession cluster = BankSystem.open(BankSystem.LOCAL, new BankSystem.Handlers(Teller::new))) {
            return session(cluster.nodes());
        }
    }

    /**
     * Opens the accounts from the first of {@code clients} (a teller fills them), runs a client on
     * each (nodes of the cluster, or client nodes of exported bundles; one node may be listed more
     * than once), then audits from the last.
     */
    public static String session(List<Node> clients) throws Exception {
        Duration timeout = Duration.ofSeconds(60);
        Object opened = clients.get(0).call("opening", timeout, k -> k.send(k.members(BankSystem.TELLERS).iterator()
                .next(), new Open(START), timeout));
        if (!(opened instanceof Done)) {
            throw new IllegalStateException("the accounts were not opened: " + opened);
        }
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            running.add(done);
            long seed = i + 1;
            clients.get(i).spawn("client", k -> {
                try {
                    client(k, new SplittableRandom(seed));
                    done.complete(null);
                } catch (Throwable t) {
                    done.completeExceptionally(t);
                }
            });
        }
        // on the node's time: under a simulation (BankSimulationTest) the simulation runs meanwhile
        clients.get(0).await(CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)), Duration.ofSeconds(120));
        Object audited = clients.get(clients.size() - 1).call("auditor", timeout,
                k -> k.send(BankSystem.TELLERS, new Audit(), Duration.ofSeconds(10)));
        if (!(audited instanceof Totals totals)) {
            throw new IllegalStateException("the audit failed: " + audited);
        }
        long expected = START * Accounts.CENTS_LENGTH;
        return "accounts: " + Accounts.CENTS_LENGTH + " x " + START + " cents in each of Accounts and Vault\n"
                + "transfers under the lock: " + totals.transfers() + ", total " + totals.accounts()
                + (totals.accounts() == expected ? " (conserved)" : " (WRONG)") + "\n"
                + "transfers in transactions: " + clients.size() * TRANSFERS_PER_CLIENT + ", total "
                + totals.vault() + (totals.vault() == expected ? " (conserved)" : " (WRONG)");
    }

    private static void client(Kernel k, SplittableRandom random) {
        List<ProcessId> tellers = List.copyOf(k.members(BankSystem.TELLERS));
        Duration timeout = Duration.ofSeconds(10);
        for (int i = 0; i < TRANSFERS_PER_CLIENT; i++) {
            ProcessId teller = tellers.get(random.nextInt(tellers.size()));
            int from = random.nextInt(Accounts.CENTS_LENGTH);
            int to = random.nextInt(Accounts.CENTS_LENGTH);
            long cents = random.nextLong(1, 300);
            k.send(teller, new Transfer(from, to, cents), timeout);
            k.send(teller, new VaultTransfer(from, to, cents), timeout);
        }
    }

    /** Prints the report; fails if money was lost or made (so that {@code iris test --simulate} finds it). */
    public static void main(String[] args) throws Exception {
        String report = run();
        System.out.println(report);
        if (report.contains("(WRONG)")) {
            throw new IllegalStateException("the bank lost or made money");
        }
    }
}
