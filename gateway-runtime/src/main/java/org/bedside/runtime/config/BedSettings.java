package org.bedside.runtime.config;

import java.net.InetSocketAddress;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bedside.common.tls.TlsServer;
import org.bedside.hl7.mllp.SourceAllowList;
import org.bedside.model.DeviceId;
import org.bedside.patients.BedLocation;
import org.jspecify.annotations.Nullable;

/**
 * The beds and the ADT listener, checked: {@code gateway.beds} and {@code gateway.adt}.
 *
 * @param beds by name
 * @param adt the ADT listener, or null when there is none
 * @param travelling the devices that travel with the patient ({@code gateway.travelling}); none without it
 */
public record BedSettings(List<Bed> beds, @Nullable Adt adt, Travelling travelling) {

    public BedSettings(List<Bed> beds, @Nullable Adt adt) {
        this(beds, adt, Travelling.NONE);
    }

    /**
     * The devices that travel with the patient, paired at the bedside (docs/patients.md): by device id, and the pumps of
     * the {@code bbraun-bcc} racks by serial number. A label names one of them only: no serial is also a device id.
     */
    public record Travelling(java.util.Set<DeviceId> devices, java.util.Set<String> pumpSerials) {
        public static final Travelling NONE = new Travelling(java.util.Set.of(), java.util.Set.of());

        public Travelling {
            devices = java.util.Set.copyOf(devices);
            pumpSerials = java.util.Set.copyOf(pumpSerials);
        }

        public boolean isEmpty() {
            return devices.isEmpty() && pumpSerials.isEmpty();
        }
    }

    /**
     * One bed.
     *
     * @param fixedPatient a configured patient ({@code Patient/123}), or null when the patient comes from ADT
     */
    public record Bed(
            String name,
            BedLocation location,
            List<DeviceId> devices,
            @Nullable String fixedPatient) {}

    /**
     * The hospital's admissions: the ADT listener and the FHIR Encounter source, one or both.
     *
     * @param bind the ADT listener's address, or null when there is none (the Encounter source alone)
     * @param identifierSystems assigning authority (PID-3.4) → the FHIR identifier system of its MRNs, in the order
     *     they are tried
     * @param tls TLS with client certificates ({@code gateway.adt.tls}), or null for plain MLLP
     * @param encounters the FHIR Encounter source ({@code gateway.adt.encounters}), or null
     * @param sensorOffGap how long a bed without a valid value from any device makes values resuming a sign that the
     *     patient may have changed ({@code gateway.adt.sensor-off-gap}); null: never
     */
    public record Adt(
            @Nullable InetSocketAddress bind,
            SourceAllowList allowed,
            Map<String, String> identifierSystems,
            ZoneId zone,
            @Nullable TlsServer tls,
            @Nullable Encounters encounters,
            java.time.@Nullable Duration sensorOffGap) {

        /** The default of {@code gateway.adt.sensor-off-gap}: longer than a sensor change or a wash. */
        public static final java.time.Duration DEFAULT_SENSOR_OFF_GAP = java.time.Duration.ofMinutes(30);

        /** With the default gap. */
        public Adt(
                @Nullable InetSocketAddress bind,
                SourceAllowList allowed,
                Map<String, String> identifierSystems,
                ZoneId zone,
                @Nullable TlsServer tls,
                @Nullable Encounters encounters) {
            this(bind, allowed, identifierSystems, zone, tls, encounters, DEFAULT_SENSOR_OFF_GAP);
        }

        /** Plain MLLP. */
        public Adt(
                InetSocketAddress bind, SourceAllowList allowed, Map<String, String> identifierSystems, ZoneId zone) {
            this(bind, allowed, identifierSystems, zone, null, null);
        }

        /** The authority whose identifier system is {@code system}, or null. */
        public @Nullable String authorityOf(String system) {
            for (Map.Entry<String, String> e : identifierSystems.entrySet()) {
                if (e.getValue().equals(system)) {
                    return e.getKey();
                }
            }
            return null;
        }
    }

    /** The FHIR Encounter source: each bed searched every {@code pollEvery}; ended after {@code missesToEnd} misses. */
    public record Encounters(java.time.Duration pollEvery, int missesToEnd) {
        public static final java.time.Duration DEFAULT_POLL_EVERY = java.time.Duration.ofSeconds(15);
        public static final int DEFAULT_MISSES_TO_END = 2;
    }

    public static BedSettings none() {
        return new BedSettings(List.of(), null);
    }

    /** The bed a device stands at, or null. */
    public @Nullable Bed bedOf(DeviceId device) {
        for (Bed b : beds) {
            if (b.devices().contains(device)) {
                return b;
            }
        }
        return null;
    }

