package org.bedside.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bedside.model.DeviceId;
import org.bedside.patients.BedLocation;
import org.junit.jupiter.api.Test;

class BedSettingsTest {
    record Bed(String location, Optional<List<String>> devices, Optional<String> patient)
            implements GatewayConfig.BedConfig {}

    record Adt(
            Optional<String> host,
            Optional<Integer> port,
            Optional<List<String>> allowedSources,
            Map<String, String> assigningAuthorities,
            Optional<String> hospitalZone,
            Optional<GatewayConfig.EncountersConfig> encounters)
            implements GatewayConfig.AdtConfig {
        /** An ADT listener on {@code port}, without the Encounter source. */
        Adt(
                Optional<String> host,
                int port,
                Optional<List<String>> allowedSources,
                Map<String, String> assigningAuthorities,
                Optional<String> hospitalZone) {
            this(host, Optional.of(port), allowedSources, assigningAuthorities, hospitalZone, Optional.empty());
        }

        @Override
        public Optional<GatewayConfig.ListenerTlsConfig> tls() {
            return Optional.empty(); // plain MLLP; TLS is read from YAML in GatewaySettingsTest
        }

        @Override
        public Optional<java.time.Duration> sensorOffGap() {
            return Optional.empty(); // the default; other values are read from YAML in GatewaySettingsTest
        }
    }

    /** The test configuration of GatewaySettingsTest, with beds and an ADT listener. */
    record WithBeds(
            GatewayConfig base,
            Map<String, BedConfig> beds,
            Optional<AdtConfig> adt,
            Optional<TravellingConfig> travelling)
            implements GatewayConfig {
        WithBeds(GatewayConfig base, Map<String, BedConfig> beds, Optional<AdtConfig> adt) {
            this(base, beds, adt, Optional.empty());
        }

        @Override
        public String id() {
            return base.id();
        }

        @Override
        public Optional<String> bed() {
            return base.bed();
        }

        @Override
        public Optional<String> patient() {
            return base.patient();
        }

        @Override
        public String dataDir() {
            return base.dataDir();
        }

        @Override
        public Map<String, DeviceConfig> devices() {
            return base.devices();
        }

        @Override
        public UplinkConfig uplink() {
            return base.uplink();
        }

        @Override
        public BufferConfig buffer() {
            return base.buffer();
        }

        @Override
        public Optional<MqttEgressConfig> mqttEgress() {
            return base.mqttEgress();
        }

        @Override
        public Optional<Pcd01OutConfig> pcd01Out() {
            return base.pcd01Out();
        }

        @Override
        public Optional<Pcd01InConfig> pcd01In() {
            return base.pcd01In();
        }

        @Override
        public AlarmsConfig alarms() {
            return base.alarms();
        }

        @Override
        public HttpConfig http() {
            return base.http();
        }

        @Override
        public CaptureConfig capture() {
            return base.capture();
        }
    }

    static GatewayConfig config(Map<String, GatewayConfig.BedConfig> beds, Optional<GatewayConfig.AdtConfig> adt) {
        return new WithBeds(
                new GatewaySettingsTest.Config(
                        "icu-gw-12",
                        Optional.of("Patient/bench"),
                        Map.of(
                                "bed12-spo2",
                                new GatewaySettingsTest.Device("masimo-ascii", "/dev/x", Optional.empty(), Map.of()),
                                "spare-spo2",
                                new GatewaySettingsTest.Device("masimo-ascii", "/dev/y", Optional.empty(), Map.of())),
                        new GatewaySettingsTest.Uplink("http://127.0.0.1:8090/fhir", "1m")),
                beds,
                adt);
    }

    static final GatewayConfig.AdtConfig ADT = new Adt(
            Optional.empty(), 0, Optional.empty(), Map.of("HOSP", "urn:oid:1.2.3.4"), Optional.of("Europe/Berlin"));

    @Test
    void bedsTakeTheirDevicesAndADeviceAtNoBedKeepsTheConfiguredPatient() {
        GatewaySettings s = GatewaySettings.from(config(
                Map.of("bed12", new Bed("ICU^12^1", Optional.of(List.of("bed12-spo2")), Optional.empty())),
                Optional.of(ADT)));
        assertThat(s.beds().beds()).singleElement().satisfies(b -> {
            assertThat(b.location()).isEqualTo(BedLocation.parse("ICU^12^1"));
            assertThat(b.devices()).containsExactly(DeviceId.of("bed12-spo2"));
            assertThat(b.fixedPatient()).isNull();
        });
        assertThat(s.beds().adt()).isNotNull();
        assertThat(s.deviceContexts().get(DeviceId.of("bed12-spo2")).patientReference())
                .as("a device at a bed is never charted to gateway.patient")
                .isNull();
        assertThat(s.deviceContexts().get(DeviceId.of("spare-spo2")).patientReference())
                .isEqualTo("Patient/bench");
    }

