package org.bedside.runtime.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bedside.hl7.PatientIdentifier;
import org.bedside.hl7.adt.AdtTrigger;
import org.bedside.hl7.mllp.SourceAllowList;
import org.bedside.model.DeviceId;
import org.bedside.model.InfusionStatus;
import org.bedside.patients.AssociationEvent;
import org.bedside.patients.AuditLog;
import org.bedside.patients.BedLocation;
import org.bedside.patients.DevicePairings;
import org.bedside.patients.PatientAssociations;
import org.bedside.patients.PatientKey;
import org.bedside.runtime.config.BedSettings;
import org.bedside.uplink.Pcd01Patients;
import org.bedside.uplink.Subjects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The charting rule of devices that travel with the patient as the uplink and PCD-01 out ask it: a pump by its serial
 * number in whichever rack it stands, a transport monitor by its id; paired, its patient's across a transfer; unpaired,
 * nobody's (never the rack's bed's patient); beside another patient, held; kept across a restart.
 */
class BedAssociationsTravellingTest {
    private static final BedLocation ICU12 = BedLocation.parse("ICU^12^1");
    private static final BedLocation ICU14 = BedLocation.parse("ICU^14^1");
    private static final DeviceId RACK12 = DeviceId.of("bed12-pumps");
    private static final DeviceId RACK14 = DeviceId.of("bed14-pumps");
    private static final DeviceId TRANSPORT = DeviceId.of("transport-monitor");
    private static final String TRAVELLING_PUMP = "SN-1001";
    private static final String STAYING_PUMP = "SN-2002";
    private static final PatientKey ANNA = new PatientKey("HOSP", "4711");
    private static final PatientKey BEN = new PatientKey("HOSP", "4712");
    private static final String ANNA_REF = "Patient?identifier=urn:hosp:mrn|4711";
    private static final String BEN_REF = "Patient?identifier=urn:hosp:mrn|4712";
    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

    @TempDir
    Path dir;

    private final BedSettings settings = new BedSettings(
            List.of(
                    new BedSettings.Bed("bed12", ICU12, List.of(RACK12), null),
                    new BedSettings.Bed("bed14", ICU14, List.of(RACK14), null)),
            new BedSettings.Adt(
                    new InetSocketAddress("127.0.0.1", 0),
                    SourceAllowList.any(),
                    Map.of("HOSP", "urn:hosp:mrn"),
                    ZoneOffset.UTC),
            new BedSettings.Travelling(Set.of(TRANSPORT), Set.of(TRAVELLING_PUMP)));

    private int sequence;

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    private AssociationEvent adt(AdtTrigger trigger, PatientKey patient, int seconds, BedLocation bed) {
        return new AssociationEvent(
                "ADT^HOSP", "C" + (++sequence), trigger, at(seconds), at(seconds), patient, bed, null, null, null);
    }

    private static InfusionStatus pump(DeviceId rack, @org.jspecify.annotations.Nullable String serial, int seconds) {
        return new InfusionStatus(
                rack, "1-1", InfusionStatus.State.INFUSING, null, serial, List.of(), null, at(seconds));
    }

    private BedAssociations open(AuditLog audit) throws Exception {
        PatientAssociations a = PatientAssociations.open(dir.resolve("adt.jsonl"), Set.of(ICU12, ICU14), audit);
        DevicePairings d = DevicePairings.open(dir.resolve("device-pairings.jsonl"), a, audit);
        return new BedAssociations(settings, a, null, audit, null, d);
    }

    private static Subjects.Subject chart(BedAssociations b, InfusionStatus reading) {
        return b.subjectOf(reading, reading.receivedAt(), null);
    }

