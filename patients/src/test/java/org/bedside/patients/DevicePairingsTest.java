package org.bedside.patients;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Set;
import org.bedside.hl7.adt.AdtTrigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Devices that travel with the patient: a pairing charts to its patient from the scan on, whatever bed the device
 * stands in, keeps across a transfer, ends at the discharge or an unpairing, and survives a restart; an unpaired
 * traveller is nobody's, never the bed's patient's; a pairing that disagrees with the bed is held.
 */
class DevicePairingsTest {
    static final BedLocation BED = BedLocation.parse("ICU^12^1");
    static final BedLocation OTHER_BED = BedLocation.parse("ICU^14^1");
    static final PatientKey ANNA = new PatientKey("HOSP", "1001");
    static final PatientKey BEN = new PatientKey("HOSP", "1002");
    static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
    static final DevicePairings.Traveller PUMP = new DevicePairings.Traveller.Pump("12345678");
    static final DevicePairings.Traveller MONITOR = new DevicePairings.Traveller.Device("transport-monitor");

    @TempDir
    Path dir;

    private int sequence;

    static Instant at(int minute) {
        return T0.plusSeconds(60L * minute);
    }

    AuditLog audit() throws Exception {
        return new AuditLog(dir.resolve("audit/audit.jsonl"), InstantSource.fixed(T0));
    }

    PatientAssociations associations(AuditLog audit) throws Exception {
        return PatientAssociations.open(dir.resolve("patients/adt-events.jsonl"), Set.of(BED, OTHER_BED), audit);
    }

    DevicePairings pairings(PatientAssociations a, AuditLog audit) throws Exception {
        return DevicePairings.open(dir.resolve("patients/device-pairings.jsonl"), a, audit);
    }

    AssociationEvent adt(AdtTrigger trigger, PatientKey patient, int minute, BedLocation bed) {
        return new AssociationEvent(
                "ADT^HOSP", "C" + (++sequence), trigger, at(minute), at(minute), patient, bed, null, null, null);
    }

    static PatientKey chartedTo(BedTimeline.Subject s) {
        assertThat(s).isInstanceOf(BedTimeline.Subject.Patient.class);
        return ((BedTimeline.Subject.Patient) s).occupant().patient();
    }

    @Test
    void aPairedPumpIsItsPatientsFromThePairingOnWhateverBedItStandsIn() throws Exception {
        try (AuditLog audit = audit();
                PatientAssociations a = associations(audit);
                DevicePairings d = pairings(a, audit)) {
            a.record(adt(AdtTrigger.A01, ANNA, 0, BED));
            d.pair("nurse.kim", PUMP, ANNA, at(10));

            assertThat(d.subjectAt(PUMP, at(9), a.timeline(BED))).isInstanceOf(BedTimeline.Subject.Nobody.class);
            assertThat(chartedTo(d.subjectAt(PUMP, at(10), a.timeline(BED)))).isEqualTo(ANNA);
            assertThat(chartedTo(d.subjectAt(PUMP, at(11), a.timeline(OTHER_BED))))
                    .isEqualTo(ANNA);
            assertThat(chartedTo(d.subjectAt(PUMP, at(11), null))).isEqualTo(ANNA);
            BedTimeline.Subject.Patient p = (BedTimeline.Subject.Patient) d.subjectAt(PUMP, at(11), null);
            assertThat(p.occupant().since()).isEqualTo(at(10));
            // another traveller is not paired by it
            assertThat(d.subjectAt(MONITOR, at(11), null)).isInstanceOf(BedTimeline.Subject.Nobody.class);
        }
    }

