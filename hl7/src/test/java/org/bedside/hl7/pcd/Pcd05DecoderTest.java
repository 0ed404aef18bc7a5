package org.bedside.hl7.pcd;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.FailureReason;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.Hl7Result;
import org.bedside.model.AlertReport;
import org.junit.jupiter.api.Test;

/**
 * PCD-05 built by {@link Pcd05Encoder} (as an Alert Manager would, on HAPI), written out, parsed back by HAPI into the
 * ORU_R01 structure and read by {@link Pcd05Decoder}; bad input named by its field.
 */
class Pcd05DecoderTest {
    private static final Instant SENT = Instant.parse("2026-11-22T10:00:15Z");
    private static final Instant DELIVERED = Instant.parse("2026-11-22T10:00:17Z");
    private static final Instant ACCEPTED = Instant.parse("2026-11-22T10:00:41Z");

    private final Hl7Parser parser = new Hl7Parser();
    private final Pcd05Decoder decoder = new Pcd05Decoder();
    private final Pcd05Encoder am = new Pcd05Encoder("AM", "HOSP");

    private ORU_R01 pcd04(int count) throws Exception {
        AlertReport.Phase phase = count == 0 ? AlertReport.Phase.START : AlertReport.Phase.UPDATE;
        return new Pcd04Encoder(
                        new Pcd01Encoder.Sender("BEDSIDE_GATEWAY", "0123456789ABCDEF", "ICU", "AM", "HOSP"),
                        new CareLocation("ICU", "12", "1", ""))
                .encode(Pcd04EncoderTest.lowSpo2(count, phase), SENT, null);
    }

    private Hl7Result<Pcd05Report> roundTrip(String text) {
        Hl7Parser.Parsed p = parser.parse(text, StandardCharsets.UTF_8).value();
        return decoder.decode(p.message(), p.header());
    }

    @Test
    void statusesOfAnAlertAreReadFromThePrtSegmentsUnderItsObr() throws Exception {
        ORU_R01 ora = am.report(
                pcd04(1),
                "AM-1",
                ACCEPTED,
                List.of(
                        new Pcd05Encoder.Status(
                                Pcd05Report.Disposition.DELIVERED, "D-9", true, null, "pager-12", DELIVERED),
                        new Pcd05Encoder.Status(
                                Pcd05Report.Disposition.ACCEPTED, "D-9", false, "nurse-7", "pager-12", ACCEPTED)));
        String text = ora.encode();
        assertThat(text).contains("|ORA^R41^ORA_R41|AM-1|").contains("|AL|NE|");
        // PRT right after the OBR (TF-2 B.10.3), before anything else of the group
        String[] segments = text.split("\r");
        assertThat(segments[3]).startsWith("OBR|1|");
        assertThat(segments[4]).startsWith("PRT|D-9|AD|^Delivered^IHE_PCD_ACM|RO^^^AAP|");
        assertThat(segments[5]).startsWith("PRT|D-9|UP|^Accepted^IHE_PCD_ACM|RO^^^AAP|nurse-7|");

        Hl7Result<Pcd05Report> r = roundTrip(text);

        assertThat(r.isOk()).as(r.toString()).isTrue();
        Pcd05Report report = r.value();
        assertThat(report.controlId()).isEqualTo("AM-1");
        assertThat(report.alerts()).hasSize(1);
        Pcd05Report.AlertStatus a = report.alerts().get(0);
        assertThat(a.indication()).isEqualTo("bed12-spo2/150456-low/1795428000000000#1");
        assertThat(a.namespace()).isEqualTo("BEDSIDE_GATEWAY");
        assertThat(a.universalId()).isEqualTo("0123456789ABCDEF");
        assertThat(a.initialIndication()).isEqualTo("bed12-spo2/150456-low/1795428000000000#0");
        assertThat(a.statuses())
                .containsExactly(
                        new Pcd05Report.Status(
                                1, Pcd05Report.Disposition.DELIVERED, "D-9", null, "pager-12", DELIVERED),
                        new Pcd05Report.Status(
                                2, Pcd05Report.Disposition.ACCEPTED, "D-9", "nurse-7", "pager-12", ACCEPTED));
        assertThat(a.statuses().get(1).disposition().isAcceptance()).isTrue();
    }

    @Test
    void badInputIsNamedByItsField() throws Exception {
        String good = am.report(
                        pcd04(0),
                        "AM-2",
                        ACCEPTED,
                        List.of(new Pcd05Encoder.Status(
                                Pcd05Report.Disposition.READ, "D-1", true, null, null, DELIVERED)))
                .encode();

        Hl7Result<Pcd05Report> unknown = roundTrip(good.replace("^Read^", "^Seen^"));
        assertThat(unknown.isOk()).isFalse();
        assertThat(unknown.failure().reason()).isEqualTo(FailureReason.BAD_VALUE);
        assertThat(unknown.failure().toString())
                .contains("PRT")
                .contains("'Seen'")
                .contains("Delivered");

        Hl7Result<Pcd05Report> badTime = roundTrip(good.replace("|20261122100017+0000", "|soon"));
        assertThat(badTime.failure().reason()).isEqualTo(FailureReason.BAD_VALUE);
        assertThat(badTime.failure().toString()).contains("PRT-11 'soon'");

        String noPrt = String.join(
                "\r",
                java.util.Arrays.stream(good.split("\r"))
                        .filter(s -> !s.startsWith("PRT"))
                        .toList());
        Hl7Result<Pcd05Report> none = roundTrip(noPrt);
        assertThat(none.failure().reason()).isEqualTo(FailureReason.MISSING_SEGMENT);
        assertThat(none.failure().toString()).contains("no PRT segment");

        Hl7Result<Pcd05Report> noAlert = roundTrip(
                good.replace("|bed12-spo2/150456-low/1795428000000000#0^BEDSIDE_GATEWAY", "|^BEDSIDE_GATEWAY"));
        assertThat(noAlert.failure().reason()).isEqualTo(FailureReason.MISSING_FIELD);
        assertThat(noAlert.failure().toString()).contains("OBR-3");

        Hl7Result<Pcd05Report> notR41 = roundTrip(good.replace("ORA^R41^ORA_R41", "ORU^R01^ORU_R01"));
        assertThat(notR41.failure().reason()).isEqualTo(FailureReason.UNSUPPORTED_MESSAGE_TYPE);
    }
}
