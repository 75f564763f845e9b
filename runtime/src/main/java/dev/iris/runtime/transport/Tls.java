package dev.iris.runtime.transport;

import dev.iris.runtime.security.NodeCredentials;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Mutual TLS 1.3 between the nodes of a cluster: both sides present a certificate signed by the
 * cluster's authority and trust nothing else (the JDK's TLS, no host-name check: a node is known by
 * its certificate's name, which {@link HandshakeHandler} compares with the name in its handshake).
 * The handler goes first in a connection's pipeline, so nothing of a peer that fails is decoded.
 */
public final class Tls {
    private static final String[] PROTOCOLS = {"TLSv1.3"};

    private final SslContext server;
    private final SslContext client;

    public Tls(NodeCredentials credentials) {
        try {
            server = SslContextBuilder.forServer(credentials.key(), credentials.certificate())
                    .trustManager(credentials.authority()).clientAuth(ClientAuth.REQUIRE)
                    .protocols(PROTOCOLS).sslProvider(SslProvider.JDK).build();
            client = SslContextBuilder.forClient().keyManager(credentials.key(), credentials.certificate())
                    .endpointIdentificationAlgorithm(null) // known by its certificate, not by a host name
                    .trustManager(credentials.authority()).protocols(PROTOCOLS).sslProvider(SslProvider.JDK).build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("unusable credentials for node '" + credentials.node() + "': "
                    + e.getMessage(), e);
        }
    }

    /** The TLS handler for a connection this node dialed ({@code outbound}) or accepted. */
    public SslHandler handler(Channel ch, boolean outbound) {
        return (outbound ? client : server).newHandler(ch.alloc());
    }

    /** The node name the peer's verified certificate carries, once its TLS handshake is done. */
    static String certifiedNode(SslHandler tls) throws SSLPeerUnverifiedException {
        Certificate[] chain = tls.engine().getSession().getPeerCertificates();
        return chain.length > 0 && chain[0] instanceof X509Certificate c ? NodeCredentials.commonName(c) : "";
    }
}
