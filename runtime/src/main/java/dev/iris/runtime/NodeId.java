package dev.iris.runtime;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A node's name and its number. The number is a 32-bit FNV-1a hash of the name (never 0), so
 * every node derives the same number for a name without coordination; two names of one cluster
 * with the same number are refused at the handshake.
 *
 * @param name   the node name, 1 to 255 bytes of UTF-8, unique in the cluster
 * @param number the node number used in {@link ProcessId}s
 */
public record NodeId(String name, int number) {
    public NodeId {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("a node name has 1 to 255 bytes and is not blank: '" + name + "'");
        }
        if (number == 0) {
            throw new IllegalArgumentException("node number 0 is reserved");
        }
    }

    /** The id of the node called {@code name}. */
    public static NodeId of(String name) {
        int hash = 0x811c9dc5;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x01000193;
        }
        return new NodeId(name, hash == 0 ? 1 : hash);
    }

    @Override
    public String toString() {
        return name;
    }
}
