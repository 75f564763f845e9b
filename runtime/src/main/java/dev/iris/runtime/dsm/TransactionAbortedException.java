package dev.iris.runtime.dsm;

/** A transaction conflicted with others on every attempt; none of its writes happened. */
public class TransactionAbortedException extends MemoryException {
    private static final long serialVersionUID = 1L;

    public TransactionAbortedException(String message) {
        super(message);
    }
}
