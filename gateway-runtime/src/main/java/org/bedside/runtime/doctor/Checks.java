package org.bedside.runtime.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bedside.buffer.guard.GuardSettings;
import org.bedside.drivers.transport.Link;
import org.bedside.drivers.transport.SerialTransport;
import org.bedside.hl7.CareLocation;
import org.bedside.patients.BedLocation;
import org.bedside.runtime.config.BedSettings;
import org.bedside.uplink.BedLocations;
import org.bedside.uplink.UplinkSecurity;
import org.bedside.uplink.auth.Credential;
import org.jspecify.annotations.Nullable;

/** The doctor's checks, each a small function of what it looks at. */
final class Checks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checks() {}

    /** Whether this user may read and write a path (access(2)); the tests stand in for a user without the right. */
    static final Predicate<Path> READ_WRITE = p -> Files.isReadable(p) && Files.isWritable(p);

    /**
     * A serial port of a stopped gateway: the path exists (a udev alias or by-id link resolves), this user may read and
     * write it, and whether bytes arrive within {@code listen} (a streaming device sends on its own; a polled one
     * answers only when asked, so silence is a warning, not a failure).
     */
    static Check serialPort(String device, SerialTransport transport, Predicate<Path> access, Duration listen) {
        String subject = "serial " + device;
        return () -> {
            Path path = transport.path();
            if (!Files.exists(path)) {
                return Finding.fail(
                        subject,
                        path + " does not exist: plug the adapter in, check `ls -l /dev/serial/by-id/` and the udev"
                                + " rule (/usr/share/doc/bedside/udev/)");
            }
            if (!access.test(path)) {
                return Finding.fail(
                        subject,
                        path + " is not readable and writable by this user: the port's group must be dialout (the"
                                + " udev rule's GROUP=) and the user in it (`id`)");
            }
            try (Link link = transport.open()) {
                ByteBuffer buffer = ByteBuffer.allocate(4096);
                long deadline = System.nanoTime() + listen.toNanos();
                long bytes = 0;
                while (bytes == 0 && System.nanoTime() < deadline) {
                    buffer.clear();
                    int n = link.read(buffer, Duration.ofMillis(200));
                    if (n < 0) {
                        return Finding.fail(subject, path + " closed while listening: is the cable seated?");
                    }
                    bytes += n;
                }
                if (bytes == 0) {
                    return Finding.warn(
                            subject,
                            path + " opens, but nothing arrived in " + listen.toSeconds() + " s ("
                                    + transport.describe()
                                    + "): a polled device answers only when asked; for a streaming one check the"
                                    + " cable, the baud rate and the device's serial output setting");
                }
                return Finding.ok(subject, path + ": the device is sending (" + transport.describe() + ")");
            } catch (IOException | RuntimeException e) {
                return Finding.fail(subject, path + " cannot be opened: " + e.getMessage());
            }
        };
    }

    /** A serial port while the gateway runs: it holds the port, so the doctor asks it (its health) instead. */
    static Check serialPortOfRunningGateway(String device, @Nullable String health) {
        String subject = "serial " + device;
        return () -> {
            if (health == null) {
                return Finding.warn(subject, "the running gateway did not answer /q/health");
            }
            Matcher m = Pattern.compile(
                            "\"name\"\\s*:\\s*\"device " + Pattern.quote(device)
                                    + "\"\\s*,\\s*\"status\"\\s*:\\s*\"(UP|DOWN)\"(.*?)\\}\\s*\\}",
                            Pattern.DOTALL)
                    .matcher(health);
            if (!m.find()) {
                return Finding.warn(
                        subject,
                        "the running gateway does not report this device (restart it after editing"
                                + " the configuration: systemctl restart bedside)");
            }
            String state = field(m.group(2), "state");
            String detail = field(m.group(2), "detail");
            String text = "the running gateway says " + state + (detail.isEmpty() ? "" : ": " + detail);
            return "UP".equals(m.group(1)) ? Finding.ok(subject, text) : Finding.fail(subject, text);
        };
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
                .matcher(json);
        return m.find() ? m.group(1) : "";
    }

    /** The kernel clock (adjtimex); readings of an unsynchronised clock are corrected later, but fix it. */
    static Check clock(IntSupplier kernelState) {
        return () -> {
            int state = kernelState.getAsInt();
            if (state < 0) {
                return Finding.warn("clock", "the kernel could not be asked (adjtimex): check `timedatectl`");
            }
            if (state == Clock.TIME_ERROR) {
                return Finding.fail(
                        "clock",
                        "not synchronised (adjtimex): readings are kept and charted at corrected times once it is;"
                                + " enable time sync: `timedatectl set-ntp true` (systemd-timesyncd) or install chrony,"
                                + " and let the box reach the hospital's NTP server");
            }
            return Finding.ok("clock", "synchronised (adjtimex state " + state + ")");
        };
    }

    /** The buffer's directory: exists, writable by this user, and above the free-space guard's first watermark. */
    static Check bufferDisk(Path dataDirectory, GuardSettings guard, Predicate<Path> access) {
        return () -> {
            Path dir = dataDirectory.toAbsolutePath();
            if (!Files.isDirectory(dir)) {
                return Finding.fail(
                        "buffer disk",
                        dir + " does not exist: create it, owned by the service user"
                                + " (the package does: /var/lib/bedside)");
            }
            if (!access.test(dir)) {
                return Finding.fail(
                        "buffer disk", dir + " is not writable by this user: `chown -R bedside:bedside " + dir + "`");
            }
            try {
                FileStore store = Files.getFileStore(dir);
                double free = (double) store.getUsableSpace() / store.getTotalSpace();
                String text = String.format(
                        "%s: %d MB free of %d MB (%.0f%%)",
                        dir, store.getUsableSpace() >> 20, store.getTotalSpace() >> 20, free * 100);
                if (free < guard.thinBelow()) {
                    return Finding.fail(
                            "buffer disk",
                            text + ", below " + Math.round(guard.thinBelow() * 100)
                                    + "%: the buffer is being thinned (waveforms dropped); free space on this disk");
                }
                return Finding.ok("buffer disk", text);
            } catch (IOException e) {
                return Finding.fail("buffer disk", dir + ": " + e.getMessage());
            }
        };
    }

    /** A TCP endpoint (an MQTT broker, an MLLP receiver): does it accept a connection? */
    static Check tcp(String subject, String host, int port, Duration timeout) {
        return () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
                return Finding.ok(subject, host + ":" + port + " accepts connections");
            } catch (IOException e) {
                return Finding.fail(
                        subject,
                        host + ":" + port + " does not accept a connection (" + e.getMessage()
                                + "): check the address, the firewall and that the server runs");
            }
        };
    }

    /**
     * The FHIR server: {@code metadata} answers with a CapabilityStatement (with the TLS settings of the uplink), the
     * authorization gives a token (with the uplink's own client), and the patient can be read with it.
     */
    static Check fhir(URI base, UplinkSecurity security, @Nullable String patient, boolean beds, Duration timeout) {
        return () -> {
            HttpClient http = security.configure(HttpClient.newBuilder().connectTimeout(timeout))
                    .build();
            String root = base.toString().replaceAll("/+$", "");
            try {
                HttpResponse<String> metadata = http.send(
                        HttpRequest.newBuilder(URI.create(root + "/metadata"))
                                .header("Accept", "application/fhir+json")
                                .timeout(timeout)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (metadata.statusCode() != 200 || !metadata.body().contains("CapabilityStatement")) {
                    return Finding.fail(
                            "fhir",
                            root + "/metadata answered " + metadata.statusCode()
                                    + " without a CapabilityStatement: is gateway.uplink.base-url the FHIR base?");
                }
                String version = field(metadata.body(), "fhirVersion");
                if (!version.isEmpty() && !version.startsWith("4.0")) {
                    return Finding.fail("fhir", root + " speaks FHIR " + version + "; the gateway writes R4 (4.0.x)");
                }
                Credential credential = security.authorization().credential();
                String authText = "";
                if (credential instanceof Credential.Unavailable u) {
                    return Finding.fail("fhir", "no access token: " + u.reason());
                }
                if (credential instanceof Credential.Bearer) {
                    authText = ", a token obtained";
                }
                if (patient == null && beds) {
                    return Finding.ok(
                            "fhir",
                            root + " answers (FHIR " + version + authText
                                    + "); the beds' patients are checked per bed");
                }
                if (patient == null) {
                    return Finding.warn(
                            "fhir",
                            root + " answers (FHIR " + version + authText + "); no patient is configured, so nothing"
                                    + " will be charted (gateway.patient or each device's patient)");
                }
                HttpRequest.Builder read = HttpRequest.newBuilder(URI.create(root + "/" + pathOf(patient)))
                        .header("Accept", "application/fhir+json")
                        .timeout(timeout);
                if (credential instanceof Credential.Bearer b) {
                    read.header("Authorization", b.header());
                }
                HttpResponse<String> p = http.send(read.build(), HttpResponse.BodyHandlers.ofString());
                return switch (p.statusCode()) {
                    case 200 ->
                        Finding.ok("fhir", root + " answers (FHIR " + version + authText + "); " + patient + " exists");
                    case 401, 403 ->
                        Finding.fail(
                                "fhir",
                                patient + ": the server refused the gateway (" + p.statusCode()
                                        + "): check the client's scopes (system/Patient.r, system/Observation.c)");
                    case 404, 410 ->
                        Finding.fail(
                                "fhir",
                                patient + " does not exist on " + root
                                        + ": nothing would be charted; correct gateway.patient");
                    default -> Finding.fail("fhir", patient + ": the server answered " + p.statusCode());
                };
            } catch (IOException e) {
                var tls = security.tls();
                String explained = tls == null ? null : tls.explain(e, base.getHost());
                String why = explained != null
                        ? explained
                        : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
                return Finding.fail(
                        "fhir",
                        root + " cannot be reached: " + why
                                + " (check gateway.uplink.base-url, the network and the proxy)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Finding.fail("fhir", "interrupted");
            } catch (RuntimeException e) {
                return Finding.fail("fhir", root + ": " + e.getMessage());
            }
        };
    }

    /**
     * A bed's {@code Location} on the FHIR server (docs/patients.md, "Beds"): searched by its identifier
     * ({@code urn:bedside:location|ICU^12^1}, the one the gateway creates), with the uplink's TLS and authorization.
     * The gateway creates the ward, room and bed itself (a conditional create at its start), so a bed not found is a
     * warning that says so; a search the server refuses (401/403) fails and names the scopes. A bed's fixed patient
     * ({@code patient:}) must exist.
     *
     * <p>With the FHIR Encounter source ({@code gateway.adt.encounters}), the bed's Encounters in progress are counted
     * by the search the source makes, so that a refusal (the scope {@code system/Encounter.rs}) shows before the first
     * poll goes stale; a count, never a patient.
     *
     * @param gatewayRunning whether the gateway answers on this box (then it should have created the Location)
     * @param encounters whether the bed's patient comes from the FHIR Encounter source
     */
    static Check bedLocation(
            URI base,
            UplinkSecurity security,
            BedSettings.Bed bed,
            boolean gatewayRunning,
            boolean encounters,
            Duration timeout) {
        String name = "fhir bed " + bed.name();
        return () -> {
            HttpClient http = security.configure(HttpClient.newBuilder().connectTimeout(timeout))
                    .build();
            String root = base.toString().replaceAll("/+$", "");
            BedLocation l = bed.location();
            String identifier = BedLocations.identifier(new CareLocation(l.pointOfCare(), l.room(), l.bed(), ""));
            try {
                Credential credential = security.authorization().credential();
                if (credential instanceof Credential.Unavailable u) {
                    return Finding.fail(name, "not checked: no access token: " + u.reason());
                }
                String query = root + "/Location?identifier="
                        + URLEncoder.encode(BedLocations.SYSTEM + "|" + identifier, StandardCharsets.UTF_8)
                        + "&_elements=identifier";
                HttpResponse<String> r =
                        http.send(get(query, credential, timeout), HttpResponse.BodyHandlers.ofString());
                String where = "Location " + BedLocations.SYSTEM + "|" + identifier;
                if (r.statusCode() == 401 || r.statusCode() == 403) {
                    return Finding.fail(
                            name,
                            "the server refused a search for " + where + " (" + r.statusCode() + "): the gateway"
                                    + " creates the beds' Locations and needs system/Location.c for it, and this check"
                                    + " system/Location.rs: add them to gateway.uplink.auth.scopes (docs/security.md)");
                }
                if (r.statusCode() != 200) {
                    return Finding.fail(
                            name, "the search for " + where + " on " + root + " answered " + r.statusCode());
                }
                List<String> ids = new ArrayList<>();
                JsonNode entries = JSON.readTree(r.body()).path("entry");
                for (JsonNode e : entries) {
                    String id = e.path("resource").path("id").asText("");
                    if (!id.isEmpty()) {
                        ids.add("Location/" + id);
                    }
                }
                String found;
                if (ids.isEmpty()) {
                    String key = "gateway.beds." + bed.name() + ".location";
                    // Before the gateway's first start the Location cannot be there yet (it creates it): a warning.
                    // A running gateway should have created it at its start: then its absence is a failure.
                    if (gatewayRunning) {
                        return Finding.fail(
                                name,
                                "bed " + bed.name() + ": " + where + " (" + key + ") not found on " + root
                                        + " although the gateway runs: it creates it at its start, so its log says"
                                        + " why not (a refusal, or the scope system/Location.c); check " + key
                                        + " and the server");
                    }
                    return Finding.warn(
                            name,
                            "bed " + bed.name() + ": " + where + " (" + key + ") not found on " + root
                                    + ": the gateway creates it (ward, room and bed) when it starts; where the"
                                    + " server enforces scopes it needs system/Location.c; run the"
                                    + " doctor again once the gateway runs");
                } else if (ids.size() > 1) {
                    return Finding.fail(
                            name,
                            ids.size() + " Locations on " + root + " carry " + where + " (" + String.join(", ", ids)
                                    + "): the gateway's conditional create needs exactly one; retire the duplicates");
                } else {
                    found = where + " is " + ids.get(0);
                }
                String patient = bed.fixedPatient();
                if (patient == null && encounters) {
                    return encountersAt(name, found, root, ids.get(0), http, credential, timeout);
                }
                if (patient == null) {
                    return Finding.ok(name, found + "; the patient comes from the bed's associations");
                }
                HttpResponse<String> p = http.send(
                        get(root + "/" + pathOf(patient), credential, timeout), HttpResponse.BodyHandlers.ofString());
                return switch (p.statusCode()) {
                    case 200 -> Finding.ok(name, found + "; its fixed patient " + patient + " exists");
                    case 401, 403 ->
                        Finding.fail(
                                name,
                                found + "; the server refused reading its fixed patient " + patient + " ("
                                        + p.statusCode() + "): check the client's scopes (system/Patient.rs)");
                    case 404, 410 ->
                        Finding.fail(
                                name,
                                found + "; its fixed patient " + patient + " does not exist on " + root
                                        + ": nothing would be charted; correct gateway.beds." + bed.name()
                                        + ".patient");
                    default ->
                        Finding.fail(
                                name,
                                found + "; its fixed patient " + patient + ": the server answered " + p.statusCode());
                };
            } catch (IOException e) {
                var tls = security.tls();
                String explained = tls == null ? null : tls.explain(e, base.getHost());
                String why = explained != null
                        ? explained
                        : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
                return Finding.fail(name, root + " cannot be reached: " + why);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Finding.fail(name, "interrupted");
            } catch (RuntimeException e) {
                return Finding.fail(name, root + ": " + e.getMessage());
            }
        };
    }

    /** The bed's Encounters in progress, counted by the Encounter source's own search. */
    private static Finding encountersAt(
            String name,
            String found,
            String root,
            String location,
            HttpClient http,
            Credential credential,
            Duration timeout)
            throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                get(
                        root + "/Encounter?location=" + location + "&status=in-progress&_summary=count",
                        credential,
                        timeout),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            return Finding.fail(
                    name,
                    found + "; the server refused the Encounter search of gateway.adt.encounters (" + r.statusCode()
                            + "): it needs system/Encounter.rs and system/Patient.rs in gateway.uplink.auth.scopes"
                            + " (docs/security.md)");
        }
        if (r.statusCode() != 200) {
            return Finding.fail(name, found + "; the Encounter search on " + root + " answered " + r.statusCode());
        }
        JsonNode total = JSON.readTree(r.body()).path("total");
        if (!total.canConvertToLong()) {
            return Finding.fail(name, found + "; the Encounter search on " + root + " gave no count (Bundle.total)");
        }
        long n = total.asLong();
        return Finding.ok(
                name,
                found + "; the Encounter search answers: " + n + (n == 1 ? " Encounter" : " Encounters")
                        + " in progress at the bed"
                        + (n == 0 ? " (nothing is charted until one is)" : "")
                        + " (only an active location entry for the bed itself associates a patient)");
    }

    private static HttpRequest get(String uri, Credential credential, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri))
                .header("Accept", "application/fhir+json")
                .timeout(timeout);
        if (credential instanceof Credential.Bearer bearer) {
            b.header("Authorization", bearer.header());
        }
        return b.build();
    }

    private static String pathOf(String reference) {
        int slash = reference.indexOf('/');
        return reference.substring(0, slash + 1)
                + URLEncoder.encode(reference.substring(slash + 1), StandardCharsets.UTF_8);
    }
}
