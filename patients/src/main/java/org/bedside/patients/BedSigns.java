package org.bedside.patients;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.bedside.hl7.adt.AdtTrigger;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.NumericReading;
import org.bedside.model.PatientDemographics;
import org.bedside.model.Reading;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signs from the devices of the gateway's beds, kept and applied (docs/patients.md, "Signs from the devices"): the
 * device pipelines hand it each frame's readings before they are stored ({@link #observe}); a change of a monitor's
 * demographics and values resuming after a long gap are written to {@code <data-dir>/patients/device-signs.jsonl}
 * (forced to the disk) before the frame is stored, so that no consumer reads a reading taken after a sign before the
 * sign is known, and a restart knows them again. The rule is {@link DeviceSigns}'s. Thread-safe.
 */
public final class BedSigns implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BedSigns.class);

    private final JsonLines journal;
    private final Map<DeviceId, BedLocation> bedOfDevice;
    private final @Nullable Duration gap;
    private final PatientAssociations associations;
    private final AuditLog audit;
    private final Map<BedLocation, List<DeviceSigns.Sign>> signs = new HashMap<>();
    /** Each monitor's last demographics recorded: only a change is a line of the journal. */
    private final Map<String, DeviceSigns.Demographics> lastShown = new HashMap<>();

    private final Map<BedLocation, ValueGaps> gaps = new HashMap<>();
    private final AtomicLong version = new AtomicLong();
    /** The uncertainties already audited (and those known at the start, audited before it). */
    private final Set<DeviceSigns.Uncertainty> audited = new HashSet<>();

    private volatile Map<BedLocation, List<DeviceSigns.Uncertainty>> uncertain = Map.of();
    private volatile long computedSigns = -1;
    private volatile long computedAssociations = -1;

    private BedSigns(
            JsonLines journal,
            Map<DeviceId, BedLocation> bedOfDevice,
            @Nullable Duration gap,
            PatientAssociations associations,
            AuditLog audit) {
        this.journal = journal;
        this.bedOfDevice = Map.copyOf(bedOfDevice);
        this.gap = gap;
        this.associations = associations;
        this.audit = audit;
    }

    /**
     * Opens the journal and replays it.
     *
     * @param bedOfDevice the bed of each device that stands at a bed taking its patient from associations
     * @param gap the time without a valid value from any device of a bed after which values resuming are a sign; null:
     *     no such sign
     */
    public static BedSigns open(
            Path file,
            Map<DeviceId, BedLocation> bedOfDevice,
            @Nullable Duration gap,
            PatientAssociations associations,
            AuditLog audit)
            throws IOException {
        BedSigns s = new BedSigns(new JsonLines(file), bedOfDevice, gap, associations, audit);
        synchronized (s) {
            for (ObjectNode line : s.journal.readAll()) {
                BedLocation bed = BedLocation.parse(line.path("bed").asText());
                DeviceSigns.Sign sign = read(line);
                if (sign != null) {
                    s.remember(bed, sign);
                }
            }
            s.refresh(false); // what was uncertain before the restart was audited then
        }
        return s;
    }

    private static DeviceSigns.@Nullable Sign read(ObjectNode line) {
        Instant at = Instant.parse(line.path("at").asText());
        String device = line.path("device").asText();
        return switch (line.path("kind").asText()) {
            case "demographics" ->
                new DeviceSigns.Demographics(
                        at,
                        device,
                        PatientDemographics.State.valueOf(line.path("state").asText()),
                        line.hasNonNull("fingerprint") ? line.get("fingerprint").asText() : null);
            case "values-resumed" ->
                new DeviceSigns.ValuesResumed(
                        at, device, Duration.ofSeconds(line.path("gapSeconds").asLong()));
            default -> null; // a kind of a newer release: not applied here
        };
    }

    private void remember(BedLocation bed, DeviceSigns.Sign sign) {
        signs.computeIfAbsent(bed, b -> new ArrayList<>()).add(sign);
        if (sign instanceof DeviceSigns.Demographics d) {
            lastShown.put(d.device(), d);
        }
        version.incrementAndGet();
    }

    /**
     * The readings of one frame of a device, before they are stored: a change of its demographics, or its valid
     * value after a long gap of the bed, is recorded. A journal that cannot be written is logged and the sign applies
     * until the next restart: a sign is never a reason to lose the frame.
     */
    public void observe(List<Reading> readings) {
        if (readings.isEmpty()) {
            return;
        }
        BedLocation bed = bedOfDevice.get(readings.get(0).device());
        if (bed == null) {
            return;
        }
        synchronized (this) {
            for (Reading r : readings) {
                DeviceSigns.Sign sign = null;
                if (r instanceof PatientDemographics d) {
                    DeviceSigns.Demographics shown = new DeviceSigns.Demographics(
                            d.receivedAt(), d.device().value(), d.state(), d.fingerprint());
                    DeviceSigns.Demographics last = lastShown.get(shown.device());
                    if (last == null
                            || last.state() != shown.state()
                            || !java.util.Objects.equals(last.fingerprint(), shown.fingerprint())) {
                        sign = shown;
                    }
                } else if (gap != null) {
                    sign = gaps.computeIfAbsent(bed, b -> new ValueGaps(gap))
                            .observe(r.receivedAt(), r.device().value(), hasValidValue(r));
                }
                if (sign != null) {
                    record(bed, sign);
                }
            }
        }
    }

    /** A measurement of the patient with a valid value: a pump's rate is not one (it runs without the patient). */
    static boolean hasValidValue(Reading r) {
        if (r instanceof NumericReading n) {
            return n.isValid();
        }
        if (r instanceof CompoundReading c) {
            return c.components().stream().anyMatch(CompoundReading.Component::isValid);
        }
        return false;
    }

    private void record(BedLocation bed, DeviceSigns.Sign sign) {
        ObjectNode line = JsonLines.JSON.createObjectNode();
        line.put("at", sign.at().toString());
        line.put("bed", bed.toString());
        line.put("device", sign.device());
        if (sign instanceof DeviceSigns.Demographics d) {
            line.put("kind", "demographics");
            line.put("state", d.state().name());
            line.put("fingerprint", d.fingerprint());
        } else if (sign instanceof DeviceSigns.ValuesResumed v) {
            line.put("kind", "values-resumed");
            line.put("gapSeconds", v.gap().toSeconds());
        }
        try {
            journal.append(line);
        } catch (IOException e) {
            LOG.warn(
                    "Cannot write the device signs journal ({}): the sign of {} applies until the gateway restarts",
                    e.getMessage(),
                    sign.device());
        }
        remember(bed, sign);
        refresh(true);
    }

    /**
     * What the bed's timeline answered for a reading taken at {@code time}, with the signs applied: held while an
     * association is uncertain, charted to nobody in an uncertain time a confirmation ended.
     */
    public BedTimeline.Subject subjectAt(BedLocation bed, Instant time, BedTimeline.Subject fromTimeline) {
        return DeviceSigns.apply(fromTimeline, time, uncertainties(bed));
    }

    /** The bed's uncertain windows, as of the latest signs and associations. */
    public List<DeviceSigns.Uncertainty> uncertainties(BedLocation bed) {
        if (computedAssociations != associations.version() || computedSigns != version.get()) {
            synchronized (this) {
                refresh(true);
            }
        }
        return uncertain.getOrDefault(bed, List.of());
    }

    /** Grows with every sign recorded: a reader that held readings looks again when it changes. */
    public long version() {
        return version.get();
    }

    private void refresh(boolean auditChanges) {
        long a = associations.version();
        long v = version.get();
        if (a == computedAssociations && v == computedSigns) {
            return;
        }
        Map<BedLocation, List<DeviceSigns.Uncertainty>> now = new LinkedHashMap<>();
        for (Map.Entry<BedLocation, List<DeviceSigns.Sign>> e : signs.entrySet()) {
            BedLocation bed = e.getKey();
            now.put(bed, DeviceSigns.uncertainties(associations.timeline(bed), e.getValue(), confirmations(bed)));
        }
        uncertain = now;
        computedAssociations = a;
        computedSigns = v;
        now.forEach((bed, list) -> {
            for (DeviceSigns.Uncertainty u : list) {
                if (audited.add(u) && auditChanges) {
                    auditEntry(bed, u);
                }
            }
        });
    }

    private void auditEntry(BedLocation bed, DeviceSigns.Uncertainty u) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("bed", bed);
        f.put("mrn", u.patient().mrn());
        f.put("authority", u.patient().authority());
        f.put("since", u.since());
        f.put("from", u.from());
        f.put("device", u.device());
        f.put("reason", u.reason());
        if (u.until() != null) {
            f.put("until", u.until());
        }
        try {
            audit.record(u.until() == null ? "device-sign-uncertain" : "device-sign-resolved", f);
        } catch (IOException e) {
            LOG.warn("Cannot write the audit log ({}): a device sign of bed {} is not audited", e.getMessage(), bed);
        }
    }

    /** Each patient's bedside confirmations in the bed. */
    private Map<PatientKey, List<Instant>> confirmations(BedLocation bed) {
        Map<PatientKey, List<Instant>> out = new HashMap<>();
        for (AssociationEvent e : associations.bedsideEvents(bed)) {
            if (e.trigger() == AdtTrigger.A01) {
                out.computeIfAbsent(e.patient(), p -> new ArrayList<>()).add(e.at());
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        journal.close();
    }
}
