package org.bedside.sandbox;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /fhir/.well-known/smart-configuration} (SMART App Launch 2.x): where a backend client finds the token
 * endpoint and what the authorization server supports. Keycloak publishes OpenID metadata but no SMART configuration,
 * so the FHIR server does, as HAPI's starter and most FHIR gateways do.
 */
final class SmartConfiguration extends HttpServlet {
    private final String json;

    SmartConfiguration(String tokenEndpoint) {
        this.json = "{\"token_endpoint\":\"" + tokenEndpoint + "\","
                + "\"grant_types_supported\":[\"client_credentials\"],"
                + "\"token_endpoint_auth_methods_supported\":[\"private_key_jwt\",\"client_secret_basic\","
                + "\"client_secret_post\"],"
                + "\"token_endpoint_auth_signing_alg_values_supported\":[\"RS384\",\"ES384\",\"RS256\",\"PS256\"],"
                + "\"scopes_supported\":[\"system/Observation.c\",\"system/Device.c\",\"system/AuditEvent.c\","
                + "\"system/Patient.rs\",\"system/Encounter.rs\"],"
                + "\"capabilities\":[\"client-confidential-asymmetric\",\"client-confidential-symmetric\","
                + "\"permission-v1\",\"permission-v2\"]}";
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("application/json;charset=utf-8");
        response.getWriter().write(json);
    }
}
