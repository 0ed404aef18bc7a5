package org.bedside.patients.adt;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.bedside.common.RateLimitedLog;
import org.bedside.hl7.FailureReason;
import org.bedside.hl7.Hl7Failure;
import org.bedside.hl7.Hl7Location;
import org.bedside.hl7.Hl7Result;
import org.bedside.hl7.PatientIdentifier;
import org.bedside.hl7.adt.AdtEvent;
import org.bedside.hl7.adt.AdtParser;
import org.bedside.hl7.mllp.ConnectionRefusal;
import org.bedside.hl7.mllp.Decision;
import org.bedside.hl7.mllp.InboundMessage;
import org.bedside.hl7.mllp.MllpHandler;
import org.bedside.patients.AssociationEvent;
import org.bedside.patients.AuditLog;
import org.bedside.patients.BedLocation;
import org.bedside.patients.PatientAssociations;
import org.bedside.patients.PatientKey;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes ADT messages from the MLLP listener: HAPI parsed them, {@link AdtParser} reads them, and the association
 * records them durably before this returns {@link Decision.Accept} (the listener sends AA only then). A message that
 * cannot be used is answered AE with the reason in ERR; one of a kind not taken, AR; a journal that cannot be written,
 * AR "send it again". Logs name the trigger, the control id and the reason, never a patient.
 */
