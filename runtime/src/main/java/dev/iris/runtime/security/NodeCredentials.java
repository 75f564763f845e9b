package dev.iris.runtime.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * What a node shows and checks to be let into its cluster: the cluster's authority certificate,
 * this node's certificate (signed by that authority, its common name the node's name) and the
 * node's private key. Nodes with credentials talk TLS 1.3 with each other and require the peer's
 * certificate: a peer without one signed by the same authority, or whose certificate names
 * another node than its handshake, is refused before any of its frames is read.
 *
 * <p>{@link ClusterAuthority} creates them; {@link #write} and {@link #read} keep them as PEM files
 * ({@code ca.pem}, {@code node.pem}, {@code node-key.pem}, the key readable by its owner only).
 *
 * @param authority   the certificate of the cluster's authority, the only one trusted
 * @param certificate this node's certificate
 * @param key         this node's private key
 */
public record NodeCredentials(X509Certificate authority, X509Certificate certificate, PrivateKey key) {
    static final String AUTHORITY_FILE = "ca.pem";
    static final String CERTIFICATE_FILE = "node.pem";
    static final String KEY_FILE = "node-key.pem";

    public NodeCredentials {
        Objects.requireNonNull(authority, "authority");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
    }

    /** The node these credentials are for: the common name of the certificate. */
    public String node() {
        return commonName(certificate);
    }

    /** The common name (CN) of a certificate's subject, or "" if it has none. */
    public static String commonName(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
            return "";
        } catch (InvalidNameException e) {
            return "";
        }
    }

    /** Writes the three PEM files into {@code dir} (created if needed); the key file is private to its owner. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(AUTHORITY_FILE), pem("CERTIFICATE", encoded(authority)));
        Files.writeString(dir.resolve(CERTIFICATE_FILE), pem("CERTIFICATE", encoded(certificate)));
        writePrivate(dir.resolve(KEY_FILE), pem("PRIVATE KEY", key.getEncoded()));
    }

    /**
     * Reads credentials that {@link #write} wrote.
     *
     * @throws IOException if a file is missing or is not what it should be (the message names it)
     */
    public static NodeCredentials read(Path dir) throws IOException {
        return new NodeCredentials(certificate(dir.resolve(AUTHORITY_FILE)), certificate(dir.resolve(CERTIFICATE_FILE)),
                privateKey(dir.resolve(KEY_FILE)));
    }

    /** Whether {@code dir} holds credentials (all three files). */
    public static boolean present(Path dir) {
        return Files.isRegularFile(dir.resolve(AUTHORITY_FILE)) && Files.isRegularFile(dir.resolve(CERTIFICATE_FILE))
                && Files.isRegularFile(dir.resolve(KEY_FILE));
    }

    static X509Certificate certificate(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IOException(file + " is not an X.509 certificate in PEM: " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IOException(file + " is not a PKCS#8 private key in PEM (BEGIN PRIVATE KEY)");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
            try {
                return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException notEc) {
                return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            }
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IOException(file + " holds no readable private key: " + e.getMessage(), e);
        }
    }

    static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Writes a file only its owner can read, where the file system knows permissions. */
    static void writePrivate(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, text);
    }

    static X509Certificate parse(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
