package org.bedside.uplink.auth;

import com.nimbusds.oauth2.sdk.http.HTTPRequestSender;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPRequest;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sends Nimbus's HTTP requests with the uplink's own {@link HttpClient}, so that token requests use the same TLS
 * settings (trust file, client certificate, TLS 1.2+, host-name verification) as the FHIR requests, and no second HTTP
 * stack with its own defaults.
 */
final class JavaHttpSender implements HTTPRequestSender {
    /** Headers the JDK client sets itself and refuses to be given. */
    private static final Set<String> RESTRICTED = Set.of("content-length", "host", "connection", "expect", "upgrade");

    private final HttpClient http;
    private final Duration timeout;

    JavaHttpSender(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    @Override
    public ReadOnlyHTTPResponse send(ReadOnlyHTTPRequest request) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(request.getURI()).timeout(timeout);
        for (Map.Entry<String, List<String>> h : request.getHeaderMap().entrySet()) {
            if (RESTRICTED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                continue;
            }
            for (String v : h.getValue()) {
                b.header(h.getKey(), v);
            }
        }
        String body = request.getBody();
        switch (request.getMethod()) {
            case GET -> b.GET();
            case POST -> b.POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body, StandardCharsets.UTF_8));
            default ->
                b.method(
                        request.getMethod().name(),
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        HTTPResponse out = new HTTPResponse(r.statusCode());
        r.headers().map().forEach((name, values) -> {
            if (!name.startsWith(":")) {
                out.setHeader(name, values.toArray(String[]::new));
            }
        });
        out.setBody(r.body());
        return out;
    }
}
