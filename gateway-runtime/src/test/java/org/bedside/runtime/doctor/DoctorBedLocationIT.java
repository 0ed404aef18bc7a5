package org.bedside.runtime.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bedside.common.tls.WallClock;
import org.bedside.model.DeviceId;
import org.bedside.patients.BedLocation;
import org.bedside.runtime.config.BedSettings;
import org.bedside.sandbox.FhirSandboxProcess;
import org.bedside.uplink.UplinkSecurity;
import org.bedside.uplink.auth.AuthSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The doctor's bed check against the real FHIR sandbox with its bearer tokens checked (signature, audience, SMART
 * scopes): a bed whose Location the server holds is OK and named; a bed not there yet is a warning that the gateway
 * creates it; two Locations with the bed's identifier fail; a token without Location scopes is refused by the server
 * (403) and the check names the scopes; a bed's fixed patient is read, and one that does not exist fails; with the
 * Encounter source, the bed's Encounters in progress are counted and a refused search names its scope. One sandbox
 * for the class (about 25 s to boot).
 */
class DoctorBedLocationIT {
    private static final String AUDIENCE = "urn:bedside:doctor-test-fhir";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static FhirSandboxProcess sandbox;
    private static ECKey signingKey;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSandbox(@TempDir Path work) throws Exception {
        signingKey = new ECKeyGenerator(Curve.P_256).keyID("doctor-test-key").generate();
        Path jwks = work.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(signingKey.toPublicJWK()).toString());
        sandbox = FhirSandboxProcess.start(FhirSandboxProcess.Options.in(work.resolve("sandbox"))
                .withSeedPatients("doctor-bed-patient")
                .withStartTimeout(Duration.ofMinutes(5))
                .withServerArgs("--jwks-file", jwks.toString(), "--audience", AUDIENCE));
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static String token(String scopes) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .keyID(signingKey.getKeyID())
                        .build(),
                new JWTClaimsSet.Builder()
                        .issuer("urn:test-issuer")
                        .subject("bedside-gateway")
                        .audience(AUDIENCE)
                        .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1))))
                        .claim("scope", scopes)
                        .build());
        jwt.sign(new ECDSASigner(signingKey));
        return jwt.serialize();
    }

    /** The uplink's security as the gateway opens it, with a token of these scopes in a bearer file. */
    private UplinkSecurity security(String scopes) throws Exception {
        Path file = Files.createTempFile(dir, "token", "");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(file, token(scopes) + "\n");
        return UplinkSecurity.open(
                URI.create(sandbox.baseUrl()), null, AuthSettings.bearerFile(file), WallClock.system(), TIMEOUT);
    }

    /** A Location with the bed's identifier, as the gateway would create it, made by the test. */
    private static String createLocation(String identifier) throws Exception {
        String body = """
                {"resourceType":"Location","status":"active","mode":"instance",
                 "identifier":[{"system":"urn:bedside:location","value":"%s"}]}""".formatted(identifier);
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/Location"))
                                .header("Content-Type", "application/fhir+json")
                                .header("Authorization", "Bearer " + token("system/Location.c"))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String location = r.headers().firstValue("Location").orElseThrow();
        String path = URI.create(location).getPath();
        String[] parts = path.split("/");
        int at = List.of(parts).indexOf("Location");
        return "Location/" + parts[at + 1];
    }

    private static BedSettings.Bed bed(String name, String location, String patient) {
        return new BedSettings.Bed(
                name, BedLocation.parse(location), new ArrayList<>(List.of(DeviceId.of(name + "-spo2"))), patient);
    }

    private Finding check(BedSettings.Bed bed, String scopes) throws Exception {
        return check(bed, scopes, false);
    }

    private Finding check(BedSettings.Bed bed, String scopes, boolean gatewayRunning) throws Exception {
        return Checks.bedLocation(URI.create(sandbox.baseUrl()), security(scopes), bed, gatewayRunning, false, TIMEOUT)
                .run();
    }

    /** The bed check of a gateway whose patients come from the FHIR Encounter source. */
    private Finding checkWithEncounters(BedSettings.Bed bed, String scopes) throws Exception {
        return Checks.bedLocation(URI.create(sandbox.baseUrl()), security(scopes), bed, true, true, TIMEOUT)
                .run();
    }

    /** An Encounter in progress with an active location entry for {@code location}, made by the test. */
    private static void createEncounterAt(String location) throws Exception {
        String body = """
                {"resourceType":"Encounter","status":"in-progress",
                 "class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},
                 "subject":{"reference":"Patient/doctor-bed-patient"},
                 "location":[{"location":{"reference":"%s"},"status":"active"}]}""".formatted(location);
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/Encounter"))
                                .header("Content-Type", "application/fhir+json")
                                .header("Authorization", "Bearer " + token("system/Encounter.c"))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private static final String READ_LOCATIONS = "system/Location.rs system/Patient.rs";

    @Test
    void aBedWhoseLocationTheServerHoldsIsOkAndNamed() throws Exception {
        String id = createLocation("DOC^1^1");
        Finding f = check(bed("doc-1", "DOC^1^1", null), READ_LOCATIONS);
        assertThat(f.status()).isEqualTo(Finding.Status.OK);
        assertThat(f.subject()).isEqualTo("fhir bed doc-1");
        assertThat(f.message())
                .contains("urn:bedside:location|DOC^1^1 is " + id)
                .contains("the patient comes from the bed's associations");
    }

    @Test
    void aBedNotOnTheServerYetIsAWarningThatTheGatewayCreatesIt() throws Exception {
        Finding f = check(bed("doc-2", "DOC^2^1", null), READ_LOCATIONS);
        assertThat(f.status()).isEqualTo(Finding.Status.WARN);
        assertThat(f.message())
                .contains("bed doc-2", "gateway.beds.doc-2.location")
                .contains(
                        "urn:bedside:location|DOC^2^1 (gateway.beds.doc-2.location) not found on " + sandbox.baseUrl())
                .contains("the gateway creates it")
                .contains("system/Location.c");
    }

    @Test
    void aBedMissingOnTheServerWhileTheGatewayRunsFailsNamingTheBedAndItsKey() throws Exception {
        // A running gateway creates its beds' Locations at its start: one still missing is a failure, not a warning.
        Finding f = check(bed("doc-6", "DOC^6^1", null), READ_LOCATIONS, true);
        assertThat(f.status()).as(f.message()).isEqualTo(Finding.Status.FAIL);
        assertThat(f.subject()).isEqualTo("fhir bed doc-6");
        assertThat(f.message())
                .contains("bed doc-6", "gateway.beds.doc-6.location", "urn:bedside:location|DOC^6^1")
                .contains("although the gateway runs");
    }

    @Test
    void aRunningGatewaysBedWhoseLocationExistsIsOk() throws Exception {
        String id = createLocation("DOC^7^1");
        Finding f = check(bed("doc-7", "DOC^7^1", null), READ_LOCATIONS, true);
        assertThat(f.status()).as(f.message()).isEqualTo(Finding.Status.OK);
        assertThat(f.message()).contains("urn:bedside:location|DOC^7^1 is " + id);
    }

    @Test
    void twoLocationsWithTheBedsIdentifierFail() throws Exception {
        String a = createLocation("DOC^3^1");
        String b = createLocation("DOC^3^1");
        Finding f = check(bed("doc-3", "DOC^3^1", null), READ_LOCATIONS);
        assertThat(f.status()).isEqualTo(Finding.Status.FAIL);
        assertThat(f.message()).contains("2 Locations", a, b, "retire the duplicates");
    }

    @Test
    void aServerRefusingTheSearchFailsAndNamesTheScopes() throws Exception {
        createLocation("DOC^4^1");
        // The gateway's default scopes: no Location scope at all, so the server refuses (403).
        Finding f = check(bed("doc-4", "DOC^4^1", null), String.join(" ", AuthSettings.SMART_V2_SCOPES));
        assertThat(f.status()).isEqualTo(Finding.Status.FAIL);
        assertThat(f.message())
                .contains("refused a search for Location urn:bedside:location|DOC^4^1 (403)")
                .contains("system/Location.c", "system/Location.rs", "gateway.uplink.auth.scopes");
    }

    @Test
    void withTheEncounterSourceTheBedsEncountersInProgressAreCountedAndARefusedSearchNamesTheScope() throws Exception {
        String id = createLocation("DOC^8^1");
        BedSettings.Bed bed = bed("doc-8", "DOC^8^1", null);
        Finding none = checkWithEncounters(bed, READ_LOCATIONS + " system/Encounter.rs");
        assertThat(none.status()).as(none.message()).isEqualTo(Finding.Status.OK);
        assertThat(none.message()).contains(id, "0 Encounters in progress at the bed", "nothing is charted");

        createEncounterAt(id);
        Finding one = checkWithEncounters(bed, READ_LOCATIONS + " system/Encounter.rs");
        assertThat(one.status()).as(one.message()).isEqualTo(Finding.Status.OK);
        assertThat(one.message())
                .contains("1 Encounter in progress at the bed")
                // A count, never the patient.
                .doesNotContain("doctor-bed-patient")
                .doesNotContain("Demo");

        Finding refused = checkWithEncounters(bed, READ_LOCATIONS);
        assertThat(refused.status()).as(refused.message()).isEqualTo(Finding.Status.FAIL);
        assertThat(refused.message())
                .contains("refused the Encounter search of gateway.adt.encounters (403)")
                .contains("system/Encounter.rs", "gateway.uplink.auth.scopes");
    }

    @Test
    void aBedsFixedPatientIsReadAndOneThatDoesNotExistFails() throws Exception {
        createLocation("DOC^5^1");
        Finding ok = check(bed("doc-5", "DOC^5^1", "Patient/doctor-bed-patient"), READ_LOCATIONS);
        assertThat(ok.status()).as(ok.message()).isEqualTo(Finding.Status.OK);
        assertThat(ok.message()).contains("its fixed patient Patient/doctor-bed-patient exists");
        // The sandbox's patient is named "Demo, Bed doctor-bed-patient": the doctor prints the reference, no name.
        assertThat(ok.message()).doesNotContain("Demo");

        Finding missing = check(bed("doc-5", "DOC^5^1", "Patient/nobody-in-doc-5"), READ_LOCATIONS);
        assertThat(missing.status()).isEqualTo(Finding.Status.FAIL);
        assertThat(missing.message())
                .contains("Patient/nobody-in-doc-5 does not exist")
                .contains("gateway.beds.doc-5.patient")
                .doesNotContain("Demo");
        assertThat(missing.subject()).isEqualTo("fhir bed doc-5");
    }
}
