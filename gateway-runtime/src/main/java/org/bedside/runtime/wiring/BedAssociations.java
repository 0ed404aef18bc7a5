package org.bedside.runtime.wiring;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.PatientIdentifier;
import org.bedside.hl7.mllp.MllpListener;
import org.bedside.hl7.mllp.MllpListenerConfig;
import org.bedside.model.DeviceId;
import org.bedside.model.InfusionStatus;
import org.bedside.model.Reading;
import org.bedside.mqtt.MqttSink;
import org.bedside.patients.AuditLog;
import org.bedside.patients.BedLocation;
import org.bedside.patients.BedTimeline;
import org.bedside.patients.DevicePairings;
import org.bedside.patients.EncounterSource;
import org.bedside.patients.PatientAssociations;
import org.bedside.patients.PatientKey;
import org.bedside.patients.Releases;
import org.bedside.patients.Withdrawal;
import org.bedside.patients.adt.AdtHandler;
import org.bedside.runtime.config.BedSettings;
import org.bedside.uplink.AuditTrail;
import org.bedside.uplink.DeviceContext;
import org.bedside.uplink.EncounterSearch;
import org.bedside.uplink.Pcd01Patients;
import org.bedside.uplink.Subjects;
import org.bedside.uplink.Withdrawals;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beds' patients, as the uplink asks for them: a device at a bed is charted to the bed's patient at the time of the
 * reading — the bed's fixed patient, or the ADT association ({@link PatientAssociations}) — and a device at no bed to
 * its configured patient, as before. Owns the ADT listener.
 */
