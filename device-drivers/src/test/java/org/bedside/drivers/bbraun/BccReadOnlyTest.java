package org.bedside.drivers.bbraun;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bedside.drivers.spi.DecodeException;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.SessionLink;
import org.bedside.drivers.spi.SessionLostException;
import org.bedside.drivers.testing.DecoderHarness;
import org.bedside.model.DeviceId;
import org.junit.jupiter.api.Test;

/** The gateway never changes a pump: only reading requests, ACK and NAK can reach the wire. */
class BccReadOnlyTest {

    /** Whether {@code sent} is an ACK, a NAK or a well-formed frame carrying an allow-listed request. */
    private static boolean allowed(byte[] sent) throws DecodeException {
        if (sent.length == 1) {
            return sent[0] == BccCodes.ACK || sent[0] == BccCodes.NAK;
        }
        BccMessageDecoder.Part part = BccMessageDecoder.part(ByteBuffer.wrap(sent));
        return part.last() && BccRequest.isAllowed(new String(part.text(), StandardCharsets.US_ASCII));
    }

    @Test
    void aCommandThatWouldChangeAPumpCannotBeMade() {
        for (String write : List.of(
                "MEM:SET#11,INRT,5", "ADMIN:ALIVE;MEM:SET", "MEM:GETSLOT#11,INRT,9", "MEM:GET ", "MEM:START", "")) {
            assertThatThrownBy(() -> new BccRequest(write))
                    .as(write)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("not a reading request of the allow-list");
        }
        assertThat(BccRequest.getSlot(3, 'O').command()).isEqualTo("MEM:GETSLOT#3O");
        assertThatThrownBy(() -> BccRequest.getSlot(4, '1')).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyTheReadOnlyLinkInThePackageWritesToTheSessionLink() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.bedside.drivers.bbraun");
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName(BccReadOnlyLink.class.getName())
                .should()
                .callMethod(SessionLink.class, "send", byte[].class)
                .check(classes);
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName(BccReadOnlyLink.class.getName())
                .and()
                .doNotHaveFullyQualifiedName(BccSession.class.getName())
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName(SessionLink.class.getName())
                .check(classes);
    }

    @Test
    void whateverTheSpaceComSendsTheSessionSendsOnlyAllowedBytes() throws Exception {
        Random random = new Random(11);
        List<byte[]> sent = new ArrayList<>();
        BccDriver driver = new BccDriver();
        for (int run = 0; run < 50; run++) {
            BccSession s = (BccSession) driver.newSession(DeviceId.of("p"), DriverOptions.defaults(driver.info()));
            s.start(sent::add, 0);
            long now = 0;
            try {
                for (int step = 0; step < 200; step++) {
                    now += random.nextInt(2_000_000_000);
                    switch (random.nextInt(6)) {
                        case 0 ->
                            s.onFrame(
                                    ByteBuffer.wrap(BccTestFrames.gnack(bed(random))), DecoderHarness.RECEIVED_AT, now);
                        case 1 -> s.onFrame(ByteBuffer.wrap(randomAnswer(random)), DecoderHarness.RECEIVED_AT, now);
                        case 2 ->
                            s.onFrame(
                                    ByteBuffer.wrap(new byte[] {random.nextBoolean() ? BccCodes.ACK : BccCodes.NAK}),
                                    DecoderHarness.RECEIVED_AT,
                                    now);
                        case 3 -> {
                            byte[] junk = new byte[1 + random.nextInt(200)];
                            random.nextBytes(junk);
                            junk[0] = BccCodes.SOH;
                            junk[junk.length - 1] = BccCodes.EOT;
                            s.onFrame(ByteBuffer.wrap(junk), DecoderHarness.RECEIVED_AT, now);
                        }
                        default -> s.onTick(now);
                    }
                }
            } catch (SessionLostException e) {
                // a session may give up: what it sent until then is what counts
            }
        }
        assertThat(sent).hasSizeGreaterThan(1000);
        for (byte[] m : sent) {
            assertThat(allowed(m)).as(BccTestFrames.describe(m)).isTrue();
        }
    }

    private static String bed(Random random) {
        return random.nextBoolean() ? "SpaceSystem" : "ComSystem";
    }

    /** A well-formed answer whose records are random text: commands, parameters, values. */
    private static byte[] randomAnswer(Random random) {
        String[] words = {"MEM:SET", "INRT", "GNERR", "39", "68", "GNACK", "50111", "50100", ",", "\u001e", "_NV"};
        StringBuilder b = new StringBuilder();
        for (int i = random.nextInt(30); i > 0; i--) {
            b.append(words[random.nextInt(words.length)]);
        }
        String text = bed(random) + "/1/1>" + b;
        return BccFraming.frame(text.getBytes(StandardCharsets.ISO_8859_1), random.nextInt(4) != 0);
    }
}
