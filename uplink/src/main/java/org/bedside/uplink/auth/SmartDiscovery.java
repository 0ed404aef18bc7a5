package org.bedside.uplink.auth;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;
import net.minidev.json.JSONObject;
import org.jspecify.annotations.Nullable;

/**
 * Finds the token endpoint in {@code <FHIR base>/.well-known/smart-configuration} (SMART App Launch 2.x, "SMART
 * configuration"), as a backend client should when none is configured. The endpoint must be HTTPS, or HTTP on a
 * loopback address (tests, a local proxy): an assertion or secret is never sent in clear over a network.
 */
final class SmartDiscovery {
    private final URI fhirBase;
    private final HttpClient http;
    private final Duration timeout;
    private final Function<Exception, @Nullable String> tlsExplainer;

    /**
     * @param endpoint the token endpoint, or null with {@code problem} saying why
     * @param refused the server answered, but with no usable endpoint (asking again soon will not help)
     */
    record Result(@Nullable URI endpoint, String problem, boolean refused) {}

    SmartDiscovery(
            URI fhirBase, HttpClient http, Duration timeout, Function<Exception, @Nullable String> tlsExplainer) {
        this.fhirBase = fhirBase;
        this.http = http;
        this.timeout = timeout;
        this.tlsExplainer = tlsExplainer;
    }

    URI configurationUrl() {
        String base = fhirBase.toString();
        return URI.create((base.endsWith("/") ? base : base + "/") + ".well-known/smart-configuration");
    }

    Result tokenEndpoint() {
        URI url = configurationUrl();
        HttpResponse<String> r;
        try {
            r = http.send(
                    HttpRequest.newBuilder(url)
                            .timeout(timeout)
                            .header("Accept", "application/json")
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            String tls = tlsExplainer.apply(e);
            return new Result(
                    null,
                    "cannot read " + url + " to find the token endpoint: "
                            + (tls != null
                                    ? tls
                                    : e.getClass().getSimpleName()
                                            + (e.getMessage() == null ? "" : " " + e.getMessage())),
                    false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(null, "interrupted", false);
        }
        if (r.statusCode() >= 500) {
            return new Result(null, url + " answered HTTP " + r.statusCode(), false);
        }
        if (r.statusCode() != 200) {
            return new Result(
                    null,
                    url + " answered HTTP " + r.statusCode() + ": the server publishes no SMART configuration;"
                            + " configure the token endpoint",
                    true);
        }
        String endpoint;
        try {
            JSONObject json = JSONObjectUtils.parse(r.body());
            endpoint = JSONObjectUtils.getString(json, "token_endpoint", null);
        } catch (ParseException e) {
            return new Result(null, url + " is not a SMART configuration (JSON): " + e.getMessage(), true);
        }
        if (endpoint == null) {
            return new Result(null, url + " names no token_endpoint; configure the token endpoint", true);
        }
        try {
            URI uri = new URI(endpoint);
            String problem = insecure(uri);
            if (problem != null) {
                return new Result(null, url + " names the token endpoint " + endpoint + ", which " + problem, true);
            }
            return new Result(uri, "", false);
        } catch (URISyntaxException e) {
            return new Result(null, url + " names a token endpoint that is not a URL: " + endpoint, true);
        }
    }

    /** Why sending credentials to {@code uri} would be unsafe, or null if it is not. */
    static @Nullable String insecure(URI uri) {
        if ("https".equals(uri.getScheme())) {
            return null;
        }
        if ("http".equals(uri.getScheme()) && isLoopback(uri.getHost())) {
            return null;
        }
        return "is not https (credentials are sent only over TLS, or to a loopback address)";
    }

    static boolean isLoopback(@Nullable String host) {
        return host != null
                && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"));
    }
}