    static BedSettings from(
            ConfigProblems.Collector problems,
            GatewayConfig config,
            java.util.function.Function<String, @Nullable String> patientOf) {
        List<Bed> beds = new ArrayList<>();
        Map<String, String> bedOfDevice = new HashMap<>();
        Map<BedLocation, String> bedAt = new HashMap<>();
        for (Map.Entry<String, GatewayConfig.BedConfig> e : new TreeMap<>(config.beds()).entrySet()) {
            String key = "gateway.beds." + e.getKey();
            GatewayConfig.BedConfig b = e.getValue();
            BedLocation location;
            try {
                location = BedLocation.parse(b.location());
            } catch (IllegalArgumentException ex) {
                problems.add(key + ".location", ex.getMessage());
                continue;
            }
            String other = bedAt.putIfAbsent(location, e.getKey());
            if (other != null) {
                problems.add(key + ".location", location + " is already the location of bed " + other);
            }
            List<DeviceId> devices = new ArrayList<>();
            for (String d : b.devices().orElse(List.of())) {
                String name = d.strip();
                if (!config.devices().containsKey(name) && !Pcd01InSettings.isDevice(config, name)) {
                    problems.add(
                            key + ".devices",
                            "'" + name + "' is not a device of gateway.devices ("
                                    + new TreeMap<>(config.devices()).keySet() + ")"
                                    + Pcd01InSettings.deviceNames(config));
                    continue;
                }
                String first = bedOfDevice.putIfAbsent(name, e.getKey());
                if (first != null) {
                    problems.add(key + ".devices", "'" + name + "' is already at bed " + first);
                    continue;
                }
                if (patientOf.apply(name) != null) {
                    problems.add(
                            "gateway.devices." + name + ".patient",
                            "the device is at bed " + e.getKey() + " (" + key
                                    + "), whose patient comes from the bed: remove one of the two");
                }
                devices.add(DeviceId.of(name));
            }
            String patient = null;
            if (b.patient().isPresent()) {
                patient = GatewaySettings.patient(
                        problems, key + ".patient", b.patient().get());
            }
            beds.add(new Bed(e.getKey(), location, List.copyOf(devices), patient));
        }
        Adt adt = null;
        if (config.adt().isPresent()) {
            adt = adt(problems, config.adt().get(), beds);
        }
        Travelling travelling = config.travelling().isEmpty()
                ? Travelling.NONE
                : travelling(problems, config, config.travelling().get(), beds, patientOf);
        return new BedSettings(List.copyOf(beds), adt, travelling);
    }

