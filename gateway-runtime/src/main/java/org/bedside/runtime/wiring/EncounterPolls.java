package org.bedside.runtime.wiring;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bedside.hl7.CareLocation;
import org.bedside.patients.BedLocation;
import org.bedside.patients.EncounterSource;
import org.bedside.patients.PatientKey;
import org.bedside.runtime.config.BedSettings;
import org.bedside.uplink.EncounterSearch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the FHIR server for the Encounters in progress at each bed that takes its patient from the hospital ({@code
 * gateway.adt.encounters}) and hands what it found to the {@link EncounterSource}, whose rules decide (docs/patients.md,
 * "FHIR Encounter"). One daemon thread; a round that fails anywhere leaves the associations as they were and marks the
 * source stale. Nothing here ends the thread: an unexpected error is logged once a minute, counted, and the next round
 * runs.
 */
final class EncounterPolls implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EncounterPolls.class);

    private final BedSettings.Adt adt;
    private final List<BedLocation> beds;
    private final EncounterSearch search;
    private final EncounterSource source;
    private final InstantSource clock;
    private final AtomicLong rounds = new AtomicLong();
    private final AtomicLong failedRounds = new AtomicLong();
    private long lastLoggedMillis = Long.MIN_VALUE;
    private @Nullable ScheduledExecutorService timer;

    EncounterPolls(
            BedSettings.Adt adt,
            List<BedLocation> beds,
            EncounterSearch search,
            EncounterSource source,
            InstantSource clock) {
        this.adt = adt;
        this.beds = List.copyOf(beds);
        this.search = search;
        this.source = source;
        this.clock = clock;
    }

    EncounterSource source() {
        return source;
    }

    /** Rounds polled since start, and those that failed. */
    long rounds() {
        return rounds.get();
    }

    long failedRounds() {
        return failedRounds.get();
    }

    synchronized void start() {
        BedSettings.Encounters e = adt.encounters();
        if (timer != null || e == null) {
            return;
        }
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "encounter-polls");
            th.setDaemon(true);
            return th;
        });
        t.scheduleWithFixedDelay(this::round, 0, e.pollEvery().toMillis(), TimeUnit.MILLISECONDS);
        timer = t;
        LOG.info("FHIR Encounter source: {} bed(s) polled every {}", beds.size(), e.pollEvery());
    }

    /** One round: every bed searched; the source current only when every bed was. */
    void round() {
        rounds.incrementAndGet();
        try {
            String failure = null;
            for (BedLocation bed : beds) {
                Instant now = clock.instant();
                EncounterSearch.Answer answer =
                        search.atBed(new CareLocation(bed.pointOfCare(), bed.room(), bed.bed(), ""));
                if (answer instanceof EncounterSearch.Answer.Failed f) {
                    failure = f.reason();
                    continue;
                }
                List<EncounterSource.Seen> seen = new ArrayList<>();
                for (EncounterSearch.Found found : ((EncounterSearch.Answer.Encounters) answer).encounters()) {
                    seen.add(new EncounterSource.Seen(found.id(), patient(found), entries(found)));
                }
                source.polled(bed, now, seen);
            }
            Instant now = clock.instant();
            if (failure == null) {
                source.current(now);
            } else {
                failedRounds.incrementAndGet();
                source.failed(now, failure);
                logAtMostOnceAMinute(
                        "FHIR Encounter source: a poll failed, the associations keep their state: {}", failure);
            }
        } catch (Exception | Error e) {
            failedRounds.incrementAndGet();
            try {
                source.failed(
                        clock.instant(), "the poll failed: " + e.getClass().getSimpleName());
            } catch (Exception ignored) {
                // the audit log itself failing: logged below
            }
            logAtMostOnceAMinute("FHIR Encounter source: a poll failed: {}", e.toString());
        }
    }

    /** The patient by the first configured identifier system it has an identifier of (never by a bare value). */
    private @Nullable PatientKey patient(EncounterSearch.Found found) {
        for (String system : adt.identifierSystems().values()) {
            for (EncounterSearch.PatientIdentifier i : found.patient()) {
                if (i.system().equals(system)) {
                    return new PatientKey(adt.authorityOf(system), i.value());
                }
            }
        }
        return null;
    }

    private static List<EncounterSource.Entry> entries(EncounterSearch.Found found) {
        return found.entries().stream()
                .map(e -> new EncounterSource.Entry(e.status(), e.start(), e.end()))
                .toList();
    }

    private void logAtMostOnceAMinute(String format, String detail) {
        long now = System.currentTimeMillis();
        if (now - lastLoggedMillis >= 60_000) {
            lastLoggedMillis = now;
            LOG.warn(format, detail);
        }
    }

    @Override
    public synchronized void close() {
        ScheduledExecutorService t = timer;
        timer = null;
        if (t != null) {
            t.shutdownNow();
            try {
                t.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
