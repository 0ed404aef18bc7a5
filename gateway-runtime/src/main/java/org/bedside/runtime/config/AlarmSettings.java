package org.bedside.runtime.config;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.bedside.alarms.AlarmPolicy;
import org.bedside.alarms.delivery.Pcd04Sink;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.mllp.SourceAllowList;
import org.bedside.hl7.pcd.Pcd01Encoder;
import org.bedside.model.DeviceId;
import org.jspecify.annotations.Nullable;

/**
 * The {@code gateway.alarms} section, checked: the policy of every care unit, which care unit each device belongs to,
 * and the Alert Manager. {@link #from} collects every problem, each naming its YAML key, and throws them together.
 *
 * @param policies every care unit's policy, by name ({@code default} is always there: the shipped default unless the
 *     file overrides it)
 * @param careUnitOfDevice the care unit of every device that is not in the gateway's
 * @param pcd05In the listener for the Alert Manager's PCD-05, or null
 * @param escalation the second PCD-04 destination for alerts escalated {@code escalationFromLevel} times, or null
 * @param hash a SHA-256 of every alarm setting in force (policies and destinations), logged at start
 */
public record AlarmSettings(
        boolean enabled,
        String careUnit,
        Map<String, AlarmPolicy> policies,
        Map<DeviceId, String> careUnitOfDevice,
        Duration frameLag,
        @Nullable Pcd04Settings pcd04,
        @Nullable Pcd05InSettings pcd05In,
        @Nullable Pcd04Settings escalation,
        int escalationFromLevel,
        String hash) {

    static final String KEY = "gateway.alarms";

    /** The Alert Manager, ready to connect. */
    public record Pcd04Settings(
            String host,
            int port,
            Pcd01Encoder.Sender sender,
            CareLocation location,
            Pcd04Sink.Settings delivery,
            Duration ackTimeout,
            Duration connectTimeout,
            Duration retryMaxDelay) {
        public String destination() {
            return host + ":" + port;
        }
    }

    /**
     * The PCD-05 listener: where, who may connect, the framer's bound.
     *
     * @param tls TLS with client certificates ({@code gateway.alarms.pcd05-in.tls}), or null for plain MLLP
     */
    public record Pcd05InSettings(
            InetSocketAddress bind,
            SourceAllowList allowed,
            int maxMessageSize,
            org.bedside.common.tls.@Nullable TlsServer tls) {
        /** Plain MLLP. */
        public Pcd05InSettings(InetSocketAddress bind, SourceAllowList allowed, int maxMessageSize) {
            this(bind, allowed, maxMessageSize, null);
        }
    }

    /** The policy of a device: that of its care unit. */
    public AlarmPolicy policyOf(DeviceId device) {
        String unit = careUnitOfDevice.getOrDefault(device, careUnit);
        AlarmPolicy p = policies.get(unit);
        return p != null ? p : policies.get(careUnit);
    }

    /** Every setting, one per line, for the log at start. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("alarm settings (sha256 " + hash.substring(0, 12) + "): engine " + (enabled ? "on" : "off")
                + ", care unit '" + careUnit + "', frame lag " + frameLag.toMillis() + " ms");
        careUnitOfDevice.forEach((d, u) -> lines.add("device " + d + " is in care unit '" + u + "'"));
        for (AlarmPolicy p : policies.values()) {
            lines.add(p.describe());
        }
        Pcd04Settings a = pcd04;
        if (a == null) {
            lines.add("PCD-04: no Alert Manager configured (gateway.alarms.pcd04)");
        } else {
            lines.add("PCD-04 to the Alert Manager at " + a.destination() + ": MSH-3 "
                    + a.sender().application() + "^"
                    + a.sender().eui64() + "^EUI-64, MSH-4 " + a.sender().facility() + ", MSH-5 "
                    + a.sender().receivingApplication() + ", PV1-3 " + a.location() + ", heartbeat "
                    + seconds(a.delivery().heartbeat()) + ", late after "
                    + seconds(a.delivery().lateAfter())
                    + ", supervision " + seconds(a.delivery().supervision()) + ", ack timeout "
                    + seconds(a.ackTimeout())
                    + ", retry up to " + seconds(a.retryMaxDelay()));
        }
        Pcd05InSettings in = pcd05In;
        lines.add(
                in == null
                        ? "PCD-05: no listener for the Alert Manager's status reports (gateway.alarms.pcd05-in)"
                        : "PCD-05 listener on " + in.bind().getHostString() + ":"
                                + in.bind().getPort() + ", sources " + in.allowed() + ", max message "
                                + in.maxMessageSize() + " bytes"
                                + (in.tls() == null ? "" : ", over TLS, client certificates required"));
        Pcd04Settings e = escalation;
        lines.add(
                e == null
                        ? "escalation: no second destination (gateway.alarms.escalation.pcd04)"
                        : "escalation: alerts escalated " + escalationFromLevel + " time(s) or more also go as PCD-04"
                                + " to " + e.destination() + ", heartbeat "
                                + seconds(e.delivery().heartbeat())
                                + ", supervision " + seconds(e.delivery().supervision()));
        return lines;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    public static AlarmSettings from(GatewayConfig config) {
        ConfigProblems.Collector problems = new ConfigProblems.Collector();
        GatewayConfig.AlarmsConfig a = config.alarms();
        Map<String, AlarmPolicy> policies = new TreeMap<>();
        policies.put("default", AlarmPolicy.defaults());
        for (Map.Entry<String, Map<String, String>> unit : new TreeMap<>(a.careUnits()).entrySet()) {
            String name = unit.getKey();
            String prefix = KEY + ".care-units." + name + ".";
            Map<String, String> given = new LinkedHashMap<>();
            // A YAML key with dots ("spo2.low.delay: 15s") may reach here quoted.
            unit.getValue().forEach((k, v) -> given.put(k.replace("\"", ""), v));
            if (given.containsKey("care-unit")
                    && !given.get("care-unit").strip().equals(name)) {
                problems.add(prefix + "care-unit", "'" + given.get("care-unit") + "' differs from the unit's key");
                continue;
            }
            given.put("care-unit", name);
            AlarmPolicy.Parsed parsed = AlarmPolicy.parse(given, prefix);
            if (parsed.isValid()) {
                policies.put(name, parsed.policy());
            } else {
                parsed.problems().forEach(p -> {
                    int colon = p.indexOf(": ");
                    problems.add(colon > 0 ? p.substring(0, colon) : prefix, colon > 0 ? p.substring(colon + 2) : p);
                });
            }
        }
        String careUnit = a.careUnit().strip();
        if (!policies.containsKey(careUnit) && !a.careUnits().containsKey(careUnit)) {
            problems.add(
                    KEY + ".care-unit",
                    "'" + careUnit + "' is not a care unit under " + KEY + ".care-units (known: "
                            + String.join(", ", policies.keySet()) + ")");
        }
        Map<DeviceId, String> ofDevice = new TreeMap<>((x, y) -> x.value().compareTo(y.value()));
        for (Map.Entry<String, String> e : new TreeMap<>(a.deviceCareUnits()).entrySet()) {
            String key = KEY + ".device-care-units." + e.getKey();
            if (!config.devices().containsKey(e.getKey())) {
                problems.add(key, "no device '" + e.getKey() + "' under gateway.devices");
                continue;
            }
            String unit = e.getValue().strip();
            if (!policies.containsKey(unit) && !a.careUnits().containsKey(unit)) {
                problems.add(key, "'" + unit + "' is not a care unit under " + KEY + ".care-units");
                continue;
            }
            ofDevice.put(DeviceId.of(e.getKey()), unit);
        }
        if (a.frameLag().isNegative() || a.frameLag().compareTo(Duration.ofSeconds(30)) > 0) {
            problems.add(KEY + ".frame-lag", a.frameLag() + " is outside 0s to 30s");
        }
        Pcd04Settings pcd04 =
                a.pcd04().host().isEmpty() ? null : pcd04(problems, KEY + ".pcd04", a.pcd04(), config, careUnit);
        Pcd05InSettings pcd05In =
                pcd05In(problems, a.pcd05In(), a.pcd04().host().isPresent());
        Pcd04Settings escalation = a.escalation().pcd04().host().isEmpty()
                ? null
                : pcd04(problems, KEY + ".escalation.pcd04", a.escalation().pcd04(), config, careUnit);
        int fromLevel = a.escalation().fromLevel();
        if (fromLevel < 1 || fromLevel > AlarmPolicy.MAX_ESCALATION_LEVELS) {
            problems.add(
                    KEY + ".escalation.from-level",
                    fromLevel + " is outside 1 to " + AlarmPolicy.MAX_ESCALATION_LEVELS
                            + " (an escalation level of the policies' escalation.levels)");
        }
        problems.throwIfAny();
        StringBuilder canonical = new StringBuilder("enabled=" + a.enabled() + "\ncare-unit=" + careUnit + "\n");
        ofDevice.forEach((d, u) ->
                canonical.append("device.").append(d).append('=').append(u).append('\n'));
        canonical.append("frame-lag=").append(a.frameLag()).append('\n');
        policies.forEach((n, p) -> canonical
                .append("policy.")
                .append(n)
                .append('=')
                .append(p.hash())
                .append('\n'));
        if (pcd04 != null) {
            canonical.append("pcd04=").append(pcd04).append('\n');
        }
        if (pcd05In != null) {
            // The TLS server's own text holds the time its files were read: the hash names its subjects instead.
            canonical
                    .append("pcd05-in=")
                    .append(new Pcd05InSettings(pcd05In.bind(), pcd05In.allowed(), pcd05In.maxMessageSize()))
                    .append(" tls=")
                    .append(
                            pcd05In.tls() == null
                                    ? "none"
                                    : "client certificates, allowed subjects "
                                            + pcd05In.tls().allowedSubjects())
                    .append('\n');
        }
        if (escalation != null) {
            canonical
                    .append("escalation=")
                    .append(fromLevel)
                    .append(' ')
                    .append(escalation)
                    .append('\n');
        }
        return new AlarmSettings(
                a.enabled(),
                careUnit,
                Map.copyOf(policies),
                Map.copyOf(ofDevice),
                a.frameLag(),
                pcd04,
                pcd05In,
                escalation,
                fromLevel,
                sha256(canonical));
    }

    private static @Nullable Pcd05InSettings pcd05In(
            ConfigProblems.Collector problems, GatewayConfig.Pcd05InConfig p, boolean hasPcd04) {
        String key = KEY + ".pcd05-in";
        if (p.port().isEmpty()) {
            if (p.host().isPresent()
                    || p.allowedSources().isPresent()
                    || p.tls().isPresent()) {
                problems.add(key + ".port", "is required for a PCD-05 listener (2575 is common; 0 picks a free one)");
            }
            return null;
        }
        boolean ok = true;
        int port = p.port().get();
        if (port < 0 || port > 65535) {
            problems.add(key + ".port", port + " is not a port (0 picks a free one)");
            ok = false;
        }
        if (!hasPcd04) {
            problems.add(
                    key,
                    "a PCD-05 reports on the alerts the gateway sent as PCD-04: configure gateway.alarms.pcd04 too");
            ok = false;
        }
        String host = p.host().orElse("127.0.0.1").strip();
        InetSocketAddress bind = null;
        if (host.isEmpty() || host.contains(" ") || host.contains("/")) {
            problems.add(key + ".host", "'" + host + "' is not an address to listen on (127.0.0.1, 0.0.0.0)");
            ok = false;
        } else if (ok) {
            bind = new InetSocketAddress(host, port);
            if (bind.isUnresolved()) {
                problems.add(key + ".host", "'" + host + "' is not an address of this box");
                ok = false;
            }
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
        int max = p.maxMessageSize().orElse(1 << 20);
        if (max < 1024 || max > 64 * 1024 * 1024) {
            problems.add(
                    key + ".max-message-size",
                    max + " is not between 1024 and 67108864 bytes (default 1048576, 1 MiB)");
            ok = false;
        }
        ListenerTlsSettings.Result tls = ListenerTlsSettings.open(problems, p.tls(), key + ".tls", "pcd05-in");
        return ok && tls.ok() && bind != null ? new Pcd05InSettings(bind, allowed, max, tls.tls()) : null;
    }

    private static @Nullable Pcd04Settings pcd04(
            ConfigProblems.Collector problems,
            String key,
            GatewayConfig.Pcd04Config p,
            GatewayConfig config,
            String careUnit) {
        boolean ok = true;
        String host = p.host().orElse("").strip();
        if (host.isEmpty() || host.contains(" ") || host.contains("/")) {
            problems.add(key + ".host", "'" + host + "' is not a host name or address");
            ok = false;
        }
        int port = p.port().orElse(0);
        if (p.port().isEmpty()) {
            problems.add(key + ".port", "is required with a host (2575 is common)");
            ok = false;
        } else if (port < 1 || port > 65535) {
            problems.add(key + ".port", port + " is not a port (1 to 65535)");
            ok = false;
        }
        String eui64 = p.eui64().map(String::strip).orElseGet(() -> derivedEui64(config.id()));
        if (!eui64.matches("[0-9A-Fa-f]{16}")) {
            problems.add(key + ".eui64", "'" + eui64 + "' is not an EUI-64 of 16 hex digits");
            ok = false;
        }
        if (p.application().isBlank()) {
            problems.add(key + ".application", "must not be empty");
            ok = false;
        }
        CareLocation location;
        if (p.location().isPresent()) {
            String[] parts = p.location().get().split("\\^", -1);
            if (parts.length != 3 || parts[0].isBlank()) {
                problems.add(key + ".location", "'" + p.location().get() + "' is not point-of-care^room^bed");
                ok = false;
                location = null;
            } else {
                location = new CareLocation(parts[0].strip(), parts[1].strip(), parts[2].strip(), "");
            }
        } else {
            location = new CareLocation(careUnit, "", config.bed().orElse(config.id()), "");
        }
        ok &= positive(problems, key + ".ack-timeout", p.ackTimeout());
        ok &= positive(problems, key + ".connect-timeout", p.connectTimeout());
        ok &= positive(problems, key + ".retry-max-delay", p.retryMaxDelay());
        ok &= positive(problems, key + ".supervision", p.supervision());
        if (p.heartbeat().isNegative()
                || (!p.heartbeat().isZero() && p.heartbeat().compareTo(Duration.ofSeconds(1)) < 0)) {
            problems.add(key + ".heartbeat", p.heartbeat() + " must be 0s (off) or at least 1s");
            ok = false;
        }
        if (p.lateAfter().isNegative()) {
            problems.add(key + ".late-after", "must not be negative");
            ok = false;
        }
        if (!ok || location == null) {
            return null;
        }
        Pcd01Encoder.Sender sender = new Pcd01Encoder.Sender(
                p.application().strip(),
                eui64.toUpperCase(Locale.ROOT),
                p.facility().orElse(careUnit),
                p.receivingApplication(),
                p.receivingFacility().orElse(""));
        return new Pcd04Settings(
                host,
                port,
                sender,
                location,
                new Pcd04Sink.Settings(p.heartbeat(), p.lateAfter(), p.supervision()),
                p.ackTimeout(),
                p.connectTimeout(),
                p.retryMaxDelay());
    }

    private static boolean positive(ConfigProblems.Collector problems, String key, Duration d) {
        if (d.isNegative() || d.isZero()) {
            problems.add(key, "must be positive");
            return false;
        }
        return true;
    }

    /**
     * An EUI-64 for a gateway that has none configured: the first 8 bytes of SHA-256 of its id, marked locally
     * administered and unicast (IEEE 802 bits), so that it is stable for the box and never taken for a vendor's.
     */
    static String derivedEui64(String gatewayId) {
        byte[] h = digest(gatewayId.strip().getBytes(StandardCharsets.UTF_8));
        h[0] = (byte) ((h[0] | 0x02) & ~0x01);
        return HexFormat.of().withUpperCase().formatHex(h, 0, 8);
    }

    private static String sha256(CharSequence text) {
        return HexFormat.of().formatHex(digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