    @Test
    void aTransferKeepsThePairingAndTheDischargeEndsIt() throws Exception {
        try (AuditLog audit = audit();
                PatientAssociations a = associations(audit);
                DevicePairings d = pairings(a, audit)) {
            a.record(adt(AdtTrigger.A01, ANNA, 0, BED));
            d.pair("nurse.kim", MONITOR, ANNA, at(5));
            a.record(adt(AdtTrigger.A02, ANNA, 20, OTHER_BED));

            // still in the old bed's place (now empty) during the move, then in the new bed beside her
            assertThat(chartedTo(d.subjectAt(MONITOR, at(21), a.timeline(BED)))).isEqualTo(ANNA);
            assertThat(chartedTo(d.subjectAt(MONITOR, at(25), a.timeline(OTHER_BED))))
                    .isEqualTo(ANNA);
            assertThat(d.pairingAt(MONITOR, at(25))).isNotNull();

            AssociationEvent discharge = adt(AdtTrigger.A03, ANNA, 30, OTHER_BED);
            a.record(discharge);
            assertThat(chartedTo(d.subjectAt(MONITOR, at(29), a.timeline(OTHER_BED))))
                    .isEqualTo(ANNA);
            assertThat(d.subjectAt(MONITOR, at(30), a.timeline(OTHER_BED)))
                    .isInstanceOf(BedTimeline.Subject.Nobody.class);
            DevicePairings.Pairing ended = d.all().get(0);
            assertThat(ended.until()).isEqualTo(at(30));
            assertThat(ended.endedBy()).isEqualTo("discharge (A03 " + discharge.controlId() + ")");

            // an A13 takes the discharge back, and with it the end of the pairing
            a.record(adt(AdtTrigger.A13, ANNA, 40, OTHER_BED));
            assertThat(chartedTo(d.subjectAt(MONITOR, at(35), a.timeline(OTHER_BED))))
                    .isEqualTo(ANNA);
        }
    }

    @Test
    void aBedsideEndOfTheBedIsNoDischargeAndAnUnpairingEndsThePairing() throws Exception {
        try (AuditLog audit = audit();
                PatientAssociations a = associations(audit);
                DevicePairings d = pairings(a, audit)) {
            a.record(AssociationEvent.bedside("nurse.kim", "b1", AdtTrigger.A01, at(0), ANNA, BED));
            d.pair("nurse.kim", PUMP, ANNA, at(1));
            a.record(AssociationEvent.bedside("nurse.kim", "b2", AdtTrigger.A03, at(10), ANNA, BED));
            assertThat(chartedTo(d.subjectAt(PUMP, at(11), a.timeline(BED)))).isEqualTo(ANNA);

            d.unpair("nurse.lee", PUMP, ANNA, at(20));
            assertThat(chartedTo(d.subjectAt(PUMP, at(19), a.timeline(BED)))).isEqualTo(ANNA);
            assertThat(d.subjectAt(PUMP, at(20), a.timeline(BED))).isInstanceOf(BedTimeline.Subject.Nobody.class);
            assertThat(d.all().get(0).endedBy()).isEqualTo("unpaired by nurse.lee");
        }
    }

    @Test
    void anUnpairedTravellerIsNobodysNeverTheBedsPatients() throws Exception {
        try (AuditLog audit = audit();
                PatientAssociations a = associations(audit);
                DevicePairings d = pairings(a, audit)) {
            a.record(adt(AdtTrigger.A01, BEN, 0, BED));
            BedTimeline.Subject s = d.subjectAt(PUMP, at(5), a.timeline(BED));
            assertThat(s).isInstanceOf(BedTimeline.Subject.Nobody.class);
            assertThat(((BedTimeline.Subject.Nobody) s).reason())
                    .isEqualTo("pump 12345678 travels with its patient and was paired with nobody at that time");
        }
    }

