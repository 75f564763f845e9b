package dev.iris.runtime.security;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A cluster's certificate authority: the one certificate its nodes trust, and the key that signs
 * their certificates. Created once per cluster (at export, or in memory for a cluster started in
 * one go); only the node credentials it issues travel with the nodes. Keys are EC P-256,
 * certificates X.509 v3 signed with SHA-256/ECDSA (Bouncy Castle builds them; reading them needs
 * only the JDK).
 *
 * @param certificate the authority's self-signed certificate
 * @param key         its private key: whoever has it can admit nodes to the cluster
 */
public record ClusterAuthority(X509Certificate certificate, PrivateKey key) {
    static final String KEY_FILE = "ca-key.pem";
    private static final Duration VALIDITY = Duration.ofDays(3650);
    private static final SecureRandom RANDOM = new SecureRandom();

    public ClusterAuthority {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
    }

    /** A new authority for cluster {@code cluster}, valid ten years. */
    public static ClusterAuthority create(String cluster) {
        KeyPair pair = keyPair();
        X500Name name = name("Iris cluster " + cluster);
        X509v3CertificateBuilder builder = builder(name, name, pair);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new ClusterAuthority(sign(builder, pair.getPrivate()), pair.getPrivate());
    }

    /** Credentials for node {@code node}: a new key and a certificate naming it, signed by this authority. */
    public NodeCredentials issue(String node) {
        if (node == null || node.isEmpty()) {
            throw new IllegalArgumentException("a node name is needed");
        }
        KeyPair pair = keyPair();
        X509v3CertificateBuilder builder = builder(X500Name.getInstance(
                certificate.getSubjectX500Principal().getEncoded()), name(node), pair);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new NodeCredentials(certificate, sign(builder, key), pair.getPrivate());
    }

    /** Writes {@code ca.pem} and {@code ca-key.pem} (private to its owner) into {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(NodeCredentials.AUTHORITY_FILE),
                NodeCredentials.pem("CERTIFICATE", NodeCredentials.encoded(certificate)));
        NodeCredentials.writePrivate(dir.resolve(KEY_FILE), NodeCredentials.pem("PRIVATE KEY", key.getEncoded()));
    }

    /** Reads an authority that {@link #write} wrote. */
    public static ClusterAuthority read(Path dir) throws IOException {
        return new ClusterAuthority(NodeCredentials.certificate(dir.resolve(NodeCredentials.AUTHORITY_FILE)),
                NodeCredentials.privateKey(dir.resolve(KEY_FILE)));
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair pair) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) {
        try {
            byte[] der = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)).getEncoded();
            return NodeCredentials.parse(der);
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot sign a certificate: " + e.getMessage(), e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC P-256 key generator in this JDK", e);
        }
    }
}
