package org.bedside.runtime.config;

import java.net.InetSocketAddress;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bedside.common.tls.TlsServer;
import org.bedside.hl7.mllp.SourceAllowList;
import org.bedside.model.DeviceId;
import org.bedside.patients.BedLocation;
import org.bedside.uplink.DeviceContext;
import org.jspecify.annotations.Nullable;

/**
 * The PCD-01 listener, checked: {@code gateway.pcd01-in}. One listener carries many beds: a message's PV1-3 chooses the
 * bed, OBX-18 the device at that bed (docs/hl7.md, "PCD-01 in").
 *
 * @param maxMessageSize the framer's bound in bytes
 * @param senderZone the zone of times sent without an offset, or null (then they are no device time)
 * @param devices every device behind the listener, each at one bed
 * @param tls TLS with client certificates ({@code gateway.pcd01-in.tls}), or null for plain MLLP
 */
public record Pcd01InSettings(
        InetSocketAddress bind,
        SourceAllowList allowed,
        int maxMessageSize,
        @Nullable ZoneId senderZone,
        List<Device> devices,
        @Nullable TlsServer tls) {

    /** Plain MLLP. */
    public Pcd01InSettings(
            InetSocketAddress bind,
            SourceAllowList allowed,
            int maxMessageSize,
            @Nullable ZoneId senderZone,
            List<Device> devices) {
        this(bind, allowed, maxMessageSize, senderZone, devices, null);
    }

    /** Who sends PCD-01 over this listener, for the FHIR Device of its devices. */
    public static final String MANUFACTURER = "IHE PCD-01 device observation reporter";

    /** The MLLP framer's bound unless {@code max-message-size} says otherwise: 1 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 1 << 20;

    public static final String DEVICE_TYPE = "Patient monitor (reported over HL7 v2)";

    /**
     * One device behind the listener.
     *
     * @param equipment OBX-18 of its rows, or null: then it takes the rows of any equipment at its bed
     */
    public record Device(
            DeviceId id,
            String name,
            BedLocation bed,
            @Nullable String equipment) {

        public DeviceContext context() {
            return new DeviceContext(id, name, MANUFACTURER, DEVICE_TYPE, null);
        }
    }

    public Pcd01InSettings {
        devices = List.copyOf(devices);
    }

    static boolean isDevice(GatewayConfig config, String name) {
        return config.pcd01In().map(p -> p.devices().containsKey(name)).orElse(false);
    }

    /** {@code " or of gateway.pcd01-in.devices ([a, b])"}, or empty without a PCD-01 listener: for problems. */
    static String deviceNames(GatewayConfig config) {
        return config.pcd01In()
                .map(p -> " or of gateway.pcd01-in.devices (" + new TreeMap<>(p.devices()).keySet() + ")")
                .orElse("");
    }

    static @Nullable Pcd01InSettings from(ConfigProblems.Collector problems, GatewayConfig config, BedSettings beds) {
        if (config.pcd01In().isEmpty()) {
            return null;
        }
        GatewayConfig.Pcd01InConfig p = config.pcd01In().get();
        String key = "gateway.pcd01-in";
        boolean ok = true;
        if (p.port() < 0 || p.port() > 65535) {
            problems.add(key + ".port", p.port() + " is not a port (0 picks a free one)");
            ok = false;
        }
        SourceAllowList allowed = SourceAllowList.any();
        if (p.allowedSources().isPresent()) {
            try {
                allowed = SourceAllowList.of(p.allowedSources().get());
            } catch (IllegalArgumentException e) {
                problems.add(key + ".allowed-sources", e.getMessage());
                ok = false;
            }
        }
        int maxMessageSize = p.maxMessageSize().orElse(DEFAULT_MAX_MESSAGE_SIZE);
        if (maxMessageSize < 1024 || maxMessageSize > 64 * 1024 * 1024) {
            problems.add(
                    key + ".max-message-size",
                    maxMessageSize + " is not between 1024 and 67108864 bytes (default 1048576, 1 MiB)");
            ok = false;
        }
        ZoneId zone = null;
        if (p.senderZone().isPresent()) {
            try {
                zone = ZoneId.of(p.senderZone().get().strip());
            } catch (RuntimeException e) {
                problems.add(
                        key + ".sender-zone",
                        "'" + p.senderZone().get() + "' is not a time zone such as Europe/Berlin");
                ok = false;
            }
        }
        if (p.devices().isEmpty()) {
            problems.add(
                    key + ".devices",
                    "name at least one device, and list it in the devices of its bed (gateway.beds): PV1-3 chooses"
                            + " the bed");
            ok = false;
        }
        List<Device> devices = new ArrayList<>();
        for (Map.Entry<String, GatewayConfig.Pcd01DeviceConfig> e : new TreeMap<>(p.devices()).entrySet()) {
            String dkey = key + ".devices." + e.getKey();
            DeviceId id;
            try {
                id = DeviceId.of(e.getKey());
            } catch (IllegalArgumentException ex) {
                problems.add(dkey, ex.getMessage());
                ok = false;
                continue;
            }
            if (config.devices().containsKey(e.getKey())) {
                problems.add(dkey, "'" + e.getKey() + "' is also a device of gateway.devices: a name names one device");
                ok = false;
                continue;
            }
            BedSettings.Bed bed = beds.bedOf(id);
            if (bed == null) {
                problems.add(
                        dkey,
                        "is at no bed: list it in the devices of its bed (gateway.beds.<bed>.devices), whose location"
                                + " PV1-3 names");
                ok = false;
                continue;
            }
            String equipment = e.getValue().equipment().map(String::strip).orElse(null);
            if (equipment != null && (equipment.isEmpty() || equipment.contains("^"))) {
                problems.add(
                        dkey + ".equipment",
                        "'" + equipment + "' is not an OBX-18 entity or universal id such as 0123456789ABCDEF (without"
                                + " '^' and the namespace)");
                ok = false;
                continue;
            }
            devices.add(new Device(id, e.getValue().name().orElse(e.getKey()), bed.location(), equipment));
        }
        for (BedSettings.Bed b : beds.beds()) {
            List<Device> at =
                    devices.stream().filter(d -> d.bed().equals(b.location())).toList();
            if (at.stream().filter(d -> d.equipment() == null).count() > 1) {
                problems.add(
                        key + ".devices",
                        "bed " + b.name() + " has several PCD-01 devices without equipment: give each its OBX-18"
                                + " (equipment) so that a row can be told to one");
                ok = false;
            }
        }
        ListenerTlsSettings.Result tls = ListenerTlsSettings.open(problems, p.tls(), key + ".tls", "pcd01-in");
        if (!ok || !tls.ok()) {
            return null;
        }
        return new Pcd01InSettings(
                new InetSocketAddress(p.host().orElse("127.0.0.1").strip(), p.port()),
                allowed,
                maxMessageSize,
                zone,
                devices,
                tls.tls());
    }
}