    /** A pump's serial number as a label: letters, digits, '.', '_' or '-' (the driver's INSERNUM). */
    private static final java.util.regex.Pattern PUMP_SERIAL = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,32}");

    private static Travelling travelling(
            ConfigProblems.Collector problems,
            GatewayConfig config,
            GatewayConfig.TravellingConfig t,
            List<Bed> beds,
            java.util.function.Function<String, @Nullable String> patientOf) {
        String key = "gateway.travelling";
        if (config.adt().isEmpty()) {
            problems.add(
                    key,
                    "a travelling device is paired with a patient by MRN at the bedside, which needs gateway.adt (its"
                            + " assigning authorities)");
        }
        java.util.Set<DeviceId> devices = new java.util.LinkedHashSet<>();
        for (String d : t.devices().orElse(List.of())) {
            String name = d.strip();
            GatewayConfig.DeviceConfig device = config.devices().get(name);
            if (device == null) {
                problems.add(
                        key + ".devices",
                        "'" + name + "' is not a device of gateway.devices (" + new TreeMap<>(config.devices()).keySet()
                                + ")");
                continue;
            }
            DeviceId id;
            try {
                id = DeviceId.of(name);
            } catch (IllegalArgumentException ex) {
                continue; // the device's own key says what is wrong with its name
            }
            if ("bbraun-bcc".equals(device.driver())) {
                problems.add(
                        key + ".devices",
                        "'" + name + "' is a bbraun-bcc rack, which stays at its bed: name the pumps that travel by"
                                + " serial number in " + key + ".pump-serials");
                continue;
            }
            if (patientOf.apply(name) != null) {
                problems.add(
                        "gateway.devices." + name + ".patient",
                        "the device travels with the patient paired at the bedside (" + key
                                + ".devices): remove one of the two");
            }
            for (Bed b : beds) {
                if (b.devices().contains(id) && b.fixedPatient() != null) {
                    problems.add(
                            key + ".devices",
                            "'" + name + "' is at bed " + b.name() + ", whose patient is fixed (gateway.beds."
                                    + b.name() + ".patient): a device there is charted to that patient");
                }
            }
            if (!devices.add(id)) {
                problems.add(key + ".devices", "'" + name + "' is named twice");
            }
        }
        java.util.Set<String> pumps = new java.util.LinkedHashSet<>();
        List<String> serials = t.pumpSerials().orElse(List.of());
        if (!serials.isEmpty() && config.devices().values().stream().noneMatch(d -> "bbraun-bcc".equals(d.driver()))) {
            problems.add(key + ".pump-serials", "no device of gateway.devices is a bbraun-bcc rack to read the pumps");
        }
        for (String s : serials) {
            String serial = s.strip();
            if (!PUMP_SERIAL.matcher(serial).matches()) {
                problems.add(
                        key + ".pump-serials",
                        "'" + serial + "' is not a pump serial number (1 to 32 letters, digits, '.', '_' or '-')");
            } else if (config.devices().containsKey(serial)) {
                problems.add(
                        key + ".pump-serials",
                        "'" + serial + "' is also a device of gateway.devices: a scanned label must name one only");
            } else if (!pumps.add(serial)) {
                problems.add(key + ".pump-serials", "'" + serial + "' is named twice");
            }
        }
        return new Travelling(devices, pumps);
    }

    private static @Nullable Adt adt(ConfigProblems.Collector problems, GatewayConfig.AdtConfig a, List<Bed> beds) {
        boolean ok = true;
        if (beds.stream().allMatch(b -> b.fixedPatient() != null)) {
            problems.add("gateway.adt", "no bed of gateway.beds takes its patient from ADT (each has a patient:)");
            ok = false;
        }
        if (a.port().isPresent() && (a.port().get() < 0 || a.port().get() > 65535)) {
            problems.add("gateway.adt.port", a.port().get() + " is not a port (0 picks a free one)");
            ok = false;
        }
        if (a.port().isEmpty() && a.encounters().isEmpty()) {
            problems.add(
                    "gateway.adt",
                    "name port (the ADT listener over MLLP) or encounters (the FHIR Encounter source), or both");
            ok = false;
        }
        Encounters encounters = null;
        if (a.encounters().isPresent()) {
            GatewayConfig.EncountersConfig e = a.encounters().get();
            java.time.Duration every = e.pollEvery().orElse(Encounters.DEFAULT_POLL_EVERY);
            int misses = e.missesToEnd().orElse(Encounters.DEFAULT_MISSES_TO_END);
            if (every.compareTo(java.time.Duration.ofSeconds(1)) < 0
                    || every.compareTo(java.time.Duration.ofHours(1)) > 0) {
                problems.add("gateway.adt.encounters.poll-every", every + " is not between 1s and 1h");
                ok = false;
            }
            if (misses < 1 || misses > 10) {
                problems.add("gateway.adt.encounters.misses-to-end", misses + " is not between 1 and 10");
                ok = false;
            }
            encounters = new Encounters(every, misses);
        }
        SourceAllowList allowed = SourceAllowList.any();
        if (a.allowedSources().isPresent()) {
            try {
                allowed = SourceAllowList.of(a.allowedSources().get());
            } catch (IllegalArgumentException e) {
                problems.add("gateway.adt.allowed-sources", e.getMessage());
                ok = false;
            }
        }
        Map<String, String> systems = new LinkedHashMap<>();
        new TreeMap<>(a.assigningAuthorities()).forEach((authority, system) -> {
            if (system.isBlank() || system.contains("|") || system.contains(" ")) {
                problems.add(
                        "gateway.adt.assigning-authorities." + authority,
                        "'" + system + "' is not a FHIR identifier system such as urn:oid:1.2.3.4");
            } else {
                systems.put(authority.strip(), system.strip());
            }
        });
        if (a.assigningAuthorities().isEmpty()) {
            problems.add(
                    "gateway.adt.assigning-authorities",
                    "name at least one assigning authority (PID-3.4) and its FHIR identifier system, such as"
                            + " HOSP: urn:oid:1.2.3.4: a bare MRN identifies nobody");
            ok = false;
        }
        ZoneId zone = ZoneId.systemDefault();
        if (a.hospitalZone().isPresent()) {
            try {
                zone = ZoneId.of(a.hospitalZone().get().strip());
            } catch (RuntimeException e) {
                problems.add(
                        "gateway.adt.hospital-zone",
                        "'" + a.hospitalZone().get() + "' is not a time zone such as Europe/Berlin");
                ok = false;
            }
        }
        java.time.Duration gap = a.sensorOffGap().orElse(Adt.DEFAULT_SENSOR_OFF_GAP);
        if (!gap.isZero()
                && (gap.compareTo(java.time.Duration.ofMinutes(1)) < 0
                        || gap.compareTo(java.time.Duration.ofHours(24)) > 0)) {
            problems.add("gateway.adt.sensor-off-gap", gap + " is not 0 (never) nor between 1m and 24h");
            ok = false;
        }
        ListenerTlsSettings.Result tls = ListenerTlsSettings.open(problems, a.tls(), "gateway.adt.tls", "adt-in");
        if (!ok || !tls.ok() || systems.size() != a.assigningAuthorities().size()) {
            return null;
        }
        return new Adt(
                a.port()
                        .map(port -> new InetSocketAddress(
                                a.host().orElse("127.0.0.1").strip(), port))
                        .orElse(null),
                allowed,
                systems,
                zone,
                tls.tls(),
                encounters,
                gap.isZero() ? null : gap);
    }
}
