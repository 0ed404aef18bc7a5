package org.bedside.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * A running sandbox: the Spring context holding the HAPI JPA server, served by Jetty on 127.0.0.1 under
 * {@code /fhir}. {@link #start} returns once the server has answered {@code GET /fhir/metadata} and the demo
 * Patients exist, so callers may use it at once. Used by {@link FhirSandbox} and, in-process, by the tests.
 */
public final class SandboxServer implements AutoCloseable {

    /** Identifier system of the seeded demo Patients. */
    public static final String DEMO_PATIENT_SYSTEM = "urn:bedside:demo-patient";

    private final AnnotationConfigApplicationContext spring;
    private final Server jetty;
    private final String baseUrl;

    private SandboxServer(AnnotationConfigApplicationContext spring, Server jetty, String baseUrl) {
        this.spring = spring;
        this.jetty = jetty;
        this.baseUrl = baseUrl;
    }

    /** Boots the server (about 20-25 s on two cores), warms it up and seeds the demo Patients. */
    public static SandboxServer start(SandboxOptions options) throws Exception {
        var spring = new AnnotationConfigApplicationContext();
        Server jetty = null;
        try {
            spring.registerBean(SandboxOptions.Database.class, options::database);
            spring.register(SandboxSpringConfig.class);
            spring.refresh();

            jetty = new Server();
            SandboxOptions.Security security = options.security();
            var connector = security.https() ? SandboxHttps.connector(jetty, security) : new ServerConnector(jetty);
            connector.setHost("127.0.0.1"); // Jetty listens on every interface unless told otherwise
            connector.setPort(options.port());
            jetty.addConnector(connector);
            // In-memory requests for the warm-up over HTTPS, where the server would want our client certificate.
            var local = new LocalConnector(jetty);
            jetty.addConnector(local);
            var handler = new ServletContextHandler();
            handler.setContextPath("/");
            var servlet = new ServletHolder(spring.getBean(RestfulServer.class));
            servlet.setInitOrder(1); // initialise with Jetty, not on the first request
            handler.addServlet(servlet, "/fhir/*");
            if (security.tokenEndpoint() != null) {
                handler.addServlet(
                        new ServletHolder(new SmartConfiguration(security.tokenEndpoint())),
                        "/fhir/.well-known/smart-configuration");
            }
            TokenCheck tokenCheck = null;
            if (security.checksTokens()) {
                tokenCheck = new TokenCheck(
                        SandboxHttps.keys(security), security.issuer(), spring.getBean(FhirContext.class));
                handler.addFilter(new FilterHolder(tokenCheck), "/fhir/*", EnumSet.of(DispatcherType.REQUEST));
            }
            jetty.setHandler(handler);
            jetty.start();

            String baseUrl =
                    (security.https() ? "https" : "http") + "://127.0.0.1:" + connector.getLocalPort() + "/fhir";
            if (tokenCheck != null) {
                // The audience defaults to the base URL, known only now that the port is.
                tokenCheck.expect(security.audience() != null ? security.audience() : baseUrl);
            }
            var server = new SandboxServer(spring, jetty, baseUrl);
            if (security.https()) {
                server.warmUpInMemory(local);
            } else {
                server.warmUp();
            }
            options.seedPatients().forEach(server::seedPatient);
            return server;
        } catch (Exception | Error e) {
            stopQuietly(jetty);
            spring.close();
            throw e;
        }
    }

    /** The FHIR base URL, e.g. {@code http://127.0.0.1:8090/fhir}. */
    public String baseUrl() {
        return baseUrl;
    }

    /** Stops Jetty, then the Spring context (which closes the database pool). Takes about a second. */
    @Override
    public void close() {
        stopQuietly(jetty);
        spring.close();
    }

    /**
     * The first {@code /metadata} request builds the CapabilityStatement and takes a few seconds; pay that here,
     * and prove the HTTP path works end to end before anyone is told the server is ready.
     */
    private void warmUp() throws IOException, InterruptedException {
        var http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        var request = HttpRequest.newBuilder(URI.create(baseUrl + "/metadata"))
                .header("Accept", "application/fhir+json")
                .timeout(Duration.ofSeconds(60))
                .build();
        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + request.uri() + " answered " + response.statusCode());
        }
    }

    /** The warm-up through Jetty's in-memory connector: the same handlers and servlet, no TLS. */
    private void warmUpInMemory(LocalConnector local) throws Exception {
        String response = local.getResponse(
                "GET /fhir/metadata HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/fhir+json\r\n"
                        + "Connection: close\r\n\r\n",
                60,
                java.util.concurrent.TimeUnit.SECONDS);
        if (response == null || !response.startsWith("HTTP/1.1 200")) {
            throw new IllegalStateException("GET /fhir/metadata (in memory) answered "
                    + (response == null
                            ? "nothing"
                            : response.lines().findFirst().orElse("")));
        }
    }

    /** Creates or updates Patient/{id}: a PUT with a client-assigned id, so seeding again changes nothing. */
    private void seedPatient(String id) {
        var patient = new Patient();
        patient.setId("Patient/" + id);
        patient.addIdentifier(new Identifier().setSystem(DEMO_PATIENT_SYSTEM).setValue(id));
        patient.addName().setFamily("Demo").addGiven("Bed " + id);
        spring.getBean(DaoRegistry.class).getResourceDao(Patient.class).update(patient, new SystemRequestDetails());
    }

    private static void stopQuietly(Server jetty) {
        if (jetty == null) {
            return;
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            System.err.println("fhir-sandbox: stopping Jetty failed: " + e);
        }
    }
}
