package org.bedside.sandbox;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** The sandbox's HTTPS connector (TLS 1.2/1.3, optionally demanding client certificates) and its token keys. */
final class SandboxHttps {
    private SandboxHttps() {}

    static ServerConnector connector(Server jetty, SandboxOptions.Security security) throws Exception {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getEncoder().encodeToString(random); // for the in-memory key store only
        var ssl = new SslContextFactory.Server();
        ssl.setKeyStore(SandboxPem.keyStore(security.certificate(), security.key(), password.toCharArray()));
        ssl.setKeyStorePassword(password);
        ssl.setKeyManagerPassword(password);
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        if (security.clientCa() != null) {
            ssl.setTrustStore(SandboxPem.trustStore(security.clientCa()));
            ssl.setNeedClientAuth(true);
        }
        var config = new HttpConfiguration();
        var secure = new SecureRequestCustomizer();
        // Whether the name fits the certificate is the client's to check (and the tests' point), not the server's.
        secure.setSniHostCheck(false);
        config.addCustomizer(secure);
        return new ServerConnector(jetty, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(config));
    }

    /** The JWKS from a file (read once) or from the authorization server's URL (cached, fetched again for a new kid). */
    static JWKSource<SecurityContext> keys(SandboxOptions.Security security) throws Exception {
        if (security.jwksFile() != null) {
            return new ImmutableJWKSet<>(JWKSet.load(security.jwksFile().toFile()));
        }
        return JWKSourceBuilder.create(URI.create(security.jwksUrl()).toURL()).build();
    }
}