    @Test
    void problemsNameTheirKeys() {
        ConfigProblems e = catchThrowableOfType(
                ConfigProblems.class,
                () -> GatewaySettings.from(config(
                        Map.of(
                                "a", new Bed("ICU-12-1", Optional.empty(), Optional.empty()),
                                "b", new Bed("ICU^12^1", Optional.of(List.of("nope", "bed12-spo2")), Optional.empty()),
                                "c", new Bed("ICU^12^2", Optional.of(List.of("bed12-spo2")), Optional.of("bob"))),
                        Optional.of(new Adt(
                                Optional.empty(),
                                70000,
                                Optional.of(List.of("ward")),
                                Map.of(),
                                Optional.of("Mars/Olympus"))))));
        assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "gateway.beds.a.location: 'ICU-12-1' is not a bed location point-of-care^room^bed such as"
                                + " ICU^12^1",
                        "gateway.beds.b.devices: 'nope' is not a device of gateway.devices ([bed12-spo2, spare-spo2])",
                        "gateway.beds.c.devices: 'bed12-spo2' is already at bed b",
                        "gateway.beds.c.patient: 'bob' is not a patient reference such as Patient/123",
                        "gateway.adt.port: 70000 is not a port (0 picks a free one)",
                        "gateway.adt.allowed-sources: allow-list entry 'ward' is not an IP address or CIDR range",
                        "gateway.adt.assigning-authorities: name at least one assigning authority (PID-3.4) and its"
                                + " FHIR identifier system, such as HOSP: urn:oid:1.2.3.4: a bare MRN identifies"
                                + " nobody",
                        "gateway.adt.hospital-zone: 'Mars/Olympus' is not a time zone such as Europe/Berlin");
    }

    record Encounters(Optional<java.time.Duration> pollEvery, Optional<Integer> missesToEnd)
            implements GatewayConfig.EncountersConfig {}

    @Test
    void theEncounterSourceAloneNeedsNoListenerAndItsKeysAreChecked() {
        Map<String, GatewayConfig.BedConfig> beds =
                Map.of("bed12", new Bed("ICU^12^1", Optional.of(List.of("bed12-spo2")), Optional.empty()));
        GatewaySettings s = GatewaySettings.from(config(
                beds,
                Optional.of(new Adt(
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Map.of("HOSP", "urn:oid:1.2.3.4"),
                        Optional.empty(),
                        Optional.of(new Encounters(Optional.empty(), Optional.empty()))))));
        assertThat(s.beds().adt().bind()).as("no ADT listener").isNull();
        assertThat(s.beds().adt().encounters())
                .isEqualTo(new BedSettings.Encounters(java.time.Duration.ofSeconds(15), 2));
        assertThat(s.beds().adt().authorityOf("urn:oid:1.2.3.4")).isEqualTo("HOSP");

        ConfigProblems neither = catchThrowableOfType(
                ConfigProblems.class,
                () -> GatewaySettings.from(config(
                        beds,
                        Optional.of(new Adt(
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Map.of("HOSP", "urn:oid:1.2.3.4"),
                                Optional.empty(),
                                Optional.empty())))));
        assertThat(neither.problems())
                .containsExactly("gateway.adt: name port (the ADT listener over MLLP) or encounters (the FHIR"
                        + " Encounter source), or both");
        ConfigProblems bad = catchThrowableOfType(
                ConfigProblems.class,
                () -> GatewaySettings.from(config(
                        beds,
                        Optional.of(new Adt(
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Map.of("HOSP", "urn:oid:1.2.3.4"),
                                Optional.empty(),
                                Optional.of(new Encounters(
                                        Optional.of(java.time.Duration.ofMillis(100)), Optional.of(11))))))));
        assertThat(bad.problems())
                .containsExactlyInAnyOrder(
                        "gateway.adt.encounters.poll-every: PT0.1S is not between 1s and 1h",
                        "gateway.adt.encounters.misses-to-end: 11 is not between 1 and 10");
    }
}
