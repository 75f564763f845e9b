package dev.iris.runtime.dsm;

import dev.iris.runtime.IpcException;

/**
 * A shared-memory access or synchronization could not complete: the page's owner or manager is
 * dead, the fault timed out, or a lock or barrier's manager is gone. The message names the page
 * (with its region and address) or the lock, and the node.
 */
public class MemoryException extends IpcException {
    private static final long serialVersionUID = 1L;

    public MemoryException(String message) {
        super(message);
    }
}