public final class AdtHandler implements MllpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AdtHandler.class);

    private final AdtParser parser;
    private final List<String> authorities;
    private final PatientAssociations associations;
    private final AuditLog audit;
    private final RateLimitedLog failureLog = new RateLimitedLog(LOG, java.time.Duration.ofMinutes(1));
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    /**
     * @param authorities the assigning authorities (PID-3.4) whose MR identifiers name patients, in order of
     *     preference
     */
    public AdtHandler(ZoneId hospitalZone, List<String> authorities, PatientAssociations associations, AuditLog audit) {
        if (authorities.isEmpty()) {
            throw new IllegalArgumentException("at least one assigning authority is needed");
        }
        this.parser = new AdtParser(hospitalZone);
        this.authorities = List.copyOf(authorities);
        this.associations = associations;
        this.audit = audit;
    }

    @Override
    public Decision handle(InboundMessage message) throws IOException {
        Hl7Result<AdtEvent> parsed = parser.parse(message.message(), message.header());
        if (!parsed.isOk()) {
            Hl7Failure f = parsed.failure();
            boolean notTaken = f.reason() == FailureReason.UNSUPPORTED_MESSAGE_TYPE
                    || f.reason() == FailureReason.UNSUPPORTED_EVENT;
            return refuse(message, f, notTaken);
        }
        AdtEvent event = parsed.value();
        AdtEvent.Header h = event.header();
        Instant at = firstOf(h.occurredAt(), h.recordedAt(), h.messageTime(), message.receivedAt());
        String sender = h.sendingApplication() + "^" + h.sendingFacility();
        AssociationEvent ours;
        if (event instanceof AdtEvent.PatientEvent p) {
            Optional<PatientKey> key = key(p.patient());
            if (key.isEmpty()) {
                return refuse(message, noMrn(1), false);
            }
            AdtEvent.Visit v = p.patient().visit();
            ours = new AssociationEvent(
                    sender,
                    h.controlId(),
                    h.trigger(),
                    at,
                    message.receivedAt(),
                    key.get(),
                    v == null ? null : BedLocation.of(v.location()),
                    v == null ? null : BedLocation.of(v.priorLocation()),
                    null,
                    null);
        } else if (event instanceof AdtEvent.Swap s) {
            Optional<PatientKey> first = key(s.first());
            Optional<PatientKey> second = key(s.second());
            if (first.isEmpty() || second.isEmpty()) {
                return refuse(message, noMrn(first.isEmpty() ? 1 : 2), false);
            }
            ours = new AssociationEvent(
                    sender,
                    h.controlId(),
                    h.trigger(),
                    at,
                    message.receivedAt(),
                    first.get(),
                    s.first().visit() == null
                            ? null
                            : BedLocation.of(s.first().visit().location()),
                    null,
                    second.get(),
                    s.second().visit() == null
                            ? null
                            : BedLocation.of(s.second().visit().location()));
        } else {
            // A40: identifiers merged. Recorded in the audit; the association follows the MRN it was opened with.
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("trigger", h.trigger());
            f.put("controlId", h.controlId());
            f.put("sender", sender);
            audit.record("adt-merge-not-applied", f);
            count("merge-not-applied");
            return Decision.accept();
        }
        PatientAssociations.Outcome outcome;
        try {
            outcome = associations.record(ours);
        } catch (IOException e) {
            count("journal-failed");
            failureLog.warn(
                    "journal",
                    "ADT " + h.trigger() + " " + h.controlId() + ": the association journal could not be written: "
                            + e.getMessage());
            return Decision.retryLater("the association journal could not be written; send the message again");
        }
        count(outcome.name().toLowerCase(java.util.Locale.ROOT));
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("trigger", h.trigger());
        f.put("controlId", h.controlId());
        f.put("sender", sender);
        if (message.peer() != null) {
            f.put("certificate", message.peer().getName()); // the TLS client's subject
        }
        f.put("at", at);
        f.put("outcome", outcome);
        audit.record("adt-received", f);
        LOG.info("ADT {} {}: {}", h.trigger(), h.controlId(), outcome);
        return Decision.accept();
    }

    private Optional<PatientKey> key(AdtEvent.Patient p) {
        for (String authority : authorities) {
            Optional<PatientIdentifier> id = p.medicalRecordNumber(authority);
            if (id.isPresent()) {
                return Optional.of(new PatientKey(authority, id.get().value()));
            }
        }
        return Optional.empty();
    }

    private Hl7Failure noMrn(int pid) {
        return Hl7Failure.at(
                FailureReason.MISSING_FIELD,
                Hl7Location.field("PID", pid, 3),
                "PID-3 has no identifier of type MR assigned by " + String.join(" or ", authorities)
                        + " (PID-3.4): the gateway does not identify a patient by a bare number");
    }

    private Decision refuse(InboundMessage message, Hl7Failure f, boolean notTaken) throws IOException {
        count(f.reason().name().toLowerCase(java.util.Locale.ROOT));
        failureLog.warn(
                f.reason().name(),
                "ADT " + message.header().type() + " " + message.controlId() + " refused: " + f.reason() + " at "
                        + f.location());
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("type", message.header().type());
        fields.put("controlId", message.controlId());
        fields.put("reason", f.reason());
        fields.put("detail", f.detail());
        audit.record("adt-refused", fields);
        return notTaken ? Decision.reject(f) : Decision.error(f);
    }

    /**
     * A connection the ADT listener refused before reading a message (a source outside the allow-list, a client
     * without an acceptable certificate): audited as {@code adt-connection-refused} with the source, the cause and the
     * certificate's subject, and counted {@code connection_refused}. No message was read, so there is no patient in it.
     * Wired as the listener's {@link ConnectionRefusal.Listener}.
     */
    public void connectionRefused(ConnectionRefusal refusal) throws IOException {
        count("connection_refused");
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("listener", refusal.listener());
        fields.put("source", refusal.source().getHostAddress());
        fields.put("reason", refusal.reason().label());
        fields.put("detail", refusal.detail());
        if (refusal.subject() != null) {
            fields.put("subject", refusal.subject());
        }
        if (refusal.alsoRefused() > 0) {
            fields.put("alsoRefusedSinceLastEntry", refusal.alsoRefused());
        }
        audit.record("adt-connection-refused", fields);
    }

    private void count(String what) {
        counts.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    /** Messages by outcome (recorded, duplicate, not_ours) and by refusal reason. */
    public Map<String, Long> counts() {
        Map<String, Long> m = new java.util.TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    private static Instant firstOf(@Nullable Instant... times) {
        for (Instant t : times) {
            if (t != null) {
                return t;
            }
        }
        throw new IllegalStateException("the receipt time is always there");
    }
}
