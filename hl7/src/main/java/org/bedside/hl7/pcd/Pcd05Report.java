package org.bedside.hl7.pcd;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An IHE PCD-05 Report Alert Status ({@code ORA^R41^ORA_R41}, TF-2 3.5) as {@link Pcd05Decoder} reads it: what the
 * Alert Manager reports about the dissemination of one alert the gateway sent as PCD-04, and the responses to it.
 *
 * @param controlId MSH-10
 * @param sentAt MSH-7, when it has a zone offset
 * @param alerts one per OBR: the TF allows several OBRs but "at most one alert on which status is reported"
 */
public record Pcd05Report(String controlId, @Nullable Instant sentAt, List<AlertStatus> alerts) {

    public Pcd05Report {
        alerts = List.copyOf(alerts);
    }

    /**
     * The statuses reported under one OBR.
     *
     * @param obr the OBR's position (1-based), for error locations
     * @param indication OBR-3.1: the alert indication the status is about — the PCD-04's notification id
     * @param namespace OBR-3.2: the application that made the indication (the gateway's MSH-3.1 on its own alerts)
     * @param universalId OBR-3.3: its EUI-64
     * @param initialIndication OBR-29's filler id (the alert's first indication), when sent
     */
    public record AlertStatus(
            int obr,
            String indication,
            String namespace,
            String universalId,
            @Nullable String initialIndication,
            List<Status> statuses) {

        public AlertStatus {
            statuses = List.copyOf(statuses);
        }
    }

    /**
     * One PRT segment: one recipient or endpoint and what became of the alert there (TF-2 B.10.2, B.10.3).
     *
     * @param prt the PRT's position in its OBR group (1-based)
     * @param disposition PRT-3.2, Table B.10.2-2
     * @param disseminationId PRT-1: the Alert Manager's id of the disseminated message
     * @param recipient PRT-5.1 (the person's id) or, without it, PRT-5's family and given names: a member of staff
     * @param endpoint PRT-10.1 (the endpoint device) or PRT-15's communication address (a pager or phone)
     * @param at PRT-11: when the status or response happened, when it has a zone offset
     */
    public record Status(
            int prt,
            Disposition disposition,
            @Nullable String disseminationId,
            @Nullable String recipient,
            @Nullable String endpoint,
            @Nullable Instant at) {}

    /** PRT-3.2, the communication status (IHE PCD TF-2 rev 9.0 Table B.10.2-2), with the TF's own spelling. */
    public enum Disposition {
        RECEIVED("Received"),
        UNDELIVERABLE("Undeliverable"),
        DELIVERED("Delivered"),
        READ("Read"),
        ACCEPTED("Accepted"),
        ACCEPTED_POSITIVE("AcceptedPositive"),
        ACCEPTED_NOT_RELEVANT("AcceptedNotRelevant"),
        ACCEPTED_FALSE("AcceptedFalse"),
        REJECTED("Rejected"),
        CANCELLED("Cancelled"),
        CANCELLED_OTHER("CancelledOther"),
        CALLBACK_START("CallbackStart"),
        CALLBACK_END("CallbackEnd");

        private final String code;

        Disposition(String code) {
            this.code = code;
        }

        /** The value of PRT-3.2. */
        public String code() {
            return code;
        }

        /** An operator at the endpoint accepted the alert (in any of the TF's three ways): an acknowledgement. */
        public boolean isAcceptance() {
            return this == ACCEPTED
                    || this == ACCEPTED_POSITIVE
                    || this == ACCEPTED_NOT_RELEVANT
                    || this == ACCEPTED_FALSE;
        }

        /** The value as a metric label: {@code accepted_positive}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** PRT-3.2 read leniently as to case, never guessed otherwise. */
        public static Optional<Disposition> ofCode(String code) {
            for (Disposition d : values()) {
                if (d.code.equalsIgnoreCase(code.strip())) {
                    return Optional.of(d);
                }
            }
            return Optional.empty();
        }
    }
}
