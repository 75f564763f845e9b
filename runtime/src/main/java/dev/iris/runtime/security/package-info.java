/**
 * Who may join a cluster: {@link dev.iris.runtime.security.ClusterAuthority} issues
 * {@link dev.iris.runtime.security.NodeCredentials}, and nodes configured with them
 * ({@link dev.iris.runtime.NodeConfig#withCredentials}) talk mutual TLS 1.3 and refuse any peer
 * that cannot prove it belongs. The threat model is in {@code doc/security.md}.
 */
package dev.iris.runtime.security;
