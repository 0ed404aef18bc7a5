package org.bedside.common.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.jspecify.annotations.Nullable;

/**
 * This side's certificate and key in force, for each new handshake, of a client ({@link TlsClient}) or a listener
 * ({@link TlsServer}): when the files are replaced, the next connection presents the new certificate while
 * connections already open keep theirs. A handshake that chose a key finishes with it, because each load has its own
 * alias and the previous load is still known. A client's key manager notes what it did when a server asked for a
 * certificate (and, when the server's list of acceptable CAs excludes ours, why none was sent), so that a refusal can
 * be explained. A client presents no server certificate and a listener no client certificate.
 */
final class SwitchingKeyManager extends X509ExtendedKeyManager {
    private final FilesInForce files;
    /** A client's notes; null for a listener. */
    private final @Nullable Consumer<String> notes;

    private SwitchingKeyManager(FilesInForce files, @Nullable Consumer<String> notes) {
        this.files = files;
        this.notes = notes;
    }

    /** A client's: presents the client certificate, and notes what it did. */
    static SwitchingKeyManager client(FilesInForce files, Consumer<String> notes) {
        return new SwitchingKeyManager(files, notes);
    }

    /** A listener's: presents its server certificate. */
    static SwitchingKeyManager serving(FilesInForce files) {
        return new SwitchingKeyManager(files, null);
    }

    @Override
    public @Nullable String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        Consumer<String> n = notes;
        if (n == null) {
            return null;
        }
        TlsMaterial m = files.material();
        X509ExtendedKeyManager km = m.keyManager;
        if (km == null) {
            n.accept("the server asked for a client certificate, and none is configured");
            return null;
        }
        String alias = km.chooseEngineClientAlias(keyType, issuers, engine);
        noteIfRefused(n, alias, m, keyType, issuers);
        return alias;
    }

    @Override
    public @Nullable String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        Consumer<String> n = notes;
        if (n == null) {
            return null;
        }
        TlsMaterial m = files.material();
        X509ExtendedKeyManager km = m.keyManager;
        if (km == null) {
            n.accept("the server asked for a client certificate, and none is configured");
            return null;
        }
        String alias = km.chooseClientAlias(keyType, issuers, socket);
        noteIfRefused(n, alias, m, keyType, issuers);
        return alias;
    }

    private static void noteIfRefused(
            Consumer<String> notes, @Nullable String alias, TlsMaterial m, String[] keyType, Principal[] issuers) {
        List<X509Certificate> chain = m.clientChain;
        if (chain == null) {
            return;
        }
        if (alias != null) {
            notes.accept("this box presented its client certificate (" + Certificates.describe(chain.get(0))
                    + ", issued by " + Certificates.issuer(chain.get(0)) + ")");
            return;
        }
        String accepted = issuers == null || issuers.length == 0
                ? "any issuer"
                : Arrays.stream(issuers).map(Principal::getName).collect(Collectors.joining("; "));
        notes.accept("the server accepts client certificates issued by " + accepted + " with keys of "
                + String.join("/", keyType) + "; this box's (" + Certificates.describe(chain.get(0)) + ") is issued by "
                + Certificates.issuer(chain.get(chain.size() - 1)) + ", so none was sent");
    }

    private @Nullable X509ExtendedKeyManager byAlias(String alias) {
        TlsMaterial m = files.material();
        if (alias.endsWith(m.clientAlias)) { // the PKIX key manager prefixes its own "n.n."
            return m.keyManager;
        }
        TlsMaterial previous = files.previous();
        return previous != null && alias.endsWith(previous.clientAlias) ? previous.keyManager : null;
    }

    @Override
    public X509Certificate @Nullable [] getCertificateChain(String alias) {
        X509ExtendedKeyManager km = byAlias(alias);
        return km == null ? null : km.getCertificateChain(alias);
    }

    @Override
    public @Nullable PrivateKey getPrivateKey(String alias) {
        X509ExtendedKeyManager km = byAlias(alias);
        return km == null ? null : km.getPrivateKey(alias);
    }

    @Override
    public String @Nullable [] getClientAliases(String keyType, Principal[] issuers) {
        X509ExtendedKeyManager km = files.material().keyManager;
        return km == null || notes == null ? null : km.getClientAliases(keyType, issuers);
    }

    @Override
    public String @Nullable [] getServerAliases(String keyType, Principal[] issuers) {
        X509ExtendedKeyManager km = files.material().keyManager;
        return km == null || notes != null ? null : km.getServerAliases(keyType, issuers);
    }

    @Override
    public @Nullable String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        X509ExtendedKeyManager km = files.material().keyManager;
        return km == null || notes != null ? null : km.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public @Nullable String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        X509ExtendedKeyManager km = files.material().keyManager;
        return km == null || notes != null ? null : km.chooseEngineServerAlias(keyType, issuers, engine);
    }
}
