package dev.iris.cli;

/** A mistake of the user (a missing file, an unknown cluster): one line to print, and an exit status. */
final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    UserError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
