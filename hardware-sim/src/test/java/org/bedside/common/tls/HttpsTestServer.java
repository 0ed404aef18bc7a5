package org.bedside.common.tls;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * A real TLS peer for the handshake tests: the JDK's own HTTPS server on 127.0.0.1 and an ephemeral port, with a PEM
 * certificate, optionally demanding a client certificate from a CA, and restricted to given TLS versions. It answers
 * every request with 200 and the subject of the client certificate it saw (or "anonymous").
 *
 * <p>{@link #main} runs it as a child process: how a test gets a server that speaks only TLS 1.1, which the test
 * JVM's own security settings (rightly) forbid.
 */
final class HttpsTestServer implements AutoCloseable {
    private final HttpsServer server;

    private HttpsTestServer(HttpsServer server) {
        this.server = server;
    }

    static HttpsTestServer start(Path certificate, Path key, @Nullable Path clientCa, List<String> protocols)
            throws Exception {
        SSLContext context = serverContext(certificate, key, clientCa);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = context.getDefaultSSLParameters();
                p.setProtocols(protocols.toArray(String[]::new));
                p.setNeedClientAuth(clientCa != null);
                params.setSSLParameters(p);
            }
        });
        server.createContext("/", exchange -> {
            String who = "anonymous";
            try {
                var peer = ((HttpsExchange) exchange).getSSLSession().getPeerCertificates();
                who = ((X509Certificate) peer[0]).getSubjectX500Principal().getName();
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                // no client certificate
            }
            byte[] body = who.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Connection", "close");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return new HttpsTestServer(server);
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static SSLContext serverContext(Path certificate, Path keyFile, @Nullable Path clientCa) throws Exception {
        List<X509Certificate> chain = PemFiles.certificates(certificate);
        PrivateKey key = PemFiles.privateKey(keyFile, null);
        char[] password = "server".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", key, password, chain.toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, password);
        TrustManagerFactory tmf = null;
        if (clientCa != null) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (X509Certificate c : PemFiles.certificates(clientCa)) {
                trust.setCertificateEntry("ca" + i++, c);
            }
            tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return context;
    }

    /**
     * {@code HttpsTestServer CERT KEY PORT-FILE PROTOCOL...}: serves until killed, after writing its port to PORT-FILE.
     */
    public static void main(String[] args) throws Exception {
        HttpsTestServer s =
                start(Path.of(args[0]), Path.of(args[1]), null, List.of(args).subList(3, args.length));
        Path portFile = Path.of(args[2]);
        Path temp = Files.createTempFile(portFile.toAbsolutePath().getParent(), "port", ".tmp");
        Files.writeString(temp, Integer.toString(s.port()));
        Files.move(temp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** A child JVM whose security settings allow TLS 1.0 and 1.1 (the JDK disables them), serving only {@code protocol}. */
    static Process startOldProtocolChild(Path certificate, Path key, Path dir, String protocol) throws IOException {
        Path security = dir.resolve("old-tls.security");
        // The JDK 17 default list without TLSv1 and TLSv1.1.
        Files.writeString(
                security,
                "jdk.tls.disabledAlgorithms=SSLv3, RC4, DES, MD5withRSA, DH keySize < 1024, EC keySize < 224,"
                        + " 3DES_EDE_CBC, anon, NULL\n");
        Path portFile = dir.resolve("old-tls.port");
        Files.deleteIfExists(portFile);
        return new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Djava.security.properties=" + security,
                        "-cp",
                        System.getProperty("java.class.path"),
                        HttpsTestServer.class.getName(),
                        certificate.toString(),
                        key.toString(),
                        portFile.toString(),
                        protocol)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("old-tls.log").toFile())
                .start();
    }
}