    @Test
    void aTravellingPumpIsChartedByItsPairingWhateverRackItStandsInAndNeverToTheBedsPatientUnpaired() throws Exception {
        DevicePairings.Traveller travelling = new DevicePairings.Traveller.Pump(TRAVELLING_PUMP);
        try (AuditLog audit = new AuditLog(dir.resolve("audit.jsonl"), InstantSource.system());
                BedAssociations b = open(audit)) {
            b.associationsForTest().record(adt(AdtTrigger.A01, ANNA, 0, ICU12));

            // unpaired: nobody's, although Anna is the rack's bed's patient; the pump that stays goes to her
            assertThat(chart(b, pump(RACK12, TRAVELLING_PUMP, 30)))
                    .isEqualTo(new Subjects.Subject.NotCharted("no-patient"));
            assertThat(chart(b, pump(RACK12, STAYING_PUMP, 30)))
                    .isInstanceOfSatisfying(
                            Subjects.Subject.Charted.class,
                            c -> assertThat(c.reference()).isEqualTo(ANNA_REF));
            // a pump that did not say its serial number may be one that travels: nobody's
            assertThat(chart(b, pump(RACK12, null, 30))).isEqualTo(new Subjects.Subject.NotCharted("no-patient"));

            long version = b.version();
            assertThat(b.pair("nurse.kim", travelling, ANNA, at(60))).isEqualTo(BedAssociations.Paired.PAIRED);
            assertThat(b.version()).isGreaterThan(version);
            assertThat(chart(b, pump(RACK12, TRAVELLING_PUMP, 30)))
                    .as("before the pairing")
                    .isEqualTo(new Subjects.Subject.NotCharted("no-patient"));
            assertThat(chart(b, pump(RACK12, TRAVELLING_PUMP, 120)))
                    .isEqualTo(new Subjects.Subject.Charted(ANNA_REF, DevicePairings.key(travelling, ANNA, at(60))));

            // transferred to bed 14: read in bed 14's rack, and in bed 12's rack (now empty) on the way
            b.associationsForTest().record(adt(AdtTrigger.A02, ANNA, 600, ICU14));
            assertThat(((Subjects.Subject.Charted) chart(b, pump(RACK14, TRAVELLING_PUMP, 650))).reference())
                    .isEqualTo(ANNA_REF);
            assertThat(((Subjects.Subject.Charted) chart(b, pump(RACK12, TRAVELLING_PUMP, 640))).reference())
                    .isEqualTo(ANNA_REF);

            // Ben admitted to bed 12: Anna's pump still in his rack disagrees with the bed: held; the other is his
            b.associationsForTest().record(adt(AdtTrigger.A01, BEN, 700, ICU12));
            assertThat(chart(b, pump(RACK12, TRAVELLING_PUMP, 720))).isInstanceOf(Subjects.Subject.Held.class);
            assertThat(((Subjects.Subject.Charted) chart(b, pump(RACK12, STAYING_PUMP, 720))).reference())
                    .isEqualTo(BEN_REF);

            // another patient cannot take a paired pump over
            BedAssociations.BedsideRefusal refused = catchThrowableOfType(
                    BedAssociations.BedsideRefusal.class, () -> b.pair("nurse.kim", travelling, BEN, at(730)));
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.getMessage())
                    .isEqualTo(
                            "pump SN-1001 is paired with another patient since " + at(60) + ": end that pairing first");
            assertThat(b.pair("nurse.kim", travelling, ANNA, at(730))).isEqualTo(BedAssociations.Paired.ALREADY_PAIRED);

            BedAssociations.TravellerStatus status = b.travellers(at(740)).stream()
                    .filter(t -> t.label().equals(TRAVELLING_PUMP))
                    .findFirst()
                    .orElseThrow();
            assertThat(status.state()).isEqualTo("UNCERTAIN");
            assertThat(status.mrn()).isEqualTo("4711");
            assertThat(status.user()).isEqualTo("nurse.kim");
            assertThat(status.standsIn()).startsWith("rack bed12-pumps, bed bed12, read at ");
            assertThat(status.held()).contains("held until the pairing is ended or the bed's patient leaves");
        }
        // a restart keeps the pairing; her discharge ends it
        try (AuditLog audit = new AuditLog(dir.resolve("audit.jsonl"), InstantSource.system());
                BedAssociations b = open(audit)) {
            assertThat(((Subjects.Subject.Charted) chart(b, pump(RACK14, TRAVELLING_PUMP, 650))).reference())
                    .isEqualTo(ANNA_REF);
            b.associationsForTest().record(adt(AdtTrigger.A03, ANNA, 900, ICU14));
            assertThat(((Subjects.Subject.Charted) chart(b, pump(RACK14, TRAVELLING_PUMP, 899))).reference())
                    .isEqualTo(ANNA_REF);
            assertThat(chart(b, pump(RACK14, TRAVELLING_PUMP, 950)))
                    .isEqualTo(new Subjects.Subject.NotCharted("no-patient"));
            assertThat(b.travellers(at(950)).stream()
                            .filter(t -> t.label().equals(TRAVELLING_PUMP))
                            .findFirst()
                            .orElseThrow()
                            .pairings())
                    .singleElement()
                    .satisfies(p -> assertThat(p.endedBy()).startsWith("discharge (A03 "));
        }
    }

    @Test
    void aTransportMonitorAtNoBedGoesToItsPairedPatientForPcd01OutTooAndAnUnpairingEndsIt() throws Exception {
        DevicePairings.Traveller monitor = new DevicePairings.Traveller.Device(TRANSPORT.value());
        try (AuditLog audit = new AuditLog(dir.resolve("audit.jsonl"), InstantSource.system());
                BedAssociations b = open(audit)) {
            Pcd01Patients p = b.pcd01Patients(Map.of());
            assertThat(p.patientAt(TRANSPORT, at(10))).isEqualTo(new Pcd01Patients.Answer.NotSent("no-patient"));
            assertThat(b.traveller("transport-monitor")).isEqualTo(monitor);
            assertThat(b.traveller(" SN-1001 ")).isEqualTo(new DevicePairings.Traveller.Pump(TRAVELLING_PUMP));
            assertThat(catchThrowableOfType(BedAssociations.BedsideRefusal.class, () -> b.traveller("bed12-pumps"))
                            .status())
                    .isEqualTo(404);

            b.pair("nurse.kim", monitor, ANNA, at(20));
            assertThat(p.patientAt(TRANSPORT, at(30)))
                    .isEqualTo(
                            new Pcd01Patients.Answer.Identified(new PatientIdentifier("4711", "HOSP", "", "MR"), null));
            assertThat(((Subjects.Subject.Charted) b.subjectAt(TRANSPORT, at(30), null)).reference())
                    .isEqualTo(ANNA_REF);

            assertThat(catchThrowableOfType(
                                    BedAssociations.BedsideRefusal.class,
                                    () -> b.unpair("nurse.kim", monitor, BEN, at(40)))
                            .status())
                    .isEqualTo(409);
            b.unpair("nurse.lee", monitor, ANNA, at(40));
            assertThat(p.patientAt(TRANSPORT, at(41))).isEqualTo(new Pcd01Patients.Answer.NotSent("no-patient"));
            assertThat(p.patientAt(TRANSPORT, at(39))).isInstanceOf(Pcd01Patients.Answer.Identified.class);
            assertThat(java.nio.file.Files.readString(dir.resolve("audit.jsonl")))
                    .contains("\"action\":\"device-paired\"")
                    .contains("\"action\":\"device-unpaired\"")
                    .contains("\"user\":\"nurse.lee\"");
        }
    }
}
