package org.bedside.runtime.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code gateway:} section of the configuration file. See docs/configuration.md for a complete example.
 */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /**
     * This gateway's stable name, such as {@code icu-gw-12}. It is part of every identifier written to the FHIR server:
     * never change it on a box that has charted.
     */
    String id();

    /** The bed this box serves, for people: shown on the status page and in the FHIR Device names. */
    Optional<String> bed();

    /**
     * The patient charted for every device that names none itself, as a FHIR reference such as {@code
     * Patient/123}. Without a patient, readings are buffered but not charted.
     */
    Optional<String> patient();

    /** Where the buffer lives (the Chronicle queue and cursor positions). On a box: {@code /var/lib/bedside}. */
    @WithDefault("data")
    String dataDir();

    /** The devices, keyed by their name ({@code bed12-spo2}): letters, digits, '.', '_' and '-'. */
    Map<String, DeviceConfig> devices();

    UplinkConfig uplink();

    BufferConfig buffer();

    /** The alarm engine and the alert destinations (docs/alarms.md, docs/configuration.md). */
    AlarmsConfig alarms();

    /** Who may use the gateway's own HTTP beyond reading on this box (docs/security.md). */
    HttpConfig http();

    interface HttpConfig {
        /**
         * The users of the page and its API, {@code NAME:BCRYPT-HASH:ROLES} a line ({@code bedside user add} writes
         * one), readable by the gateway's user only. Without it nobody can sign in: reading works from this box only,
         * and nothing can be changed.
         */
        Optional<String> usersFile();
    }

    /** Captures for the field ({@code bedside capture}, docs/deployment.md): how large and how long one may be. */
    CaptureConfig capture();

    /** One capture's limits; the files go to {@code <data-dir>/captures}. */
    interface CaptureConfig {
        /** The size cap of one capture file, header included: bytes, or a number with KiB, MiB or GiB. */
        @WithDefault("64MiB")
        String maxSize();

        /** The longest capture that may be asked for. */
        @WithDefault("60m")
        Duration maxDuration();
    }

    /** Alarm filtering per care unit, and where alerts go. */
    interface AlarmsConfig {
        /** Whether the alarm engine runs (it reads the buffer under its own cursor, {@code alarms}). */
        @WithDefault("true")
        boolean enabled();

        /** The care unit whose policy applies to this gateway's devices: a key of {@code care-units}, or {@code default}. */
        @WithDefault("default")
        String careUnit();

        /**
         * Per care unit, the settings of its alarm policy (docs/alarms.md, "The policy"), such as {@code spo2.low: 88}
         * and {@code spo2.low.delay: 15s}; settings not given keep the shipped default's.
         */
        Map<String, Map<String, String>> careUnits();

        /** Per device (its key under {@code gateway.devices}), a care unit other than the gateway's. */
        Map<String, String> deviceCareUnits();

        /** The longest a frame takes from its receive time to the engine: the engine's clock runs this far behind. */
        @WithDefault("2s")
        Duration frameLag();

        /** IHE PCD-04 (ORU^R40) over MLLP to an Alert Manager; none without a host. */
        Pcd04Config pcd04();

        /** IHE PCD-05 (ORA^R41) in: the Alert Manager's status reports on the alerts sent as PCD-04; none without a port. */
        Pcd05InConfig pcd05In();

        /** A second destination for alerts that are still active after their escalation time. */
        EscalationConfig escalation();

        /** A buzzer and LEDs on the box's GPIO for the gateway's own technical alarms (docs/alarms.md). */
        LocalSignalsConfig localSignals();
    }

    /** The listener for the Alert Manager's PCD-05 (docs/alarms.md, "PCD-05 from the Alert Manager"). */
    interface Pcd05InConfig {
        /** The address to listen on (default {@code 127.0.0.1}); {@code 0.0.0.0} for every interface. */
        Optional<String> host();

        /** The MLLP port; without it, no listener; {@code 0} picks a free one (the log and the status say which). */
        Optional<Integer> port();

        /** Addresses and CIDR ranges that may connect (the Alert Manager); without it, any. */
        Optional<java.util.List<String>> allowedSources();

        /** The longest message taken, in bytes (default 1 MiB). */
        Optional<Integer> maxMessageSize();

        /** TLS with client certificates: only the Alert Manager's certificate opens the listener. */
        Optional<ListenerTlsConfig> tls();

        /**
         * A high- or medium-priority alert must be reported delivered to a person (a PCD-05 Delivered, Read, Accepted
         * or Rejected) within this long, or the gateway raises its technical alarm {@code alert-delivery-failing};
         * absent: delivery to a person is not supervised.
         */
        Optional<Duration> expectWithin();
    }

    /** Escalation to a second destination (docs/alarms.md, "Escalation to a second destination"). */
    interface EscalationConfig {
        /**
         * Alerts escalated at least this many times (the policy's {@code escalation.after} and {@code escalation.levels})
         * also go to {@code pcd04}, from that escalation to their end.
         */
        @WithDefault("1")
        int fromLevel();

        /** The second Alert Manager (a PCD-04 MLLP endpoint, keys as {@code gateway.alarms.pcd04}); none without a host. */
        Pcd04Config pcd04();
    }

    /** Local signals: none without outputs; absent GPIO is one line in the log, and the gateway goes on. */
    interface LocalSignalsConfig {
        /** How long a technical alarm must last before a signal shows it (one failed upload retried sounds nothing). */
        @WithDefault("10s")
        Duration delay();

        /** The outputs, keyed by a name ({@code buzzer}, {@code red-led}). */
        Map<String, SignalOutputConfig> outputs();

        /** How long every output is on at start, so that each lamp and buzzer is seen to work; {@code 0s}: none. */
        @WithDefault("2s")
        Duration lampTest();

        /** A push button that silences the buzzer for a while (IEC 60601-1-8 "audio paused"); none without a pin. */
        AudioPauseConfig audioPause();
    }

    /** The audio pause button: an input pin. */
    interface AudioPauseConfig {
        /** The GPIO line of the button (BCM numbering); without it, no audio pause. */
        Optional<Integer> pin();

        /** {@code low} when a press pulls the pin low (a button to ground: the pin is pulled up), {@code high} when high. */
        @WithDefault("low")
        String active();

        /** How long a press silences the outputs (10 s to 10 min). */
        @WithDefault("2m")
        Duration duration();

        /** The outputs it silences (the buzzer), by name; required with a pin. */
        Optional<java.util.List<String>> outputs();
    }

    /** One output pin. */
    interface SignalOutputConfig {
        /** The GPIO line (BCM numbering on a Raspberry Pi: GPIO18 is 18, header pin 12); required. */
        Optional<Integer> pin();

        /** {@code high} when the pin drives the buzzer or LED by going high, {@code low} when by going low. */
        @WithDefault("high")
        String active();

        /** {@code steady}, {@code blink} (0.5 s on, 0.5 s off) or {@code beep} (0.2 s on every 2 s). */
        @WithDefault("steady")
        String pattern();

        /**
         * The technical alarms it shows: {@code device-link-lost}, {@code uplink-failing}, {@code buffer-critical},
         * {@code alert-delivery-failing}; all four when not given.
         */
        Optional<java.util.List<String>> conditions();
    }

    /** The Alert Manager that takes PCD-04 (docs/hl7.md). */
    interface Pcd04Config {
        /** The Alert Manager's host name or address; without it, no alert goes out as PCD-04. */
        Optional<String> host();

        /** The Alert Manager's MLLP port (2575 is common); required with a host. */
        Optional<Integer> port();

        /** MSH-3.1, the sending application. */
        @WithDefault("BEDSIDE_GATEWAY")
        String application();

        /** MSH-3.2: this gateway's EUI-64 (16 hex digits); default one derived from the gateway id, locally administered. */
        Optional<String> eui64();

        /** MSH-4; default the care unit. */
        Optional<String> facility();

        /** MSH-5. */
        @WithDefault("AM")
        String receivingApplication();

        /** MSH-6. */
        Optional<String> receivingFacility();

        /** PV1-3 of every alert, {@code point-of-care^room^bed}; default {@code <care unit>^^<bed>}. */
        Optional<String> location();

        /** How often the watchdog ({@code MDC_EVT_ACTIVE}) goes out; {@code 0s} for none. */
        @WithDefault("30s")
        Duration heartbeat();

        /** A notification delivered later than this after it was decided is marked late. */
        @WithDefault("30s")
        Duration lateAfter();

        /** An alert (or the watchdog) not delivered within this long is a technical alarm of the gateway. */
        @WithDefault("60s")
        Duration supervision();

        /** How long to wait for the Alert Manager's acknowledgement. */
        @WithDefault("10s")
        Duration ackTimeout();

        @WithDefault("5s")
        Duration connectTimeout();

        /** The longest wait between retries while the Alert Manager cannot be reached. */
        @WithDefault("10s")
        Duration retryMaxDelay();
    }

    /**
     * The beds this gateway serves, keyed by a name ({@code bed12}): each bed's location and its devices. A bed's
     * patient comes from ADT ({@code gateway.adt}), or is fixed with {@code patient:} (a lab bench, a demo).
     */
    Map<String, BedConfig> beds();

    /** The ADT feed over MLLP that associates patients with the beds (docs/patients.md). */
    Optional<AdtConfig> adt();

    /**
     * The devices that travel with the patient: paired with a patient by a scan at the bedside, charted to that patient
     * whatever bed they stand in (docs/patients.md, "Devices that travel with the patient").
     */
    Optional<TravellingConfig> travelling();

    /** The devices that travel with the patient. */
    interface TravellingConfig {
        /** Devices of {@code gateway.devices} (a transport monitor), by id: at a bed or at none. */
        Optional<java.util.List<String>> devices();

        /** Pumps of any {@code bbraun-bcc} rack, by the serial number the driver reads ({@code INSERNUM}). */
        Optional<java.util.List<String>> pumpSerials();
    }

    /** One bed. */
    interface BedConfig {
        /** The bed as HL7 v2 names it in PV1-3: point of care^room^bed, such as {@code ICU^12^1}. */
        String location();

        /** The names of the devices at this bed (keys of {@code gateway.devices}). */
        Optional<java.util.List<String>> devices();

        /**
         * A fixed patient for this bed ({@code Patient/123}) instead of ADT: for a lab bench or a demo only. The status
         * page says so loudly.
         */
        Optional<String> patient();
    }

    /** The ADT listener. */
    interface AdtConfig {
        /** The address to listen on (default {@code 127.0.0.1}); {@code 0.0.0.0} for every interface. */
        Optional<String> host();

        /**
         * The MLLP port; {@code 0} picks a free one (the log and the status say which). Without it there is no ADT
         * listener: then {@link #encounters} must be given.
         */
        Optional<Integer> port();

        /** The FHIR {@code Encounter} source, for hospitals without an ADT feed to the gateway. */
        Optional<EncountersConfig> encounters();

        /** Addresses and CIDR ranges that may connect (the interface engine); without it, any. */
        Optional<java.util.List<String>> allowedSources();

        /**
         * The assigning authorities (PID-3.4) whose MR identifiers name patients, each mapped to the FHIR identifier
         * system of those MRNs on the FHIR server: {@code HOSP: urn:oid:1.2.3.4}.
         */
        Map<String, String> assigningAuthorities();

        /** The zone of the feed's times without an offset; default the gateway's zone. */
        Optional<String> hospitalZone();

        /** TLS with client certificates: only the interface engine's certificate opens the listener. */
        Optional<ListenerTlsConfig> tls();

        /**
         * How long every device of a bed may send no valid value before values resuming make its association
         * uncertain (docs/patients.md, "Signs from the devices"); default 30 min, {@code 0} for never, else 1 min to
         * 24 h.
         */
        Optional<java.time.Duration> sensorOffGap();
    }

    /** The FHIR {@code Encounter} source (docs/patients.md, "FHIR Encounter"). */
    interface EncountersConfig {
        /** How often each bed's Encounters in progress are searched; default 15 s, 1 s to 1 h. */
        Optional<java.time.Duration> pollEvery();

        /** Successful polls in a row that must miss an Encounter before its association ends; default 2, 1 to 10. */
        Optional<Integer> missesToEnd();
    }

    /**
     * TLS on an MLLP listener (docs/security.md, "TLS on the listeners"): TLS 1.2+, a client certificate of {@code
     * client-ca-file} required from every sender. Every key optional in the mapping (no {@code @WithDefault}: SmallRye
     * would then make the section present in every configuration); the checks say which are required.
     */
    interface ListenerTlsConfig {
        /** The listener's own certificate chain (PEM, the end entity first), which the senders verify. */
        Optional<String> certificateFile();

        /** Its private key: PKCS#8 PEM, RSA or EC, readable by its owner only. */
        Optional<String> keyFile();

        /** The password of an encrypted key file, in a file readable by its owner only. */
        Optional<String> keyPasswordFile();

        /** The CA certificates (PEM) that issue the senders' certificates; a sender without one is refused. */
        Optional<String> clientCaFile();

        /**
         * Only senders whose certificate has one of these subjects: a distinguished name ({@code
         * CN=engine,O=Hospital}) or a name matched against the common name and DNS names; without it, any certificate
         * of the client CA.
         */
        Optional<java.util.List<String>> allowedSubjects();

        /** A certificate ending within this long is warned about (log, status); default 720h. */
        Optional<Duration> expiryWarning();

        /** How often the files are looked at for changes (taken without a restart); default 1m. */
        Optional<Duration> checkInterval();

        /**
         * Whether a sender's revoked certificate is refused: {@code none}, {@code crl-files} (the lists below, never
         * fetched) or {@code ocsp} (asks the responder the sender's certificate names: a connection of its own); default
         * none. (No {@code @WithDefault}: a default inside an optional section would make the section always present.)
         */
        Optional<String> revocation();

        /** PEM revocation lists of the client CA for {@code revocation: crl-files}, looked at again like the rest. */
        Optional<java.util.List<String>> revocationLists();
    }

    /**
     * IHE PCD-01 in: an MLLP listener taking {@code ORU^R01} from device observation reporters (a central station, a
     * monitor gateway) for the devices configured under it (docs/hl7.md, "PCD-01 in"). Absent: no listener.
     */
    Optional<Pcd01InConfig> pcd01In();

    /** The PCD-01 listener. */
    interface Pcd01InConfig {
        /** The address to listen on (default {@code 127.0.0.1}); {@code 0.0.0.0} for every interface. */
        Optional<String> host();

        /** The MLLP port; {@code 0} picks a free one (the log and the status say which). */
        int port();

        /** Addresses and CIDR ranges that may connect (the reporters); without it, any. */
        Optional<java.util.List<String>> allowedSources();

        /**
         * The longest message taken, in bytes (default 1 MiB); a longer one is answered with an error and dropped. No
         * {@code @WithDefault}: SmallRye would then make the section present in every configuration (see {@code
         * mqttEgress}), and its required port missing.
         */
        Optional<Integer> maxMessageSize();

        /** The zone of a reporter that sends times without an offset; without it such times are no device time. */
        Optional<String> senderZone();

        /** TLS with client certificates: only the reporters' certificates open the listener. */
        Optional<ListenerTlsConfig> tls();

        /**
         * The devices behind the reporter, keyed by their name like {@code gateway.devices}; each is listed in the
         * {@code devices} of its bed ({@code gateway.beds}), whose PV1-3 chooses it.
         */
        Map<String, Pcd01DeviceConfig> devices();
    }

    /** One device behind a PCD-01 reporter. */
    interface Pcd01DeviceConfig {
        /** For people; default the key. */
        Optional<String> name();

        /**
         * OBX-18 of the device's rows (its EUI-64, entity or universal id): when a bed has several PCD-01 devices, each
         * names its equipment; a bed's one device without it takes the rows of any equipment.
         */
        Optional<String> equipment();
    }

    /**
     * Publishing what the buffer holds to an MQTT broker (docs/mqtt.md): readings, alarms and device status as SenML, at
     * QoS 1, from a cursor of its own. Absent: nothing is published.
     */
    Optional<MqttEgressConfig> mqttEgress();

    /**
     * PCD-01 out: the charted readings as HL7 v2 {@code ORU^R01} to an interface engine over MLLP, beside the FHIR
     * uplink (docs/configuration.md). On when {@code host} or {@code port} is given.
     */
    Optional<Pcd01OutConfig> pcd01Out();

    interface Pcd01OutConfig {
        Optional<String> host();

        Optional<Integer> port();

        /** MSH-3's namespace id; the EUI-64 goes beside it. */
        @WithDefault("BEDSIDE_GATEWAY")
        String application();

        /** The gateway's EUI-64 (16 hex digits); by default the one PCD-04 uses, derived from {@code gateway.id}. */
        Optional<String> eui64();

        /** MSH-4. */
        Optional<String> facility();

        /** MSH-5. */
        @WithDefault("ENGINE")
        String receivingApplication();

        /** MSH-6. */
        Optional<String> receivingFacility();

        @WithDefault("10s")
        Duration ackTimeout();

        @WithDefault("5s")
        Duration connectTimeout();

        @WithDefault("30s")
        Duration retryMaxDelay();

        /** TLS (MLLP over TLS) when {@code tls.trust-file} is given, as for the other outgoing connections. */
        TlsConfig tls();
    }

    /** The MQTT egress: the broker, the gateway's login (the keys of {@link MqttConfig}), topics and sampling. */
    interface MqttEgressConfig extends MqttConfig {
        /** The broker: {@code mqtt://host:1883}, or {@code mqtts://host:8883} for TLS (then {@code ca-file}). */
        Optional<String> broker();

        /** The first level of every topic: {@code <topic-root>/<gateway id>/<device>/readings}. */
        @WithDefault("bedside")
        String topicRoot();

        /**
         * {@code every-reading}, or an interval such as {@code 10s}: per device and metric, the first valid value of
         * each interval. Alarms and device status are always published.
         */
        @WithDefault("every-reading")
        String publish();

        /** The most messages in one batch, each batch committed after all its PUBACKs. */
        @WithDefault("100")
        int batchSize();

        /** How long a batch may wait for its acknowledgements before it is sent again. */
        @WithDefault("10s")
        Duration publishTimeout();

        /** The longest wait between attempts while the broker is away. */
        @WithDefault("30s")
        Duration retryMaxDelay();

        /**
         * Publishing this far behind the present (after an outage) is a backlog: what arrives live is published
         * first, the backlog in between.
         */
        @WithDefault("30s")
        Duration liveLag();
    }

    /** The durable buffer: durability and the free-space guard. */
    interface BufferConfig {
        /**
         * How often appended readings are forced to the disk. A process crash loses nothing whatever this is; a power
         * cut can lose up to this much of the latest readings. {@code 0s} forces every reading (slower, more flash
         * wear).
         */
        @WithDefault("1s")
        Duration syncInterval();

        /** Below this share of the disk free, the buffer is thinned: waveforms dropped, numerics kept once per interval. */
        @WithDefault("10%")
        String thinBelowFree();

        /** Above this share free, thinning stops (the low watermark). */
        @WithDefault("15%")
        String recoverAboveFree();

        /** Below this share free, only alarms, device status and the latest value of each metric are kept. */
        @WithDefault("3%")
        String criticalBelowFree();

        /** While thinning, at most one stored value per device and metric per this interval. */
        @WithDefault("60s")
        Duration thinInterval();
    }

    /** One device. */
    interface DeviceConfig {
        /** The driver code, such as {@code masimo-ascii}. */
        String driver();

        /**
         * The serial port, {@code udp://host:port}, or an MQTT subscription {@code mqtt://broker:1883/<topic filter>}
         * ({@code mqtts://broker:8883/...} for TLS). Prefer a stable path ({@code /dev/serial/by-id/usb-FTDI_...} or a udev alias such as {@code
         * /dev/medgw/bed12}) to {@code /dev/ttyUSB0}, which can change after a replug.
         */
        String port();

        /**
         * Serial line settings when the device is not set to the driver's default, such as {@code 19200 8E1} or
         * {@code 9600 8N1 rtscts}.
         */
        Optional<String> serial();

        /** A name for people, such as "Bed 12 oximeter". Defaults to the device's key. */
        Optional<String> name();

        /** The patient of this device, if not the gateway's ({@code Patient/123}). */
        Optional<String> patient();

        /** After this long without a decodable frame, the device is reported as silent. */
        @WithDefault("10s")
        Duration idleTimeout();

        /** The longest wait between attempts to reopen a lost port. */
        @WithDefault("5s")
        Duration reconnectMaxDelay();

        /** Driver options; each driver documents its own (docs/drivers). */
        Map<String, String> options();

        /** For a device on {@code mqtt://} or {@code mqtts://}: how the gateway logs in to the broker (docs/mqtt.md). */
        Optional<MqttConfig> mqtt();
    }

    /** The gateway's login to an MQTT broker, for one device's subscription. */
    interface MqttConfig {
        /** The broker user name of this gateway (per device, when each device has its own credentials). */
        Optional<String> user();

        /** A file whose first line is the password; never the password itself in this file. */
        Optional<String> passwordFile();

        /** For mqtts://: the CA certificate (PEM) that the broker's certificate must chain to. */
        Optional<String> caFile();

        /** For mqtts:// with client certificates: the gateway's certificate chain (PEM). */
        Optional<String> clientCertificate();

        /** The key of the client certificate (PKCS#8 PEM). */
        Optional<String> clientKey();

        /**
         * The MQTT client id, under which the broker keeps the gateway's session and what it has not yet acknowledged;
         * default {@code <gateway id>-<device>}. Never share one between two gateways or devices.
         */
        Optional<String> clientId();
    }

    /**
     * The FHIR server. Optional: without a base URL there is no FHIR uplink, and {@code gateway.pcd01-out} (or the MQTT
     * egress) must be the destination; the other keys here keep their meaning for PCD-01 out where they apply
     * ({@code max-clock-skew}).
     */
    interface UplinkConfig {
        /** The FHIR base URL, such as {@code https://fhir.hospital.org/fhir}; none: no FHIR uplink. */
        Optional<String> baseUrl();

        /**
         * What is charted: {@code every-reading}, or an interval such as {@code 1m} (per device and metric, the latest
         * valid value of each interval).
         */
        @WithDefault("1m")
        String charting();

        /** The most Observations in one transaction Bundle. */
        @WithDefault("100")
        int bundleSize();

        /** How long one upload may take. */
        @WithDefault("30s")
        Duration timeout();

        /** The longest wait between retries while the server is unreachable. */
        @WithDefault("60s")
        Duration retryMaxDelay();

        /** How far a device clock may be from the gateway's and still be used as the charting time. */
        @WithDefault("2m")
        Duration maxClockSkew();

        /** The identifier system of the Observations this gateway writes. */
        @WithName("identifier-system")
        @WithDefault("urn:bedside:observation")
        String identifierSystem();

        /** TLS towards the FHIR server and its authorization server (docs/security.md). */
        TlsConfig tls();

        /** Checks before charting (docs/patients.md): plausible ranges, preliminary charting. */
        ValidationConfig validation();

        /** How the gateway proves who it is to the FHIR server (docs/security.md). */
        AuthConfig auth();
    }

    /** Checks before charting. */
    interface ValidationConfig {
        /** Chart everything as {@code preliminary}: for units whose nurses validate vital signs in the EHR. */
        @WithDefault("false")
        boolean preliminary();

        /** What becomes of a value outside its range: {@code preliminary} (charted so, with the reason) or {@code not-charted}. */
        @WithDefault("preliminary")
        String outOfRange();

        /** Plausible ranges by MDC reference id, such as {@code MDC_PULS_OXIM_SAT_O2: 50..100}. */
        Map<String, String> ranges();

        /**
         * How long one value may repeat to the last digit before the device looks frozen, by MDC reference id, such as
         * {@code MDC_ECG_HEART_RATE: 10m}. Such values are treated as out of range.
         */
        Map<String, String> frozenAfter();
    }

    /** TLS of an outgoing connection; every file is PEM. */
    interface TlsConfig {
        /** The CA certificates that may issue the server's certificate; without it, the JDK's public CAs. */
        Optional<String> trustFile();

        /** This box's certificate chain for mutual TLS (the end entity first). */
        Optional<String> certificateFile();

        /** The private key of the client certificate: PKCS#8, RSA or EC, readable by its owner only. */
        Optional<String> keyFile();

        /** The password of an encrypted key file, in a file readable by its owner only. */
        Optional<String> keyPasswordFile();

        /** {@code none}, {@code crl-files} (local lists only) or {@code ocsp} (asks the responder online). */
        @WithDefault("none")
        String revocation();

        /** PEM revocation lists for {@code revocation: crl-files}. */
        Optional<java.util.List<String>> revocationLists();

        /** A certificate ending within this long is warned about (log, status). */
        @WithDefault("720h")
        Duration expiryWarning();

        /** How often the files are looked at for changes (taken without a restart) and coming expiry. */
        @WithDefault("1m")
        Duration checkInterval();
    }

    /** Authorization towards the FHIR server. */
    interface AuthConfig {
        /**
         * {@code none}, {@code private-key-jwt} (SMART Backend Services), {@code client-secret-basic}, {@code
         * client-secret-post} or {@code bearer-file}.
         */
        @WithDefault("none")
        String method();

        /** The gateway's client id at the authorization server. */
        Optional<String> clientId();

        /** The token endpoint; without it, read from {@code <base-url>/.well-known/smart-configuration}. */
        Optional<String> tokenEndpoint();

        /** The scopes asked for, separated by spaces; default the SMART v2 scopes the gateway needs. */
        Optional<String> scopes();

        /** The key that signs the private_key_jwt assertion: PKCS#8 PEM, RSA or EC P-384, owner-only. */
        Optional<String> keyFile();

        /** RS384, ES384, RS256 or PS256; default RS384 for an RSA key, ES384 for an EC key. */
        Optional<String> algorithm();

        /** The kid the key was registered with; default its RFC 7638 thumbprint. */
        Optional<String> keyId();

        /** The key's certificate, for the x5t or x5t#S256 header (Microsoft Entra ID). */
        Optional<String> certificateFile();

        /** {@code none}, {@code x5t} or {@code x5t#S256}. */
        @WithDefault("none")
        String thumbprint();

        /** The client secret for the client-secret methods, in a file readable by its owner only. */
        Optional<String> clientSecretFile();

        /** The bearer token for {@code bearer-file}, in a file readable by its owner only (re-read when it changes). */
        Optional<String> tokenFile();

        /** How long an assertion is valid: at most 5 minutes. */
        @WithDefault("4m")
        Duration assertionLifetime();

        /** A token is renewed this long before it expires (or at three quarters of a short lifetime). */
        @WithDefault("60s")
        Duration renewBefore();

        /** The longest wait between attempts while the authorization server cannot be reached. */
        @WithDefault("60s")
        Duration retryMaxDelay();

        /** The first wait after a refusal (unknown client, missing scope); it doubles up to 15 minutes. */
        @WithDefault("30s")
        Duration refusedRetryDelay();
    }
}
