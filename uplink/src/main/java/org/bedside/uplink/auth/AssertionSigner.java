package org.bedside.uplink.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bedside.common.tls.PemFiles;
import org.jspecify.annotations.Nullable;

/**
 * Signs the {@code private_key_jwt} client assertion of SMART Backend Services (SMART App Launch 2.x, "Backend
 * Services"; RFC 7523):
 *
 * <pre>
 * header  {"alg":"RS384", "kid":"…", "typ":"JWT"}            (+ "x5t"/"x5t#S256" for Entra ID)
 * claims  {"iss":client, "sub":client, "aud":token endpoint,
 *          "jti":random, "iat":now, "exp":now + at most 5 min}
 * </pre>
 *
 * The key file is read at every signing (tokens are asked for rarely), so a rotated key is used without a restart. The
 * algorithm must fit the key: RS384/RS256/PS256 an RSA key of 2048 bits or more, ES384 an EC P-384 key.
 */
final class AssertionSigner {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final List<JWSAlgorithm> ALLOWED =
            List.of(JWSAlgorithm.RS384, JWSAlgorithm.ES384, JWSAlgorithm.RS256, JWSAlgorithm.PS256);

    private final AuthSettings settings;
    private final InstantSource clock;

    /** The key and what goes into the header, as read from the files. */
    record Signing(
            PrivateKey key,
            JWSAlgorithm algorithm,
            String keyId,
            @Nullable Base64URL x5t,
            @Nullable Base64URL x5t256) {
        @Override
        public String toString() {
            return "Signing[" + algorithm + ", kid " + keyId + "]";
        }
    }

