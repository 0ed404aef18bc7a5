package org.bedside.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.Bundle;
import org.jspecify.annotations.Nullable;

/**
 * The token check in front of the FHIR API, as a hospital's FHIR server or its API gateway does it: every request
 * but {@code /metadata} and {@code /.well-known/*} needs {@code Authorization: Bearer <JWT>} whose signature verifies
 * with the authorization server's JWKS, that has not expired, whose {@code aud} names this server (and {@code iss} the
 * authorization server, if configured), and whose scopes allow what the request does — for a transaction Bundle,
 * every entry. Refusals follow RFC 6750: 401 with {@code WWW-Authenticate: Bearer error="invalid_token"} for a missing
 * or bad token, 403 with {@code error="insufficient_scope", scope="system/Observation.c"} for a missing scope, each
 * with an OperationOutcome. Tokens are never logged.
 */
final class TokenCheck implements Filter {
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384);

    private final JWKSource<SecurityContext> keys;
    private final @Nullable String issuer;
    private volatile @Nullable DefaultJWTProcessor<SecurityContext> processor;
    private final FhirContext fhir;
    final AtomicLong refused401 = new AtomicLong();
    final AtomicLong refused403 = new AtomicLong();

    TokenCheck(JWKSource<SecurityContext> keys, @Nullable String issuer, FhirContext fhir) {
        this.keys = keys;
        this.issuer = issuer;
        this.fhir = fhir;
    }

    /** Starts checking, for tokens that must name {@code audience}; until then every request is refused (503). */
    void expect(String audience) {
        var processor = new DefaultJWTProcessor<SecurityContext>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (issuer != null) {
            exact.issuer(issuer);
        }
        // aud must contain this server; exp is required; a minute of clock skew is allowed (Nimbus's default).
        processor.setJWTClaimsSetVerifier(
                new DefaultJWTClaimsVerifier<>(audience, exact.build(), new HashSet<>(List.of("exp"))));
        this.processor = processor;
    }

    /** One permission a request needs: {@code c}, {@code r}, {@code u}, {@code d} or {@code s} on a resource type. */
    record Needed(String type, char permission) {}

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.startsWith("/fhir")) {
            path = path.substring("/fhir".length());
        }
        if (path.equals("/metadata") || path.startsWith("/.well-known/")) {
            chain.doFilter(req, res); // the capability statement and SMART configuration are public
            return;
        }
        DefaultJWTProcessor<SecurityContext> processor = this.processor;
        if (processor == null) {
            response.sendError(503, "starting");
            return;
        }
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            refuse(response, 401, "Bearer realm=\"fhir-sandbox\"", "no bearer token: this server needs one");
            return;
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(header.substring(7).trim(), null);
        } catch (ParseException | BadJOSEException | com.nimbusds.jose.JOSEException e) {
            refuse(
                    response,
                    401,
                    "Bearer realm=\"fhir-sandbox\", error=\"invalid_token\", error_description=\""
                            + quoted(e.getMessage()) + "\"",
                    "the bearer token is not valid here: " + e.getMessage());
            return;
        }
        Set<String> scopes = scopes(claims);
        byte[] body = request.getInputStream().readAllBytes();
        List<Needed> needs;
        try {
            needs = needs(request.getMethod(), path, request.getQueryString(), body);
        } catch (DataFormatException e) {
            chain.doFilter(new BufferedRequest(request, body), res); // let the server say what is wrong with it
            return;
        }
        for (Needed n : needs) {
            if (!ScopeRules.allows(scopes, n.type(), n.permission())) {
                String scope = ScopeRules.needed(n.type(), n.permission());
                refuse(
                        response,
                        403,
                        "Bearer realm=\"fhir-sandbox\", error=\"insufficient_scope\", scope=\"" + scope + "\"",
                        "the token lacks scope " + scope + " (it grants: " + String.join(" ", scopes) + ")");
                return;
            }
        }
        chain.doFilter(new BufferedRequest(request, body), res);
    }

    private static Set<String> scopes(JWTClaimsSet claims) {
        Set<String> out = new HashSet<>();
        Object scope = claims.getClaim("scope");
        if (scope instanceof String s) {
            out.addAll(Arrays.asList(s.trim().split("\\s+")));
        }
        Object scp = claims.getClaim("scp");
        if (scp instanceof List<?> list) {
            list.forEach(o -> out.add(String.valueOf(o)));
        }
        return out;
    }

    /** What a request needs: by method and path, and for a transaction or batch Bundle, by each entry. */
    List<Needed> needs(String method, String path, @Nullable String query, byte[] body) {
        List<Needed> out = new ArrayList<>();
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (method.equals("POST") && (p.isEmpty() || p.equals("/"))) {
            Bundle bundle = fhir.newJsonParser().parseResource(Bundle.class, new String(body, StandardCharsets.UTF_8));
            for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
                Bundle.BundleEntryRequestComponent r = e.getRequest();
                if (r.getMethod() == null || r.getUrl() == null) {
                    continue;
                }
                out.add(need(r.getMethod().toCode(), r.getUrl()));
            }
            return out;
        }
        if (p.isEmpty()) {
            out.add(new Needed("*", 's'));
            return out;
        }
        out.add(need(method, query == null ? p : p + "?" + query));
        return out;
    }

    private static Needed need(String method, String url) {
        String u = url.startsWith("/") ? url.substring(1) : url;
        String type = u.split("[/?]", 2)[0];
        boolean instance = u.length() > type.length() && u.charAt(type.length()) == '/' && !u.contains("_search");
        char permission = switch (method) {
            case "POST" -> u.contains("_search") ? 's' : 'c';
            case "PUT", "PATCH" -> 'u';
            case "DELETE" -> 'd';
            default -> instance ? 'r' : 's';
        };
        return new Needed(type, permission);
    }

    private void refuse(HttpServletResponse response, int status, String challenge, String diagnostics)
            throws IOException {
        (status == 401 ? refused401 : refused403).incrementAndGet();
        response.setStatus(status);
        response.setHeader("WWW-Authenticate", challenge);
        response.setContentType("application/fhir+json;charset=utf-8");
        String code = status == 401 ? "login" : "forbidden";
        response.getWriter()
                .write("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"" + code
                        + "\",\"diagnostics\":\"" + quoted(diagnostics) + "\"}]}");
    }

    private static String quoted(@Nullable String s) {
        return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "'");
    }

    /** The request with its body read once here and served again to the FHIR servlet. */
    private static final class BufferedRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("blocking reads only");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }
}
