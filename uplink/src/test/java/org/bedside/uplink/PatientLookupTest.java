package org.bedside.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bedside lookup against a small HTTP server of the JDK's: the search by identifier (system and MRN, never the bare
 * value), the two identifiers from the Bundle, and each answer that is not exactly one patient. The sandbox's own
 * search is run by BedsideConfirmationIT.
 */
class PatientLookupTest {
    static final String SYSTEM = "urn:oid:2.999.1.12";

    private HttpServer server;
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String body = "";

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/fhir/Patient", exchange -> {
            queries.add(exchange.getRequestURI().getQuery());
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
            exchange.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
            if (b.length > 0) {
                exchange.getResponseBody().write(b);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private PatientLookup lookup() {
        return new PatientLookup(UplinkSettings.defaults(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/fhir"), "icu-gw-1"));
    }

    private static String bundle(int total, String... patients) {
        return """
                {"resourceType":"Bundle","type":"searchset","total":%d,"entry":[%s]}""".formatted(total, String.join(",", patients));
    }

    private static final String CARLA = """
            {"resource":{"resourceType":"Patient","id":"p1",
              "identifier":[{"system":"urn:oid:2.999.1.12","value":"M77-1"}],
              "name":[{"use":"usual","given":["Carla"],"family":"B"},
                      {"use":"official","family":"Brombeerstrauch","given":["Carlotta","Maria"]}],
              "birthDate":"1949-11-23"}}""";

    @Test
    void findsThePatientByTheSystemAndTheMrnAndGivesNameAndBirthDate() {
        body = bundle(1, CARLA);
        PatientLookup.Answer a = lookup().find(SYSTEM, "M77-1");
        assertThat(a)
                .isEqualTo(
                        new PatientLookup.Answer.Found("Patient/p1", "Carlotta Maria Brombeerstrauch", "1949-11-23"));
        // The query as the server decodes it: the system, a bar, the MRN.
        assertThat(queries).containsExactly("identifier=urn:oid:2.999.1.12|M77-1&_count=2");
    }

    @Test
    void noPatientTwoPatientsAndAServerErrorAreSaidSo() {
        body = bundle(0);
        assertThat(lookup().find(SYSTEM, "1")).isEqualTo(new PatientLookup.Answer.NotFound());
        body = bundle(2, CARLA, CARLA.replace("\"p1\"", "\"p2\""));
        assertThat(lookup().find(SYSTEM, "1")).isEqualTo(new PatientLookup.Answer.Ambiguous(2));
        body = bundle(3, CARLA);
        assertThat(lookup().find(SYSTEM, "1"))
                .as("the total counts, not only the page")
                .isEqualTo(new PatientLookup.Answer.Ambiguous(3));
        status = 500;
        body = "";
        assertThat(lookup().find(SYSTEM, "M12345"))
                .isInstanceOfSatisfying(
                        PatientLookup.Answer.Failed.class,
                        f -> assertThat(f.reason()).contains("HTTP 500").doesNotContain("M12345"));
        status = 200;
        body = "not json";
        assertThat(lookup().find(SYSTEM, "M12345")).isInstanceOf(PatientLookup.Answer.Failed.class);
    }

    @Test
    void aServerThatIsNotThereIsAFailureWithoutThePatient() {
        server.stop(0);
        assertThat(lookup().find(SYSTEM, "M12345"))
                .isInstanceOfSatisfying(
                        PatientLookup.Answer.Failed.class,
                        f -> assertThat(f.reason()).doesNotContain("M12345"));
    }
}