    private AssertionSigner(AuthSettings settings, InstantSource clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Checks the key, algorithm and certificate now, so that a wrong one stops the gateway at start. */
    static AssertionSigner open(AuthSettings settings, InstantSource clock) throws AuthConfigException {
        if (settings.clientId() == null || settings.clientId().isBlank()) {
            throw new AuthConfigException(AuthConfigException.Field.CLIENT_ID, "private_key_jwt needs the client id");
        }
        if (settings.assertionLifetime().compareTo(AuthSettings.MAX_ASSERTION_LIFETIME) > 0
                || settings.assertionLifetime().isNegative()
                || settings.assertionLifetime().isZero()) {
            throw new AuthConfigException(
                    AuthConfigException.Field.TIMES,
                    "an assertion may be valid for at most 5 minutes (SMART), not " + settings.assertionLifetime());
        }
        load(settings);
        return new AssertionSigner(settings, clock);
    }

    /** A fresh assertion for {@code tokenEndpoint}: new {@code jti}, {@code iat} now, {@code exp} within 5 minutes. */
    SignedJWT sign(URI tokenEndpoint) throws IOException {
        Signing s;
        try {
            s = load(settings);
        } catch (AuthConfigException e) {
            throw new IOException(e.getMessage());
        }
        Instant now = clock.instant();
        byte[] jti = new byte[24];
        RANDOM.nextBytes(jti);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(settings.clientId())
                .subject(settings.clientId())
                .audience(tokenEndpoint.toString())
                .jwtID(Base64.getUrlEncoder().withoutPadding().encodeToString(jti))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(settings.assertionLifetime())))
                .build();
        JWSHeader.Builder header =
                new JWSHeader.Builder(s.algorithm()).keyID(s.keyId()).type(JOSEObjectType.JWT);
        if (s.x5t() != null) {
            header.x509CertThumbprint(s.x5t());
        }
        if (s.x5t256() != null) {
            header.x509CertSHA256Thumbprint(s.x5t256());
        }
        SignedJWT jwt = new SignedJWT(header.build(), claims);
        try {
            jwt.sign(signer(s));
        } catch (JOSEException e) {
            throw new IOException("cannot sign the client assertion with " + s.algorithm() + ": " + e.getMessage());
        }
        return jwt;
    }

    Signing current() throws AuthConfigException {
        return load(settings);
    }

    private static JWSSigner signer(Signing s) throws JOSEException {
        if (s.key() instanceof ECPrivateKey ec) {
            return new ECDSASigner(ec);
        }
        return new RSASSASigner(s.key());
    }

    static Signing load(AuthSettings settings) throws AuthConfigException {
        Path keyFile = settings.keyFile();
        if (keyFile == null) {
            throw new AuthConfigException(AuthConfigException.Field.KEY_FILE, "private_key_jwt needs the key file");
        }
        PrivateKey key;
        try {
            key = PemFiles.privateKey(keyFile, null);
        } catch (IOException e) {
            throw new AuthConfigException(AuthConfigException.Field.KEY_FILE, e.getMessage());
        }
        X509Certificate certificate = null;
        if (settings.certificateFile() != null) {
            try {
                certificate = PemFiles.certificates(settings.certificateFile()).get(0);
            } catch (IOException e) {
                throw new AuthConfigException(AuthConfigException.Field.CERTIFICATE_FILE, e.getMessage());
            }
        } else if (settings.thumbprint() != AuthSettings.Thumbprint.NONE) {
            throw new AuthConfigException(
                    AuthConfigException.Field.CERTIFICATE_FILE, "an x5t header needs the key's certificate file");
        }
        JWSAlgorithm algorithm = algorithm(settings, key, keyFile);
        PublicKey publicKey = certificate != null ? certificate.getPublicKey() : rsaPublicKey(key);
        if (certificate != null && !certificate.getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
            throw new AuthConfigException(
                    AuthConfigException.Field.CERTIFICATE_FILE,
                    "the certificate in " + settings.certificateFile() + " is not for the key in " + keyFile);
        }
        String keyId = settings.keyId();
        if (keyId == null || keyId.isBlank()) {
            if (publicKey == null) {
                throw new AuthConfigException(
                        AuthConfigException.Field.KEY_ID,
                        "the kid of the EC key in " + keyFile + " cannot be worked out without its certificate: give"
                                + " the key id it was registered with, or the certificate file");
            }
            keyId = thumbprint(publicKey);
        }
        Base64URL x5t = null;
        Base64URL x5t256 = null;
        if (certificate != null) {
            try {
                byte[] der = certificate.getEncoded();
                if (settings.thumbprint() == AuthSettings.Thumbprint.X5T) {
                    x5t = Base64URL.encode(MessageDigest.getInstance("SHA-1").digest(der));
                } else if (settings.thumbprint() == AuthSettings.Thumbprint.X5T_S256) {
                    x5t256 = Base64URL.encode(
                            MessageDigest.getInstance("SHA-256").digest(der));
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no SHA-1/SHA-256", e);
            }
        }
        return new Signing(key, algorithm, keyId, x5t, x5t256);
    }

    private static JWSAlgorithm algorithm(AuthSettings settings, PrivateKey key, Path keyFile)
            throws AuthConfigException {
        String configured = settings.algorithm();
        JWSAlgorithm a;
        if (configured == null || configured.isBlank()) {
            a = key instanceof ECPrivateKey ? JWSAlgorithm.ES384 : JWSAlgorithm.RS384;
        } else {
            a = JWSAlgorithm.parse(configured.trim().toUpperCase(java.util.Locale.ROOT));
            if (!ALLOWED.contains(a)) {
                throw new AuthConfigException(
                        AuthConfigException.Field.ALGORITHM,
                        "'" + configured + "' is not one of RS384, ES384 (what SMART asks for), RS256, PS256");
            }
        }
        if (a.equals(JWSAlgorithm.ES384)) {
            if (!(key instanceof ECPrivateKey ec) || !Curve.P_384.equals(Curve.forECParameterSpec(ec.getParams()))) {
                throw new AuthConfigException(
                        AuthConfigException.Field.ALGORITHM,
                        "ES384 needs an EC P-384 key; the key in " + keyFile + " is " + describe(key));
            }
        } else if (!(key instanceof RSAPrivateKey rsa)) {
            throw new AuthConfigException(
                    AuthConfigException.Field.ALGORITHM,
                    a + " needs an RSA key; the key in " + keyFile + " is " + describe(key));
        } else if (rsa.getModulus().bitLength() < 2048) {
            throw new AuthConfigException(
                    AuthConfigException.Field.KEY_FILE,
                    "the RSA key in " + keyFile + " has " + rsa.getModulus().bitLength() + " bits; at least 2048");
        }
        return a;
    }

    private static String describe(PrivateKey key) {
        if (key instanceof ECPrivateKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            return "EC " + (curve == null ? "(unknown curve)" : curve.getName());
        }
        if (key instanceof RSAPrivateKey rsa) {
            return "RSA " + rsa.getModulus().bitLength();
        }
        return key.getAlgorithm();
    }

    /** An RSA private key in PKCS#8 carries its public half; an EC one does not. */
    private static @Nullable PublicKey rsaPublicKey(PrivateKey key) {
        if (key instanceof RSAPrivateCrtKey crt) {
            try {
                return KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
            } catch (GeneralSecurityException e) {
                return null;
            }
        }
        return null;
    }

    /** The RFC 7638 JWK thumbprint, the kid Nimbus and most registries compute. */
    static String thumbprint(PublicKey publicKey) throws AuthConfigException {
        try {
            if (publicKey instanceof RSAPublicKey rsa) {
                return new RSAKey.Builder(rsa).build().computeThumbprint().toString();
            }
            if (publicKey instanceof ECPublicKey ec) {
                return new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec)
                        .build()
                        .computeThumbprint()
                        .toString();
            }
        } catch (JOSEException | RuntimeException e) {
            throw new AuthConfigException(
                    AuthConfigException.Field.KEY_ID, "cannot compute the key's thumbprint: " + e);
        }
        throw new AuthConfigException(AuthConfigException.Field.KEY_ID, "unsupported key " + publicKey.getAlgorithm());
    }
}
