package org.bedside.runtime.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.bedside.drivers.senml.SenmlMqttDriver;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.model.DeviceId;
import org.bedside.patients.AuditLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sensor's message under another device's SenML base name, as the gateway's pipeline listener hands it on: refused by
 * the decoder with the reason {@code other_device}, written to the audit log as {@code device-message-refused} with
 * the device and the names (no value), at most once a minute per device with the number refused since.
 */
class RefusalAuditTest {
    static final DeviceId HUB = DeviceId.of("bed12-hub");
    static final SenmlMqttDriver DRIVER = new SenmlMqttDriver();

    @TempDir
    Path dir;

    @Test
    void aPayloadUnderAnotherDevicesBaseNameIsAuditedOnceAMinuteWithTheCountAndNoValue() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T09:00:00Z"));
        InstantSource clock = now::get;
        try (AuditLog audit = new AuditLog(dir.resolve("audit/audit.jsonl"), clock)) {
            Consumer<DecodeFailure> listener = new RefusalAudit(audit, clock).device(HUB);
            var decoder = DRIVER.newMessageDecoder(
                    HUB, DriverOptions.parse(DRIVER.info(), Map.of("base-name", "urn:dev:mac:0024befffe804ff1:")));
            String posing = "[{\"bn\":\"urn:dev:mac:00aabbfffe000001:\",\"bt\":1796288400,\"n\":\"spo2\",\"u\":\"%\","
                    + "\"v\":61}]";
            DecodeResult r = decoder.decode(ByteBuffer.wrap(posing.getBytes(StandardCharsets.UTF_8)), now.get());
            assertThat(r).isInstanceOf(DecodeFailure.class);
            DecodeFailure f = (DecodeFailure) r;
            assertThat(f.reason()).isEqualTo(DecodeFailure.Reason.OTHER_DEVICE);
            assertThat(f.reason().label()).isEqualTo("other_device");

            listener.accept(f);
            listener.accept(f); // the same second: only counted for the next entry
            listener.accept(f);
            listener.accept(DecodeFailure.of(DecodeFailure.Reason.MALFORMED, "not json", new byte[0], 8));
            assertThat(refusals(audit)).hasSize(1);
            ObjectNode first = refusals(audit).get(0);
            assertThat(first.get("device").asText()).isEqualTo("bed12-hub");
            assertThat(first.get("reason").asText()).isEqualTo("other_device");
            assertThat(first.get("detail").asText())
                    .contains("urn:dev:mac:00aabbfffe000001:spo2")
                    .contains("urn:dev:mac:0024befffe804ff1:");
            assertThat(first.has("alsoRefusedSinceLastEntry")).isFalse();

            now.set(now.get().plus(RefusalAudit.PER_CAUSE));
            listener.accept(f);
            assertThat(refusals(audit)).hasSize(2);
            assertThat(refusals(audit).get(1).get("alsoRefusedSinceLastEntry").asText())
                    .isEqualTo("2");
            assertThat(Files.readString(audit.file()))
                    .as("a malformed payload is no impersonation; no value reaches the audit log")
                    .doesNotContain("not json")
                    .doesNotContain("61");
        }
    }

    private static List<ObjectNode> refusals(AuditLog audit) throws Exception {
        return audit.entries().stream()
                .filter(e -> e.get("action").asText().equals("device-message-refused"))
                .toList();
    }
}