    @Test
    void aPairingThatDisagreesWithTheBedIsHeldWhileBothStandThenNobodys() throws Exception {
        try (AuditLog audit = audit();
                PatientAssociations a = associations(audit);
                DevicePairings d = pairings(a, audit)) {
            a.record(adt(AdtTrigger.A01, ANNA, 0, OTHER_BED));
            d.pair("nurse.kim", PUMP, ANNA, at(1));
            a.record(adt(AdtTrigger.A01, BEN, 2, BED));

            // Anna's pump read in Ben's bed's rack: two patients for one device
            BedTimeline.Subject held = d.subjectAt(PUMP, at(5), a.timeline(BED));
            assertThat(held).isInstanceOf(BedTimeline.Subject.Uncertain.class);
            assertThat(((BedTimeline.Subject.Uncertain) held).reason())
                    .contains("pump 12345678 is paired with a patient since " + at(1))
                    .contains("stands in bed ICU^12^1, associated with another patient")
                    .doesNotContain(ANNA.mrn())
                    .doesNotContain(BEN.mrn());
            // before Ben came, the bed had nobody: hers
            assertThat(chartedTo(d.subjectAt(PUMP, at(1), a.timeline(BED)))).isEqualTo(ANNA);

            // Ben leaves: what was read beside him is charted to neither, never released by itself
            a.record(adt(AdtTrigger.A03, BEN, 10, BED));
            assertThat(d.subjectAt(PUMP, at(5), a.timeline(BED))).isInstanceOf(BedTimeline.Subject.Nobody.class);
            assertThat(chartedTo(d.subjectAt(PUMP, at(11), a.timeline(BED)))).isEqualTo(ANNA);
        }
    }

    @Test
    void aRestartKeepsThePairingsAndTheAuditNamesThePatientByMrnOnly() throws Exception {
        try (AuditLog audit = audit();
                PatientAssociations a = associations(audit);
                DevicePairings d = pairings(a, audit)) {
            a.record(adt(AdtTrigger.A01, ANNA, 0, BED));
            d.pair("nurse.kim", PUMP, ANNA, at(1));
            d.pair("nurse.kim", MONITOR, ANNA, at(2));
            d.unpair("nurse.kim", MONITOR, ANNA, at(3));
        }
        // a line torn by a power cut after the last acknowledged one is cut off
        Files.writeString(
                dir.resolve("patients/device-pairings.jsonl"),
                "{\"v\":1,\"id\":\"torn",
                java.nio.file.StandardOpenOption.APPEND);
        try (AuditLog audit = audit();
                PatientAssociations a = associations(audit);
                DevicePairings d = pairings(a, audit)) {
            assertThat(chartedTo(d.subjectAt(PUMP, at(60), a.timeline(BED)))).isEqualTo(ANNA);
            assertThat(d.subjectAt(MONITOR, at(60), a.timeline(BED))).isInstanceOf(BedTimeline.Subject.Nobody.class);
            assertThat(d.all()).hasSize(2);
            assertThat(d.version()).isZero();
            String log = Files.readString(dir.resolve("audit/audit.jsonl"));
            assertThat(log)
                    .contains("\"action\":\"device-paired\"")
                    .contains("\"action\":\"device-unpaired\"")
                    .contains("\"pump\":\"12345678\"")
                    .contains("\"user\":\"nurse.kim\"")
                    .contains("\"mrn\":\"1001\"");
        }
    }

    @Test
    void replayIsPureAndTheOrderOfEventsDoesNotMatter() {
        DevicePairings.Event pair = new DevicePairings.Event("p1", PUMP, true, ANNA, at(1), "u");
        DevicePairings.Event unpair = new DevicePairings.Event("p2", PUMP, false, ANNA, at(5), "u");
        DevicePairings.Event again = new DevicePairings.Event("p3", PUMP, true, BEN, at(7), "u");
        var one = DevicePairings.replay(java.util.List.of(pair, unpair, again), java.util.List.of());
        var other = DevicePairings.replay(java.util.List.of(again, unpair, pair), java.util.List.of());
        assertThat(one).isEqualTo(other).hasSize(2);
        assertThat(chartedTo(DevicePairings.subjectAt(one, PUMP, at(4), null))).isEqualTo(ANNA);
        assertThat(DevicePairings.subjectAt(one, PUMP, at(6), null)).isInstanceOf(BedTimeline.Subject.Nobody.class);
        assertThat(chartedTo(DevicePairings.subjectAt(one, PUMP, at(8), null))).isEqualTo(BEN);
    }
}