public final class BedAssociations implements Subjects, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BedAssociations.class);

    private final BedSettings settings;
    private final Map<DeviceId, BedSettings.Bed> bedOfDevice = new HashMap<>();
    private final @Nullable PatientAssociations associations;
    private final @Nullable AdtHandler handler;
    private final AuditLog audit;
    private final @Nullable Releases releases;
    private @Nullable MllpListener listener;
    /** The signs from the devices (docs/patients.md, "Signs from the devices"); null until watched, or without ADT. */
    private volatile org.bedside.patients.@Nullable BedSigns signs;

    BedAssociations(BedSettings settings, @Nullable PatientAssociations associations, AuditLog audit) {
        this(settings, associations, null, audit);
    }

    /** @param releases the releases of held readings ({@code <data-dir>/patients/releases.jsonl}), with ADT */
    BedAssociations(
            BedSettings settings,
            @Nullable PatientAssociations associations,
            @Nullable Releases releases,
            AuditLog audit) {
        this(settings, associations, releases, audit, null);
    }

    /**
     * @param encounters the FHIR server's Encounter search, for {@code gateway.adt.encounters} (null without a FHIR
     *     uplink, which the configuration checks refuse with that key)
     */
    BedAssociations(
            BedSettings settings,
            @Nullable PatientAssociations associations,
            @Nullable Releases releases,
            AuditLog audit,
            @Nullable EncounterSearch encounters) {
        this(settings, associations, releases, audit, encounters, null);
    }

    /**
     * @param pairings the devices that travel with the patient, paired at the bedside ({@code
     *     <data-dir>/patients/device-pairings.jsonl}), with ADT
     */
    BedAssociations(
            BedSettings settings,
            @Nullable PatientAssociations associations,
            @Nullable Releases releases,
            AuditLog audit,
            @Nullable EncounterSearch encounters,
            @Nullable DevicePairings pairings) {
        this.pairings = pairings;
        this.settings = settings;
        this.associations = associations;
        this.releases = releases;
        this.audit = audit;
        for (BedSettings.Bed b : settings.beds()) {
            b.devices().forEach(d -> bedOfDevice.put(d, b));
        }
        BedSettings.Adt adt = settings.adt();
        this.handler = adt == null || associations == null
                ? null
                : new AdtHandler(adt.zone(), List.copyOf(adt.identifierSystems().keySet()), associations, audit);
        this.polls = adt == null || associations == null || adt.encounters() == null || encounters == null
                ? null
                : new EncounterPolls(
                        adt,
                        List.copyOf(adtBeds(settings)),
                        encounters,
                        new EncounterSource(
                                associations, audit, adt.encounters().missesToEnd()),
                        java.time.InstantSource.system());
    }

    private final @Nullable EncounterPolls polls;

    private final @Nullable DevicePairings pairings;

    /** Where each travelling pump was last read: its rack and when, for the status (only configured serials). */
    private final Map<String, PumpSeen> pumpsSeen = new java.util.concurrent.ConcurrentHashMap<>();

    private record PumpSeen(DeviceId rack, Instant at) {}

    /** The FHIR Encounter source's state, when {@code gateway.adt.encounters} is configured; else null. */
    public @Nullable EncounterSource encounterSource() {
        EncounterPolls p = polls;
        return p == null ? null : p.source();
    }

    /** The box's audit log, which the HTTP side writes too (org.bedside.runtime.security.HttpAudit). */
    public AuditLog audit() {
        return audit;
    }

    /**
     * The audit log as the uplink delivers it, as FHIR AuditEvents (docs/patients.md, "Audit"): each destination's
     * count of delivered entries in {@code <data-dir>/audit/delivered-<destination>.position}, replaced atomically and
     * forced to the disk.
     */
    @Override
    public AuditTrail auditTrail() {
        return auditTrail;
    }

    private final AuditTrail auditTrail = new AuditTrail() {
        private final Map<String, Long> delivered = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public List<Entry> pending(String destination, int max) throws IOException {
            long done = deliveredCount(destination);
            if (audit.count() <= done) {
                return List.of();
            }
            List<com.fasterxml.jackson.databind.node.ObjectNode> all = audit.entries();
            List<Entry> out = new ArrayList<>();
            for (int i = (int) done; i < all.size() && out.size() < max; i++) {
                out.add(entry(all.get(i)));
            }
            return out;
        }

        @Override
        public void delivered(String destination, int count) throws IOException {
            long now = deliveredCount(destination) + count;
            java.nio.file.Path file = positionFile(destination);
            java.nio.file.Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (java.io.FileOutputStream out = new java.io.FileOutputStream(tmp.toFile())) {
                out.write((now + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.getFD().sync();
            }
            java.nio.file.Files.move(
                    tmp,
                    file,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            delivered.put(destination, now);
        }

        private long deliveredCount(String destination) throws IOException {
            Long known = delivered.get(destination);
            if (known != null) {
                return known;
            }
            java.nio.file.Path file = positionFile(destination);
            long n = java.nio.file.Files.exists(file)
                    ? Long.parseLong(java.nio.file.Files.readString(file).trim())
                    : 0;
            delivered.put(destination, n);
            return n;
        }

        private java.nio.file.Path positionFile(String destination) {
            return audit.file().resolveSibling("delivered-" + destination + ".position");
        }

        private Entry entry(com.fasterxml.jackson.databind.node.ObjectNode line) {
            Map<String, String> fields = new LinkedHashMap<>();
            line.fields().forEachRemaining(f -> {
                if (!f.getKey().equals("at") && !f.getKey().equals("action")) {
                    fields.put(f.getKey(), f.getValue().asText());
                }
            });
            BedSettings.Adt adt = settings.adt();
            String authority = fields.get("authority");
            String system = adt == null || authority == null
                    ? null
                    : adt.identifierSystems().get(authority);
            return new Entry(
                    "audit-" + sha(line.toString()),
                    Instant.parse(line.path("at").asText()),
                    line.path("action").asText(),
                    fields,
                    system);
        }
    };

    private static String sha(String text) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bed a device stands at, for its FHIR Device's location (docs/patients.md, "Beds"). */
    @Override
    public @Nullable CareLocation locationOf(DeviceId device) {
        BedSettings.Bed bed = bedOfDevice.get(device);
        if (bed == null) {
            return null;
        }
        BedLocation l = bed.location();
        return new CareLocation(l.pointOfCare(), l.room(), l.bed(), "");
    }

    /** Applies the signs from the devices to the beds' associations from now on; closed with this. */
    void watchSigns(org.bedside.patients.BedSigns s) {
        this.signs = s;
    }

    /** A frame's readings of one device, before they are stored: its signs are recorded first. */
    public void observeSigns(List<org.bedside.model.Reading> readings) {
        org.bedside.patients.BedSigns s = signs;
        if (s != null) {
            s.observe(readings);
        }
    }

    /** What the bed's timeline says of {@code time}, with the signs from the devices applied. */
    private BedTimeline.Subject signed(PatientAssociations a, BedSettings.Bed bed, Instant time) {
        BedTimeline.Subject s = a.subjectAt(bed.location(), time);
        org.bedside.patients.BedSigns watched = signs;
        return watched == null ? s : watched.subjectAt(bed.location(), time, s);
    }

    /** The ADT associations, for tests in this package. */
    @Nullable
    PatientAssociations associationsForTest() {
        return associations;
    }

    /** The beds' locations that take their patient from ADT. */
    static Set<BedLocation> adtBeds(BedSettings settings) {
        return settings.beds().stream()
                .filter(b -> b.fixedPatient() == null)
                .map(BedSettings.Bed::location)
                .collect(Collectors.toSet());
    }

    /** Starts the ADT listener and the Encounter polls, those configured. */
    synchronized void start() throws IOException {
        if (polls != null) {
            polls.start();
        }
        BedSettings.Adt adt = settings.adt();
        if (adt == null || adt.bind() == null || handler == null || listener != null) {
            return;
        }
        MllpListener l = new MllpListener(
                MllpListenerConfig.builder(adt.bind())
                        .allowList(adt.allowed())
                        .tls(adt.tls())
                        .refusals(handler::connectionRefused) // audited: who tried to open the ADT feed
                        .name("adt-in")
                        .build(),
                handler);
        l.start();
        listener = l;
        LOG.info(
                "ADT listener on mllp://{}:{}{}",
                l.localAddress().getHostString(),
                l.localAddress().getPort(),
                adt.tls() == null ? "" : " over TLS, client certificates required");
    }

    /** Whether an ADT listener is configured (and will be started). */
    public boolean hasAdt() {
        return settings.adt() != null && handler != null;
    }

    /** The ADT listener's counts (refused connections by reason, acknowledgements), once started; else null. */
    public org.bedside.hl7.mllp.@Nullable ListenerStats adtListenerStats() {
        MllpListener l = listener;
        return l == null ? null : l.stats();
    }

    /** Where the ADT listener listens, once started. */
    public @Nullable InetSocketAddress adtAddress() {
        MllpListener l = listener;
        return l == null ? null : l.localAddress();
    }

    @Override
    public Subject subjectAt(DeviceId device, Instant time, @Nullable DeviceContext context) {
        BedSettings.Bed bed = bedOfDevice.get(device);
        if (settings.travelling().devices().contains(device)) {
            DevicePairings.Traveller t = new DevicePairings.Traveller.Device(device.value());
            return travellerSubject(t, travellerAt(t, bed, time));
        }
        if (bed == null) {
            return Subjects.configured().subjectAt(device, time, context);
        }
        if (bed.fixedPatient() != null) {
            return new Subject.Charted(bed.fixedPatient(), null);
        }
        PatientAssociations a = associations;
        BedSettings.Adt adt = settings.adt();
        if (a == null || adt == null) {
            return new Subject.NotCharted("no-patient");
        }
        BedTimeline.Subject s = signed(a, bed, time);
        Releases.@Nullable Release released = released(a, bed, s, time);
        if (released != null) {
            return new Subject.Charted(
                    "Patient?identifier="
                            + adt.identifierSystems().get(released.patient().authority()) + "|"
                            + released.patient().mrn(),
                    released.key());
        }
        if (s instanceof BedTimeline.Subject.Patient p) {
            String system = adt.identifierSystems().get(p.occupant().patient().authority());
            return new Subject.Charted(
                    "Patient?identifier=" + system + "|"
                            + p.occupant().patient().mrn(),
                    associationKey(bed, p));
        }
        if (s instanceof BedTimeline.Subject.Uncertain u) {
            return new Subject.Held(u.reason());
        }
        return new Subject.NotCharted("no-patient");
    }

    /**
     * A pump of a rack that travels with its patient is charted by its pairing, not by the rack's bed (docs/patients.md,
     * "Devices that travel with the patient"); every other reading by its device.
     */
    @Override
    public Subject subjectOf(Reading reading, Instant time, @Nullable DeviceContext context) {
        if (reading instanceof InfusionStatus pump
                && !settings.travelling().pumpSerials().isEmpty()) {
            String serial = pump.pumpSerial();
            if (serial == null) {
                // It may be one of those that travel: never the rack's bed's patient without knowing.
                return new Subject.NotCharted("no-patient");
            }
            if (settings.travelling().pumpSerials().contains(serial)) {
                pumpsSeen.merge(
                        serial,
                        new PumpSeen(pump.device(), pump.receivedAt()),
                        (was, now) -> now.at().isAfter(was.at()) ? now : was);
                DevicePairings.Traveller t = new DevicePairings.Traveller.Pump(serial);
                return travellerSubject(t, travellerAt(t, bedOfDevice.get(pump.device()), time));
            }
        }
        return subjectAt(reading.device(), time, context);
    }

    /** Whom a reading of a travelling device, standing in {@code bed} (null: at no bed), taken at {@code time}, is of. */
    private BedTimeline.Subject travellerAt(DevicePairings.Traveller t, BedSettings.@Nullable Bed bed, Instant time) {
        DevicePairings p = pairings;
        PatientAssociations a = associations;
        if (p == null || a == null) {
            return new BedTimeline.Subject.Nobody("no pairings without gateway.adt");
        }
        if (bed != null && bed.fixedPatient() != null) {
            return new BedTimeline.Subject.Nobody(t.kind() + " " + t.label() + " travels with its patient and stands in"
                    + " bed " + bed.name() + ", whose patient is fixed by the configuration");
        }
        return p.subjectAt(t, time, bed == null ? null : a.timeline(bed.location()));
    }

    private Subject travellerSubject(DevicePairings.Traveller t, BedTimeline.Subject s) {
        if (s instanceof BedTimeline.Subject.Patient p) {
            PatientKey patient = p.occupant().patient();
            return new Subject.Charted(
                    "Patient?identifier=" + identifierSystem(patient) + "|" + patient.mrn(),
                    DevicePairings.key(t, patient, p.occupant().since()));
        }
        if (s instanceof BedTimeline.Subject.Uncertain u) {
            return new Subject.Held(u.reason());
        }
        return new Subject.NotCharted("no-patient");
    }

    /**
     * The same answers in HL7 v2 terms, for PCD-01 out: a bed's ADT patient is its MRN with the assigning authority
     * (PID-3) and the bed (PV1-3); an uncertain bed holds the reading, as for the uplink. A configured patient is a FHIR
     * reference with no MRN to put in PID-3: its readings are not sent (counted {@code no-patient-identifier}), never
     * sent without a patient for the engine to guess one from the bed.
     */
    public Pcd01Patients pcd01Patients(Map<DeviceId, DeviceContext> contexts) {
        return new Pcd01Patients() {
            @Override
            public Answer patientAt(DeviceId device, Instant time) {
                BedSettings.Bed bed = bedOfDevice.get(device);
                if (settings.travelling().devices().contains(device)) {
                    BedTimeline.Subject s = travellerAt(new DevicePairings.Traveller.Device(device.value()), bed, time);
                    if (s instanceof BedTimeline.Subject.Patient p) {
                        return identified(p.occupant().patient(), bed == null ? null : bed.location());
                    }
                    return s instanceof BedTimeline.Subject.Uncertain u
                            ? new Answer.Held(u.reason())
                            : new Answer.NotSent("no-patient");
                }
                if (bed == null) {
                    DeviceContext c = contexts.get(device);
                    return new Answer.NotSent(
                            c == null || c.patientReference() == null ? "no-patient" : "no-patient-identifier");
                }
                if (bed.fixedPatient() != null) {
                    return new Answer.NotSent("no-patient-identifier");
                }
                PatientAssociations a = associations;
                if (a == null || settings.adt() == null) {
                    return new Answer.NotSent("no-patient");
                }
                BedTimeline.Subject s = signed(a, bed, time);
                Releases.@Nullable Release released = released(a, bed, s, time);
                if (released != null) {
                    return identified(released.patient(), bed.location());
                }
                if (s instanceof BedTimeline.Subject.Patient p) {
                    return identified(p.occupant().patient(), bed.location());
                }
                if (s instanceof BedTimeline.Subject.Uncertain u) {
                    return new Answer.Held(u.reason());
                }
                return new Answer.NotSent("no-patient");
            }

            @Override
            public long version() {
                return BedAssociations.this.version();
            }

            @Override
            public Withdrawals withdrawals() {
                return BedAssociations.this.withdrawals();
            }
        };
    }

    /** PID-3 of {@code patient} (MRN with its assigning authority) and PV1-3 of {@code bed}, or none at no bed. */
    private static Pcd01Patients.Answer identified(PatientKey patient, @Nullable BedLocation bed) {
        return new Pcd01Patients.Answer.Identified(
                new PatientIdentifier(patient.mrn(), patient.authority(), "", "MR"),
                bed == null ? null : new CareLocation(bed.pointOfCare(), bed.room(), bed.bed(), ""));
    }

    /**
     * The withdrawals each destination owes (docs/patients.md, "Withdrawal"), for the FHIR uplink and PCD-01 out: from
     * the ADT journal's cancels, with each destination's progress kept in {@code <data-dir>/patients}.
     */
    @Override
    public Withdrawals withdrawals() {
        return new Withdrawals() {
            @Override
            public List<Owed> owed(String destination) {
                List<Owed> out = new ArrayList<>();
                for (Withdrawal w : owedWithdrawals(destination)) {
                    out.add(toOwed(w));
                }
                return out;
            }

            @Override
            public void done(String destination, Owed withdrawal, int items, String outcome) throws IOException {
                PatientAssociations a = java.util.Objects.requireNonNull(associations);
                for (Withdrawal w : allWithdrawals(a)) {
                    if (w.id().equals(withdrawal.id())) {
                        a.withdrawn(destination, w, Instant.now(), items, outcome);
                    }
                }
            }
        };
    }

    /** The same for the MQTT egress, which names no patient: the bed, its devices and the window. */
    public MqttSink.Withdrawals mqttWithdrawals() {
        return new MqttSink.Withdrawals() {
            @Override
            public List<MqttSink.Notice> owed() {
                List<MqttSink.Notice> out = new ArrayList<>();
                for (Withdrawal w : owedWithdrawals(MqttSink.DESTINATION)) {
                    Withdrawals.Owed o = toOwed(w);
                    out.add(new MqttSink.Notice(
                            w.id(),
                            List.copyOf(o.devices()),
                            w.bed().toString(),
                            w.since(),
                            w.ended() != null && w.ended().isBefore(w.until()) ? w.ended() : w.until(),
                            w.association(),
                            o.reason()));
                }
                return out;
            }

            @Override
            public void done(MqttSink.Notice notice, int messages, String outcome) throws IOException {
                PatientAssociations a = java.util.Objects.requireNonNull(associations);
                for (Withdrawal w : allWithdrawals(a)) {
                    if (w.id().equals(notice.id())) {
                        a.withdrawn(MqttSink.DESTINATION, w, Instant.now(), messages, outcome);
                    }
                }
            }
        };
    }

    private List<Withdrawal> owedWithdrawals(String destination) {
        PatientAssociations a = associations;
        if (a == null || a.withdrawals().isEmpty()) {
            return List.of();
        }
        try {
            return a.owed(destination, allWithdrawals(a));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(
                    "cannot read what " + destination + " withdrew (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Every withdrawal, each cancel's followed by those of the releases made under the association it removed: a
     * release charts under a key of its own and before the association began, so the association's withdrawal alone
     * would not find what it charted (docs/patients.md, "Withdrawal").
     */
    private List<Withdrawal> allWithdrawals(PatientAssociations a) {
        Releases r = releases;
        List<Releases.Release> made = r == null ? List.of() : r.all();
        List<Withdrawal> out = new ArrayList<>();
        for (Withdrawal w : a.withdrawals()) {
            out.add(w);
            for (Releases.Release x : made) {
                if (w.madeUnder(x)) {
                    out.add(w.ofRelease(x));
                }
            }
        }
        return out;
    }

    private Withdrawals.Owed toOwed(Withdrawal w) {
        BedSettings.Adt adt = settings.adt();
        String system =
                adt == null ? null : adt.identifierSystems().get(w.patient().authority());
        Set<DeviceId> devices = new java.util.HashSet<>();
        for (BedSettings.Bed b : settings.beds()) {
            if (b.location().equals(w.bed())) {
                devices.addAll(b.devices());
            }
        }
        String what = "A12".equals(w.trigger()) ? "transfer cancelled" : "admission cancelled";
        BedLocation l = w.bed();
        return new Withdrawals.Owed(
                w.id(),
                w.association(),
                devices,
                new PatientIdentifier(w.patient().mrn(), w.patient().authority(), "", "MR"),
                system == null ? null : system + "|" + w.patient().mrn(),
                new CareLocation(l.pointOfCare(), l.room(), l.bed(), ""),
                w.since(),
                w.ended(),
                w.until(),
                what + " (" + w.trigger() + " " + w.controlId() + ")"
                        + (w.release() == null
                                ? ""
                                : ", readings released by " + w.release().id()));
    }

    /**
     * Who the gateway's own association puts in {@code bed} at {@code time}, for a reporter's PID-3 to be compared with
     * (PCD-01 in): the ADT occupants (none, one, or two in a conflict); null when the bed's patient is fixed by the
     * configuration or there is no ADT, so that no MRN is known to compare with.
     */
    public @Nullable List<PatientKey> adtPatientsAt(BedLocation bed, Instant time) {
        PatientAssociations a = associations;
        if (a == null || settings.adt() == null) {
            return null;
        }
        for (BedSettings.Bed b : settings.beds()) {
            if (b.location().equals(bed) && b.fixedPatient() != null) {
                return null;
            }
        }
        return a.timeline(bed).occupantsAt(time).stream()
                .map(BedTimeline.Occupant::patient)
                .toList();
    }

    /** The assigning authorities (PID-3.4) whose MRs name patients, in order; empty without ADT. */
    public List<String> assigningAuthorities() {
        BedSettings.Adt adt = settings.adt();
        return adt == null ? List.of() : List.copyOf(adt.identifierSystems().keySet());
    }

    /** The release that gives a reading the bed's timeline gave to nobody to a patient, if one does. */
    private Releases.@Nullable Release released(
            PatientAssociations a, BedSettings.Bed bed, BedTimeline.Subject s, Instant time) {
        Releases r = releases;
        if (r == null || !(s instanceof BedTimeline.Subject.Nobody)) {
            return null;
        }
        return r.patientAt(bed.location(), time, a.timeline(bed.location()));
    }

    /** A short stable name of one association, for Observation identifiers: no patient data in clear. */
    private static String associationKey(BedSettings.Bed bed, BedTimeline.Subject.Patient p) {
        return Withdrawal.associationKey(
                bed.location(), p.occupant().patient(), p.occupant().since());
    }

    @Override
    public long version() {
        PatientAssociations a = associations;
        Releases r = releases;
        DevicePairings d = pairings;
        org.bedside.patients.BedSigns watched = signs;
        return (a == null ? 0 : a.version())
                + (r == null ? 0 : r.version())
                + (d == null ? 0 : d.version())
                + (watched == null ? 0 : watched.version());
    }

    /** Per bed: who is associated, since when, by which source; what is held and why. For the status page. */
    public List<BedStatus> status(Instant now) {
        List<BedStatus> out = new ArrayList<>();
        for (BedSettings.Bed b : settings.beds()) {
            List<String> devices = b.devices().stream().map(DeviceId::value).toList();
            if (b.fixedPatient() != null) {
                out.add(new BedStatus(
                        b.name(),
                        b.location().toString(),
                        devices,
                        "configured",
                        "ASSOCIATED",
                        List.of(new Patient(b.fixedPatient(), null, null, null, "configured")),
                        null,
                        "a fixed patient from the configuration (lab bench or demo): not checked against ADT",
                        List.of(),
                        null,
                        List.of()));
                continue;
            }
            PatientAssociations a = associations;
            BedTimeline t = a == null ? BedTimeline.empty(b.location()) : a.timeline(b.location());
            List<BedTimeline.Occupant> occupants = t.occupantsAt(now);
            BedTimeline.Change current = t.current();
            Instant since = current == null ? null : current.from();
            List<Patient> patients = occupants.stream()
                    .map(o -> new Patient(
                            null,
                            o.patient().mrn(),
                            o.patient().authority(),
                            o.since(),
                            a == null ? "adt" : a.sourceOf(o)))
                    .toList();
            String state;
            String held;
            if (settings.adt() == null) {
                state = "NO_SOURCE";
                held = "no patient: and no gateway.adt: readings are buffered, never charted";
            } else if (occupants.size() == 1
                    && a != null
                    && signed(a, b, now) instanceof BedTimeline.Subject.Uncertain u) {
                state = "UNCERTAIN"; // a sign from the devices (docs/patients.md, "Signs from the devices")
                held = u.reason();
            } else if (occupants.size() == 1) {
                state = "ASSOCIATED";
                held = null;
            } else if (occupants.isEmpty()) {
                state = "NOT_ASSOCIATED";
                held = "no patient admitted to " + b.location()
                        + ": readings are kept in the buffer, not charted (a confirmation releases them)";
            } else {
                state = "UNCERTAIN";
                held = "two admissions to " + b.location()
                        + " and no discharge or transfer of either: readings held until resolved";
            }
            out.add(new BedStatus(
                    b.name(),
                    b.location().toString(),
                    devices,
                    "adt",
                    state,
                    patients,
                    since,
                    held,
                    a == null ? List.of() : confirmations(a, b),
                    a == null || occupants.size() != 1 ? null : releasable(t, occupants.get(0)),
                    releasesOf(b)));
        }
        return out;
    }

    /** The ADT listener's counts, for the status: messages by outcome. */
    public Map<String, Long> adtCounts() {
        AdtHandler h = handler;
        return h == null ? Map.of() : new LinkedHashMap<>(h.counts());
    }

    /**
     * One bed on the status page.
     *
     * @param source {@code adt} or {@code configured}
     * @param state ASSOCIATED, NOT_ASSOCIATED, UNCERTAIN, NO_SOURCE
     * @param since when the bed's state last changed (ADT)
     * @param held why readings are not charted now, or null
     * @param bedside the associations set or confirmed at the bedside in this bed, oldest first
     * @param releasable readings taken before the bed's patient was associated, which an explicit release may chart to
     *     them (docs/patients.md), or null
     * @param releases the releases made for this bed, and which destinations have charted them
     */
    public record BedStatus(
            String name,
            String location,
            List<String> devices,
            String source,
            String state,
            List<Patient> patients,
            @Nullable Instant since,
            @Nullable String held,
            List<BedsideEntry> bedside,
            @Nullable Releasable releasable,
            List<ReleaseStatus> releases) {}

    /**
     * A patient as the status shows one: the configured reference, or the MRN with its authority.
     *
     * @param source {@code adt}, {@code bedside} (set by a scan at the bedside) or {@code configured}
     */
    public record Patient(
            @Nullable String reference,
            @Nullable String mrn,
            @Nullable String authority,
            @Nullable Instant since,
            String source) {}

    /** One association set ({@code A01}) or ended ({@code A03}) at the bedside: by whom, when, for whom. */
    public record BedsideEntry(String user, Instant at, String trigger, String mrn, String authority) {}

    /**
     * What is held before an association and may be released: the bed's readings from {@code emptySince} (when the bed
     * last had nobody; null when it never had anyone before) until the association began.
     */
    public record Releasable(
            String mrn,
            String authority,
            Instant until,
            @Nullable Instant emptySince,
            String why,
            String how) {}

    /** A release, its range and the destinations that have charted it. */
    public record ReleaseStatus(
            String id,
            String mrn,
            String authority,
            Instant from,
            Instant until,
            String user,
            Instant at,
            List<String> chartedBy) {}

    private static List<BedsideEntry> confirmations(PatientAssociations a, BedSettings.Bed b) {
        return a.bedsideEvents(b.location()).stream()
                .map(e -> new BedsideEntry(
                        String.valueOf(e.bedsideUser()),
                        e.at(),
                        e.trigger().name(),
                        e.patient().mrn(),
                        e.patient().authority()))
                .toList();
    }

    private static Releasable releasable(BedTimeline t, BedTimeline.Occupant o) {
        Instant emptySince = null;
        for (BedTimeline.Change c : t.changes()) {
            if (c.from().isBefore(o.since()) && c.occupants().isEmpty()) {
                emptySince = c.from();
            } else if (c.from().isBefore(o.since())) {
                emptySince = null;
            }
        }
        return new Releasable(
                o.patient().mrn(),
                o.patient().authority(),
                o.since(),
                emptySince,
                "readings taken before " + o.since() + " had no patient in the bed: kept in the buffer, not charted",
                "POST /api/bedside/release {bed, mrn, authority, from, until} by a clinician or operator charts them to"
                        + " this patient");
    }

    private List<ReleaseStatus> releasesOf(BedSettings.Bed b) {
        Releases r = releases;
        if (r == null) {
            return List.of();
        }
        List<ReleaseStatus> out = new ArrayList<>();
        for (Releases.Release x : replays()) {
            if (!x.bed().equals(b.location())) {
                continue;
            }
            List<String> by = new ArrayList<>();
            for (String d : List.of(RELEASE_FHIR, RELEASE_PCD01)) {
                if (r.isReplayed(x.id(), d)) {
                    by.add(d);
                }
            }
            out.add(new ReleaseStatus(
                    x.id(), x.patient().mrn(), x.patient().authority(), x.from(), x.until(), x.user(), x.at(), by));
        }
        return out;
    }

    // ---- at the bedside (docs/patients.md, "At the bedside") ----

    /** The destinations a release is charted to, as {@link Releases#replayed} names them. */
    public static final String RELEASE_FHIR = "fhir";

    public static final String RELEASE_PCD01 = "pcd01";

    /** The longest time before an association that one release may reach back. */
    public static final java.time.Duration MAX_RELEASE = java.time.Duration.ofHours(24);

    /** A refusal of a bedside request, with the sentence for the clinician. */
    public static final class BedsideRefusal extends Exception {
        private final int status;

        public BedsideRefusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        /** The HTTP status that fits: 400, 404 or 409. */
        public int status() {
            return status;
        }
    }

    /** A bed the bedside page may act on: one of the gateway's beds that takes its patient from associations. */
    public BedSettings.Bed bedsideBed(@Nullable String name) throws BedsideRefusal {
        if (name == null || name.isBlank()) {
            throw new BedsideRefusal(400, "no bed named: give the bed's name (as on the status page)");
        }
        for (BedSettings.Bed b : settings.beds()) {
            if (b.name().equals(name) || b.location().toString().equals(name)) {
                if (b.fixedPatient() != null) {
                    throw new BedsideRefusal(
                            409, "bed " + b.name() + " has a fixed patient in the configuration: nothing to confirm");
                }
                if (associations == null || settings.adt() == null) {
                    throw new BedsideRefusal(
                            409, "no gateway.adt: the gateway does not know which identifier system an MRN belongs to");
                }
                return b;
            }
        }
        throw new BedsideRefusal(404, "no bed " + name + " at this gateway");
    }

    /**
     * The patient a scanned or typed MRN names: with the given assigning authority, or the only configured one. Never
     * the bare number: with several authorities and none given, the clinician must say which.
     */
    public PatientKey patientKey(@Nullable String mrn, @Nullable String authority) throws BedsideRefusal {
        String m = mrn == null ? "" : mrn.strip();
        if (m.isEmpty()) {
            throw new BedsideRefusal(400, "no MRN: scan the wristband or type the number");
        }
        if (m.length() > 64 || !m.chars().allMatch(c -> c > 32 && c < 127 && c != '|' && c != '^')) {
            throw new BedsideRefusal(400, "the MRN has characters a medical record number does not have");
        }
        List<String> authorities = assigningAuthorities();
        String aa = authority == null || authority.isBlank() ? null : authority.strip();
        if (aa == null) {
            if (authorities.size() != 1) {
                throw new BedsideRefusal(400, "say which assigning authority the MRN is of: " + authorities);
            }
            aa = authorities.get(0);
        } else if (!authorities.contains(aa)) {
            throw new BedsideRefusal(400, aa + " is not a configured assigning authority " + authorities);
        }
        return new PatientKey(aa, m);
    }

    /** The FHIR identifier system of a patient's assigning authority (gateway.adt.assigning-authorities). */
    public String identifierSystem(PatientKey patient) {
        BedSettings.Adt adt = settings.adt();
        String system = adt == null ? null : adt.identifierSystems().get(patient.authority());
        if (system == null) {
            throw new IllegalStateException("no identifier system for " + patient.authority());
        }
        return system;
    }

    /** What a confirmation did. */
    public enum Confirmed {
        /** The bed had nobody: the association opens now, source {@code bedside}. */
        OPENED,
        /** The bed's association already held this patient: confirmed (recorded, the timeline unchanged). */
        CONFIRMED,
        /** The bed's association holds someone else: the bed is UNCERTAIN, readings held, until it is resolved. */
        DISAGREES
    }

    /**
     * A clinician confirmed at the bedside that {@code patient} is in {@code bed} (having seen name and birth date). The
     * event is written to the association journal (forced to the disk) and audited before this returns.
     */
    public Confirmed confirm(String user, BedSettings.Bed bed, PatientKey patient, Instant now) throws IOException {
        PatientAssociations a = java.util.Objects.requireNonNull(associations);
        List<BedTimeline.Occupant> before = a.timeline(bed.location()).occupantsAt(now);
        Confirmed outcome = before.isEmpty()
                ? Confirmed.OPENED
                : before.stream().allMatch(o -> o.patient().equals(patient))
                        ? Confirmed.CONFIRMED
                        : Confirmed.DISAGREES;
        a.record(org.bedside.patients.AssociationEvent.bedside(
                user,
                "bedside-" + java.util.UUID.randomUUID(),
                org.bedside.hl7.adt.AdtTrigger.A01,
                now,
                patient,
                bed.location()));
        Map<String, Object> f = bedsideFields(user, bed, patient);
        f.put("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT));
        audit.record("bedside-confirmed", f);
        return outcome;
    }

    /** A clinician ended at the bedside the association of {@code patient} with {@code bed}. */
    public void end(String user, BedSettings.Bed bed, PatientKey patient, Instant now)
            throws IOException, BedsideRefusal {
        PatientAssociations a = java.util.Objects.requireNonNull(associations);
        if (a.timeline(bed.location()).occupantsAt(now).stream()
                .noneMatch(o -> o.patient().equals(patient))) {
            throw new BedsideRefusal(409, "that patient is not associated with bed " + bed.name());
        }
        a.record(org.bedside.patients.AssociationEvent.bedside(
                user,
                "bedside-" + java.util.UUID.randomUUID(),
                org.bedside.hl7.adt.AdtTrigger.A03,
                now,
                patient,
                bed.location()));
        audit.record("bedside-ended", bedsideFields(user, bed, patient));
    }

    /**
     * Releases the readings of {@code bed} taken from {@code from} until {@code until} to {@code patient}: only when the
     * bed had nobody all that time, {@code patient} is associated with the bed from {@code until} on, and the range is
     * at most {@link #MAX_RELEASE}. Durable and audited before it returns; the replays chart it.
     */
    public Releases.Release release(
            String user, BedSettings.Bed bed, PatientKey patient, Instant from, Instant until, Instant now)
            throws IOException, BedsideRefusal {
        PatientAssociations a = java.util.Objects.requireNonNull(associations);
        Releases r = releases;
        if (r == null) {
            throw new BedsideRefusal(409, "releases are not kept by this gateway");
        }
        if (!from.isBefore(until)) {
            throw new BedsideRefusal(400, "from must be before until");
        }
        if (until.isAfter(now)) {
            throw new BedsideRefusal(400, "until is in the future");
        }
        if (java.time.Duration.between(from, until).compareTo(MAX_RELEASE) > 0) {
            throw new BedsideRefusal(400, "a release reaches back at most " + MAX_RELEASE.toHours() + " h");
        }
        BedTimeline t = a.timeline(bed.location());
        if (t.occupantsAt(until).stream().noneMatch(o -> o.patient().equals(patient))
                || t.occupantsAt(until).size() != 1) {
            throw new BedsideRefusal(
                    409, "that patient is not (alone) associated with bed " + bed.name() + " at " + until);
        }
        boolean empty = t.occupantsAt(from).isEmpty()
                && t.changes().stream()
                        .filter(c -> !c.from().isBefore(from) && c.from().isBefore(until))
                        .allMatch(c -> c.occupants().isEmpty());
        if (!empty) {
            throw new BedsideRefusal(
                    409,
                    "bed " + bed.name() + " had a patient between " + from + " and " + until
                            + ": only readings taken while it had nobody can be released");
        }
        return r.release(bed.location(), patient, from, until, user, now);
    }

    // ---- devices that travel with the patient (docs/patients.md, "Devices that travel with the patient") ----

    /**
     * The travelling device a scanned or typed label names: a device of {@code gateway.travelling.devices} by its id,
     * or a pump of {@code gateway.travelling.pump-serials} by its serial number.
     */
    public DevicePairings.Traveller traveller(@Nullable String label) throws BedsideRefusal {
        String l = label == null ? "" : label.strip();
        if (l.isEmpty()) {
            throw new BedsideRefusal(400, "no device named: scan the device's label or type its id or serial number");
        }
        if (pairings == null) {
            throw new BedsideRefusal(
                    409, "no gateway.adt: the gateway does not know which identifier system an MRN belongs to");
        }
        if (settings.travelling().devices().contains(DeviceId.of(l))) {
            return new DevicePairings.Traveller.Device(l);
        }
        if (settings.travelling().pumpSerials().contains(l)) {
            return new DevicePairings.Traveller.Pump(l);
        }
        throw new BedsideRefusal(
                404,
                "'" + l + "' is not a device that travels with the patient (gateway.travelling): its readings follow"
                        + " its bed");
    }

    /** What a pairing did. */
    public enum Paired {
        /** The device had no patient: it is this patient's from now on. */
        PAIRED,
        /** The device was paired with this patient already: nothing changed. */
        ALREADY_PAIRED
    }

    /**
     * Pairs {@code traveller} with {@code patient} from {@code now} on (the clinician has seen name and birth date):
     * journal forced to the disk and audited before this returns. Refused while it is paired with another patient.
     */
    public Paired pair(String user, DevicePairings.Traveller traveller, PatientKey patient, Instant now)
            throws IOException, BedsideRefusal {
        DevicePairings d = java.util.Objects.requireNonNull(pairings);
        synchronized (d) {
            DevicePairings.Pairing open = d.pairingAt(traveller, now);
            if (open != null && open.patient().equals(patient)) {
                return Paired.ALREADY_PAIRED;
            }
            if (open != null) {
                throw new BedsideRefusal(
                        409,
                        traveller.kind() + " " + traveller.label() + " is paired with another patient since "
                                + open.since() + ": end that pairing first");
            }
            d.pair(user, traveller, patient, now);
            return Paired.PAIRED;
        }
    }

    /** Ends the pairing of {@code traveller} with {@code patient} at {@code now}: journal, then audit. */
    public void unpair(String user, DevicePairings.Traveller traveller, PatientKey patient, Instant now)
            throws IOException, BedsideRefusal {
        DevicePairings d = java.util.Objects.requireNonNull(pairings);
        synchronized (d) {
            DevicePairings.Pairing open = d.pairingAt(traveller, now);
            if (open == null || !open.patient().equals(patient)) {
                throw new BedsideRefusal(
                        409, traveller.kind() + " " + traveller.label() + " is not paired with that patient");
            }
            d.unpair(user, traveller, patient, now);
        }
    }

    /**
     * One travelling device on the status page and the bedside page: whom it is paired with now, since when and by
     * whom, where it stands (a device's bed; a pump's rack where it was last read), and why its readings are not
     * charted, if they are not.
     *
     * @param kind {@code device} or {@code pump}
     * @param state {@code PAIRED}, {@code NOT_PAIRED} or {@code UNCERTAIN} (paired, and the bed it stands in has
     *     another patient: held)
     * @param standsIn the bed's name, or a pump's rack ({@code rack bed12-pumps, bed bed12}); null when unknown or none
     * @param pairings every pairing of the device, oldest first, with how each ended
     */
    public record TravellerStatus(
            String kind,
            String label,
            String state,
            @Nullable String mrn,
            @Nullable String authority,
            @Nullable Instant since,
            @Nullable String user,
            @Nullable String standsIn,
            @Nullable String held,
            List<PairingEntry> pairings) {}

    /** One pairing: with whom, from when to when, by whom, and why it ended. */
    public record PairingEntry(
            String mrn,
            String authority,
            Instant since,
            String user,
            @Nullable Instant until,
            @Nullable String endedBy) {}

    /** The travelling devices, devices first then pumps, each in the order configured. */
    public List<TravellerStatus> travellers(Instant now) {
        List<DevicePairings.Traveller> all = new ArrayList<>();
        settings.travelling().devices().stream()
                .map(d -> new DevicePairings.Traveller.Device(d.value()))
                .sorted(java.util.Comparator.comparing(DevicePairings.Traveller::label))
                .forEach(all::add);
        settings.travelling().pumpSerials().stream()
                .sorted()
                .map(DevicePairings.Traveller.Pump::new)
                .forEach(all::add);
        DevicePairings d = pairings;
        List<DevicePairings.Pairing> pairs = d == null ? List.of() : d.all();
        List<TravellerStatus> out = new ArrayList<>();
        for (DevicePairings.Traveller t : all) {
            BedSettings.Bed bed;
            String standsIn;
            if (t instanceof DevicePairings.Traveller.Pump) {
                PumpSeen seen = pumpsSeen.get(t.label());
                bed = seen == null ? null : bedOfDevice.get(seen.rack());
                standsIn = seen == null
                        ? null
                        : "rack " + seen.rack().value() + (bed == null ? "" : ", bed " + bed.name()) + ", read at "
                                + seen.at();
            } else {
                bed = bedOfDevice.get(DeviceId.of(t.label()));
                standsIn = bed == null ? null : "bed " + bed.name();
            }
            DevicePairings.Pairing open = null;
            List<PairingEntry> entries = new ArrayList<>();
            for (DevicePairings.Pairing p : pairs) {
                if (p.traveller().equals(t)) {
                    entries.add(new PairingEntry(
                            p.patient().mrn(), p.patient().authority(), p.since(), p.user(), p.until(), p.endedBy()));
                    if (p.holdsAt(now)) {
                        open = p;
                    }
                }
            }
            BedTimeline.Subject s = travellerAt(t, bed, now);
            String state =
                    open == null ? "NOT_PAIRED" : s instanceof BedTimeline.Subject.Uncertain ? "UNCERTAIN" : "PAIRED";
            String held = s instanceof BedTimeline.Subject.Patient
                    ? null
                    : s instanceof BedTimeline.Subject.Uncertain u
                            ? u.reason()
                            : ((BedTimeline.Subject.Nobody) s).reason()
                                    + ": readings are kept in the buffer, not charted (to the bed's patient neither)";
            out.add(new TravellerStatus(
                    t.kind(),
                    t.label(),
                    state,
                    open == null ? null : open.patient().mrn(),
                    open == null ? null : open.patient().authority(),
                    open == null ? null : open.since(),
                    open == null ? null : open.user(),
                    standsIn,
                    held,
                    List.copyOf(entries)));
        }
        return out;
    }

    private static Map<String, Object> bedsideFields(String user, BedSettings.Bed bed, PatientKey patient) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("user", user);
        f.put("bed", bed.location());
        f.put("mrn", patient.mrn());
        f.put("authority", patient.authority());
        return f;
    }

    /** The releases, for the replays; null without ADT. */
    public @Nullable Releases releases() {
        return releases;
    }

    /**
     * What is charted again from the buffer, in order: each release of held readings, then each stretch a cancel gave
     * back to a patient (docs/patients.md, "Cancels that give time back"), whose progress {@link Releases} keeps as a
     * release's.
     */
    public List<Releases.Release> replays() {
        Releases r = releases;
        PatientAssociations a = associations;
        if (r == null || a == null) {
            return List.of();
        }
        List<Releases.Release> out = new ArrayList<>(r.all());
        for (org.bedside.patients.Restoration x : a.restorations()) {
            out.add(x.asRelease());
        }
        return out;
    }

    /** The beds' devices, by bed location: which devices a release's replay charts. */
    public Set<DeviceId> devicesOf(BedLocation bed) {
        return settings.beds().stream()
                .filter(b -> b.location().equals(bed))
                .flatMap(b -> b.devices().stream())
                .collect(Collectors.toSet());
    }

    @Override
    public synchronized void close() {
        if (polls != null) {
            polls.close();
        }
        MllpListener l = listener;
        listener = null;
        if (l != null) {
            l.close();
        }
        try {
            org.bedside.patients.BedSigns watched = signs;
            if (watched != null) {
                watched.close();
            }
            if (associations != null) {
                associations.close();
            }
            if (releases != null) {
                releases.close();
            }
            if (pairings != null) {
                pairings.close();
            }
            audit.close();
        } catch (IOException e) {
            LOG.warn("Closing the association journal: {}", e.getMessage());
        }
    }
}
