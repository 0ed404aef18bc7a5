package org.bedside.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bedside.model.DeviceId;
import org.bedside.patients.BedLocation;
import org.junit.jupiter.api.Test;

class Pcd01InSettingsTest {
    record Listener(
            Optional<String> host,
            int port,
            Optional<List<String>> allowedSources,
            Optional<Integer> maxMessageSize,
            Optional<String> senderZone,
            Map<String, GatewayConfig.Pcd01DeviceConfig> devices)
            implements GatewayConfig.Pcd01InConfig {
        @Override
        public Optional<GatewayConfig.ListenerTlsConfig> tls() {
            return Optional.empty(); // plain MLLP; TLS is read from YAML in GatewaySettingsTest
        }
    }

    record Device(Optional<String> name, Optional<String> equipment) implements GatewayConfig.Pcd01DeviceConfig {}

    /** BedSettingsTest's configuration with a PCD-01 listener. */
    record WithPcd01(GatewayConfig base, Optional<Pcd01InConfig> pcd01In) implements GatewayConfig {
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
        public Map<String, BedConfig> beds() {
            return base.beds();
        }

        @Override
        public Optional<AdtConfig> adt() {
            return base.adt();
        }

        @Override
        public Optional<TravellingConfig> travelling() {
            return base.travelling();
        }

        @Override
        public Optional<MqttEgressConfig> mqttEgress() {
            return base.mqttEgress();
        }

        @Override
        public AlarmsConfig alarms() {
            return base.alarms();
        }

        @Override
        public Optional<Pcd01OutConfig> pcd01Out() {
            return base.pcd01Out();
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

    private static GatewayConfig config(Map<String, List<String>> bedDevices, GatewayConfig.Pcd01InConfig listener) {
        Map<String, GatewayConfig.BedConfig> beds = new java.util.TreeMap<>();
        int room = 12;
        for (var e : new java.util.TreeMap<>(bedDevices).entrySet()) {
            beds.put(
                    e.getKey(),
                    new BedSettingsTest.Bed("ICU^" + room++ + "^1", Optional.of(e.getValue()), Optional.empty()));
        }
        return new WithPcd01(BedSettingsTest.config(beds, Optional.of(BedSettingsTest.ADT)), Optional.of(listener));
    }

    @Test
    void devicesBehindTheListenerStandAtTheBedsThatListThem() {
        GatewaySettings s = GatewaySettings.from(config(
                Map.of("bed12", List.of("bed12-spo2", "bed12-monitor"), "bed13", List.of("bed13-monitor")),
                new Listener(
                        Optional.of("0.0.0.0"),
                        3001,
                        Optional.of(List.of("10.1.20.0/24")),
                        Optional.of(65536),
                        Optional.of("Europe/Berlin"),
                        Map.of(
                                "bed12-monitor",
                                new Device(Optional.of("Bed 12 monitor"), Optional.of("0600dc750001")),
                                "bed13-monitor",
                                new Device(Optional.empty(), Optional.empty())))));
        Pcd01InSettings p = s.pcd01In();
        assertThat(p).isNotNull();
        assertThat(p.bind().getPort()).isEqualTo(3001);
        assertThat(p.bind().getHostString()).isEqualTo("0.0.0.0");
        assertThat(p.maxMessageSize()).isEqualTo(65536);
        assertThat(p.senderZone()).hasToString("Europe/Berlin");
        assertThat(p.devices())
                .containsExactly(
                        new Pcd01InSettings.Device(
                                DeviceId.of("bed12-monitor"),
                                "Bed 12 monitor",
                                BedLocation.parse("ICU^12^1"),
                                "0600dc750001"),
                        new Pcd01InSettings.Device(
                                DeviceId.of("bed13-monitor"), "bed13-monitor", BedLocation.parse("ICU^13^1"), null));
        assertThat(s.beds().bedOf(DeviceId.of("bed12-monitor"))).isNotNull();
        assertThat(s.deviceContexts().get(DeviceId.of("bed12-monitor")))
                .as("charted like any device at a bed: to the bed's patient, never a configured one")
                .satisfies(c -> {
                    assertThat(c.displayName()).isEqualTo("Bed 12 monitor");
                    assertThat(c.patientReference()).isNull();
                });
    }

    @Test
    void problemsNameTheirKeys() {
        ConfigProblems e = catchThrowableOfType(
                ConfigProblems.class,
                () -> GatewaySettings.from(config(
                        Map.of("bed12", List.of("bed12-spo2", "a", "b")),
                        new Listener(
                                Optional.empty(),
                                -1,
                                Optional.of(List.of("ward")),
                                Optional.of(10),
                                Optional.of("Mars/Olympus"),
                                Map.of(
                                        "a", new Device(Optional.empty(), Optional.empty()),
                                        "b", new Device(Optional.empty(), Optional.empty()),
                                        "c", new Device(Optional.empty(), Optional.of("X^EUI-64")),
                                        "bed12-spo2", new Device(Optional.empty(), Optional.empty()))))));
        assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "gateway.pcd01-in.port: -1 is not a port (0 picks a free one)",
                        "gateway.pcd01-in.allowed-sources: allow-list entry 'ward' is not an IP address or CIDR range",
                        "gateway.pcd01-in.max-message-size: 10 is not between 1024 and 67108864 bytes (default"
                                + " 1048576, 1 MiB)",
                        "gateway.pcd01-in.sender-zone: 'Mars/Olympus' is not a time zone such as Europe/Berlin",
                        "gateway.pcd01-in.devices.bed12-spo2: 'bed12-spo2' is also a device of gateway.devices: a"
                                + " name names one device",
                        "gateway.pcd01-in.devices.c: is at no bed: list it in the devices of its bed"
                                + " (gateway.beds.<bed>.devices), whose location PV1-3 names",
                        "gateway.pcd01-in.devices: bed bed12 has several PCD-01 devices without equipment: give each"
                                + " its OBX-18 (equipment) so that a row can be told to one");
    }

    @Test
    void aBedListingADeviceOfNeitherKindNamesBoth() {
        ConfigProblems e = catchThrowableOfType(
                ConfigProblems.class,
                () -> GatewaySettings.from(config(
                        Map.of("bed12", List.of("nope", "m")),
                        new Listener(
                                Optional.empty(),
                                0,
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Map.of("m", new Device(Optional.empty(), Optional.empty()))))));
        assertThat(e.problems())
                .containsExactly("gateway.beds.bed12.devices: 'nope' is not a device of gateway.devices ([bed12-spo2,"
                        + " spare-spo2]) or of gateway.pcd01-in.devices ([m])");
    }
}
