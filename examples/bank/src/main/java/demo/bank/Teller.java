package demo.bank;

/** A teller: moves money in shared memory, wherever its pages are. */
public class Teller extends AbstractTeller {
    @Override
    protected Done onOpen(Open o) {
        Accounts accounts = accounts();
        Vault vault = vault();
        accounts.lock().lock();
        try {
            vault.transaction(() -> {
                for (int i = 0; i < Accounts.CENTS_LENGTH; i++) {
                    accounts.setCents(i, o.cents());
                    vault.setCents(i, o.cents());
                }
            });
        } finally {
            accounts.lock().unlock();
        }
        return new Done(true);
    }

    @Override
    protected Done onTransfer(Transfer t) {
        Accounts accounts = accounts();
        accounts.lock().lock();
        try {
            long available = accounts.getCents(t.from());
            long cents = Math.min(available, t.cents());
            accounts.setCents(t.from(), available - cents);
            accounts.setCents(t.to(), accounts.getCents(t.to()) + cents);
            accounts.getAndAddTransfers(1);
            return new Done(cents > 0);
        } finally {
            accounts.lock().unlock();
        }
    }

    @Override
    protected Done onVaultTransfer(VaultTransfer t) {
        Vault vault = vault();
        return vault.transaction(() -> {
            long available = vault.getCents(t.from());
            long cents = Math.min(available, t.cents());
            vault.setCents(t.from(), available - cents);
            vault.setCents(t.to(), vault.getCents(t.to()) + cents);
            return new Done(cents > 0);
        });
    }

    @Override
    protected Totals onAudit(Audit audit) {
        Accounts accounts = accounts();
        long locked = 0;
        accounts.lock().lock();
        try {
            for (int i = 0; i < Accounts.CENTS_LENGTH; i++) {
                locked += accounts.getCents(i);
            }
        } finally {
            accounts.lock().unlock();
        }
        long vaulted = vault().transaction(() -> {
            long sum = 0;
            for (int i = 0; i < Vault.CENTS_LENGTH; i++) {
                sum += vault().getCents(i);
            }
            return sum;
        });
        return new Totals(locked, vaulted, accounts.getTransfers());
    }
}
