package org.bedside.drivers.ivue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.bedside.drivers.spi.DecodeException;
import org.bedside.drivers.spi.DemographicsFingerprint;
import org.bedside.model.DeviceId;
import org.bedside.model.PatientDemographics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demographics object of the real MX800 frame (a test patient entered on the monitor: family name "Koenig",
 * patient id "123", state admitted), decoded to its state and a keyed fingerprint, and edits of it.
 */
class IvueDemographicsTest {
    private static final DeviceId DEVICE = DeviceId.of("bed7-monitor");
    private static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");
    private static final DemographicsFingerprint KEY = DemographicsFingerprint.withKey(key(1));
    /** Where the state's value lies in the unescaped frame: AVA 09 57 00 02 at 0x47, its value 00 02 after it. */
    private static final int STATE = 0x4B;
    /** The low byte of the family name's first UTF-16 unit 'K' (AVA 09 5C 00 10 at 0x7D, length 00 0E, "Koenig"). */
    private static final int FAMILY = 0x84;

    @TempDir
    Path dir;

    private static byte[] key(int seed) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) seed);
        return k;
    }

    private static byte[] frame() throws IOException {
        return IvueGoldenTest.realFrame();
    }

    private static List<PatientDemographics> decode(byte[] frame, DemographicsFingerprint key) throws DecodeException {
        byte[] userData = Arrays.copyOfRange(frame, 5, frame.length - 3);
        IvuePollResult poll = IvueGoldenTest.pollResult((IvueMessage.Result) IvueGoldenTest.parse(userData));
        assertThat(IvueDemographics.isDemographics(poll)).isTrue();
        return IvueDemographics.decode(DEVICE, poll, key, null, AT);
    }

    @Test
    void theRealFrameIsAnAdmittedPatientWithAFingerprintAndNothingElse() throws Exception {
        byte[] frame = frame();
        assertThat(frame[STATE]).isZero();
        assertThat(frame[STATE + 1]).isEqualTo((byte) 2);
        assertThat(new String(frame, FAMILY - 1, 12, StandardCharsets.UTF_16BE)).isEqualTo("Koenig");

        PatientDemographics d = decode(frame, KEY).get(0);
        assertThat(decode(frame, KEY)).hasSize(1);
        assertThat(d.state()).isEqualTo(PatientDemographics.State.ADMITTED);
        assertThat(d.fingerprint()).matches("[0-9a-f]{32}");
        assertThat(d.toString()).doesNotContain("Koenig").doesNotContain("123");
        assertThat(decode(frame, KEY).get(0).fingerprint())
                .as("the same patient")
                .isEqualTo(d.fingerprint());
    }

    @Test
    void anotherInstallationsKeyGivesAnotherFingerprint() throws Exception {
        String here = decode(frame(), KEY).get(0).fingerprint();
        String there =
                decode(frame(), DemographicsFingerprint.withKey(key(2))).get(0).fingerprint();
        assertThat(there).isNotNull().isNotEqualTo(here);
    }

    @Test
    void aChangedNameIsAnotherFingerprintInTheSameState() throws Exception {
        byte[] frame = frame();
        String before = decode(frame, KEY).get(0).fingerprint();
        frame[FAMILY] = 'L'; // "Loenig"
        PatientDemographics after = decode(frame, KEY).get(0);
        assertThat(after.state()).isEqualTo(PatientDemographics.State.ADMITTED);
        assertThat(after.fingerprint()).isNotNull().isNotEqualTo(before);
    }

    @Test
    void theStatesOfPatDmgState() throws Exception {
        byte[] frame = frame();
        frame[STATE + 1] = 8;
        assertThat(decode(frame, KEY).get(0).state()).isEqualTo(PatientDemographics.State.DISCHARGED);
        frame[STATE + 1] = 1;
        assertThat(decode(frame, KEY).get(0).state()).isEqualTo(PatientDemographics.State.PRE_ADMITTED);
        frame[STATE + 1] = 0;
        assertThat(decode(frame, KEY).get(0).state()).isEqualTo(PatientDemographics.State.EMPTY);
        frame[STATE + 1] = 5;
        assertThat(decode(frame, KEY).get(0).state())
                .as("a value not in PatDmgState is not taken for one")
                .isEqualTo(PatientDemographics.State.UNKNOWN);
    }

    @Test
    void nothingIdentifyingEnteredHasNoFingerprint() {
        assertThat(KEY.of(Arrays.asList(null, null, null, null, null))).isNull();
        assertThat(KEY.of(Arrays.asList("123", null, null, null, null))).isNotNull();
        assertThat(KEY.of(Arrays.asList("123", null, null, null, null)))
                .as("a value's place counts: an id is not a family name")
                .isNotEqualTo(KEY.of(Arrays.asList(null, "123", null, null, null)));
    }

    @Test
    void theInstallationKeyIsMadeOnceOwnerOnlyAndKept() throws Exception {
        Path file = dir.resolve("patients/demographics.key");
        String first = DemographicsFingerprint.openOrCreate(file).of(List.of("123"));
        assertThat(Files.size(file)).isEqualTo(32);
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(DemographicsFingerprint.openOrCreate(file).of(List.of("123")))
                .as("after a restart")
                .isEqualTo(first);
        Files.write(file, new byte[5]);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DemographicsFingerprint.openOrCreate(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a 32-byte key");
    }
}
