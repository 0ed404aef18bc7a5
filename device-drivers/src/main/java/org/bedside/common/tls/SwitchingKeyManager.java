package org.bedside.common.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.jspecify.annotations.Nullable;

/**
 * The client certificate and key in force, for each new handshake: when the files are replaced, the next connection
 * presents the new certificate while connections already open keep theirs. A handshake that chose a key finishes with
 * it, because each load has its own alias and the previous load is still known. When the server's list of acceptable
 * CAs excludes ours, that is noted so that the refusal can be explained.
 */
final class SwitchingKeyManager extends X509ExtendedKeyManager {
    private final TlsClient owner;

    SwitchingKeyManager(TlsClient owner) {
        this.owner = owner;
    }

    @Override
    public @Nullable String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        TlsMaterial m = owner.material();
        X509ExtendedKeyManager km = m.keyManager;
        if (km == null) {
            owner.clientCertificateNote("the server asked for a client certificate, and none is configured");
            return null;
        }
        String alias = km.chooseEngineClientAlias(keyType, issuers, engine);
        noteIfRefused(alias, m, keyType, issuers);
        return alias;
    }

    @Override
    public @Nullable String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        TlsMaterial m = owner.material();
        X509ExtendedKeyManager km = m.keyManager;
        if (km == null) {
            owner.clientCertificateNote("the server asked for a client certificate, and none is configured");
            return null;
        }
        String alias = km.chooseClientAlias(keyType, issuers, socket);
        noteIfRefused(alias, m, keyType, issuers);
        return alias;
    }

    private void noteIfRefused(@Nullable String alias, TlsMaterial m, String[] keyType, Principal[] issuers) {
        List<X509Certificate> chain = m.clientChain;
        if (chain == null) {
            return;
        }
        if (alias != null) {
            owner.clientCertificateNote("this box presented its client certificate ("
                    + Certificates.describe(chain.get(0)) + ", issued by " + Certificates.issuer(chain.get(0)) + ")");
            return;
        }
        String accepted = issuers == null || issuers.length == 0
                ? "any issuer"
                : Arrays.stream(issuers).map(Principal::getName).collect(Collectors.joining("; "));
        owner.clientCertificateNote("the server accepts client certificates issued by " + accepted + " with keys of "
                + String.join("/", keyType) + "; this box's (" + Certificates.describe(chain.get(0)) + ") is issued by "
                + Certificates.issuer(chain.get(chain.size() - 1)) + ", so none was sent");
    }

    private @Nullable X509ExtendedKeyManager byAlias(String alias) {
        TlsMaterial m = owner.material();
        if (alias.endsWith(m.clientAlias)) { // the PKIX key manager prefixes its own "n.n."
            return m.keyManager;
        }
        TlsMaterial previous = owner.previousMaterial();
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
        X509ExtendedKeyManager km = owner.material().keyManager;
        return km == null ? null : km.getClientAliases(keyType, issuers);
    }

    // A client presents no server certificate.

    @Override
    public String @Nullable [] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public @Nullable String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public @Nullable String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }
}
