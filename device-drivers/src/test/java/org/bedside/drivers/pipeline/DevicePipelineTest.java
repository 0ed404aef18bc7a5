package org.bedside.drivers.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bedside.drivers.masimo.MasimoDriver;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.testing.Await;
import org.bedside.drivers.testing.ScriptedTransport;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.junit.jupiter.api.Test;

class DevicePipelineTest {
    private static final MasimoDriver DRIVER = new MasimoDriver();
    private static final DeviceId DEVICE = DeviceId.of("bed12-spo2");
    /** Quick reconnects; an idle timeout no test reaches unless it is about silence. */
    private static final DevicePipeline.Settings FAST =
            new DevicePipeline.Settings(Duration.ofSeconds(60), Duration.ofMillis(10), Duration.ofMillis(50));
    /** For the tests about silence: short enough to wait for, long enough for a loaded machine. */
    private static final DevicePipeline.Settings IDLE_SOON =
            new DevicePipeline.Settings(Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMillis(50));

    private final List<List<Reading>> stored = new CopyOnWriteArrayList<>();

    private static byte[] line(int second) {
        return String.format("11/22/26 10:00:%02d SPO2=097%% BPM=072 PI=03.60%% ALARM=0000 EXC=000800\r\n", second)
                .getBytes(StandardCharsets.US_ASCII);
    }

    private DevicePipeline pipeline(ScriptedTransport transport, InstantSource clock) {
        return pipeline(transport, clock, FAST);
    }

    private DevicePipeline pipeline(
            ScriptedTransport transport, InstantSource clock, DevicePipeline.Settings settings) {
        return new DevicePipeline(
                DEVICE,
                DRIVER,
                DriverOptions.parse(DRIVER.info(), Map.of("device-time-zone", "UTC")),
                transport,
                stored::add,
                clock,
                settings);
    }

    private List<Reading> all() {
        synchronized (stored) {
            return stored.stream().flatMap(List::stream).toList();
        }
    }

    private List<DeviceStatus.Code> statuses() {
        return all().stream()
                .filter(DeviceStatus.class::isInstance)
                .map(r -> ((DeviceStatus) r).code())
                .toList();
    }

    @Test
    void decodesWhatArrivesAndStoresEachFrameAsOneUnit() {
        ScriptedTransport transport = new ScriptedTransport().link(List.of(line(1), line(2), line(3)));
        try (DevicePipeline p = pipeline(transport, InstantSource.system())) {
            p.start();
            Await.until("3 frames", Duration.ofSeconds(5), () -> p.status().frames() == 3);
            assertThat(p.status().state()).isEqualTo(LinkState.CONNECTED);
        }
        // CONNECTED status, then three frames of three numerics each
        assertThat(stored).hasSize(4);
        assertThat(stored.get(1)).hasSize(3).allMatch(NumericReading.class::isInstance);
        assertThat(statuses()).startsWith(DeviceStatus.Code.CONNECTED);
    }

    private static byte[] lineOf(int second, String serialToken) {
        return String.format(
                        "11/22/26 10:00:%02d %sSPO2=097%% BPM=072 PI=03.60%% ALARM=0000 EXC=000800\r\n",
                        second, serialToken)
                .getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void theStatusNamesTheUnitOfTheLastFrameWithDataAndNoneWhenThatFrameNamedNone() {
        ScriptedTransport transport =
                new ScriptedTransport().link(List.of(lineOf(1, "SN=0000056661 "), lineOf(2, "SN=0000056661 ")));
        try (DevicePipeline p = pipeline(transport, InstantSource.system())) {
            p.start();
            // The frame count goes up before the frame is stored: wait for what the stored frames say.
            Await.until("2 frames stored", Duration.ofSeconds(5), () -> all().size() == 1 + 2 * 4);
            assertThat(p.status().unit()).isNotNull();
            assertThat(p.status().unit().serialNumber()).isEqualTo("0000056661");
        }
        stored.clear();
        ScriptedTransport unnamed = new ScriptedTransport().link(List.of(lineOf(1, "SN=0000056661 "), lineOf(2, "")));
        try (DevicePipeline p = pipeline(unnamed, InstantSource.system())) {
            p.start();
            Await.until("2 frames stored", Duration.ofSeconds(5), () -> all().size() == 1 + 4 + 3);
            assertThat(p.status().unit())
                    .as("another monitor that does not name itself")
                    .isNull();
        }
    }

    @Test
    void stampsStrictlyIncreasingReceiveTimesEvenWhenTheClockStandsStill() {
        InstantSource frozen = InstantSource.fixed(Instant.parse("2026-11-22T10:00:00Z"));
        ScriptedTransport transport = new ScriptedTransport().link(List.of(concat(line(1), line(2), line(3))));
        try (DevicePipeline p = pipeline(transport, frozen)) {
            p.start();
            Await.until("3 frames", Duration.ofSeconds(5), () -> p.status().frames() == 3);
        }
        List<Instant> stamps =
                stored.stream().map(batch -> batch.get(0).receivedAt()).toList();
        assertThat(stamps).isSorted().doesNotHaveDuplicates();
        assertThat(all().stream().map(Reading::key)).doesNotHaveDuplicates();
    }

    @Test
    void reconnectsAfterTheLinkIsLostAndRecordsWhy() {
        ScriptedTransport transport = new ScriptedTransport()
                .link(List.of(line(1)))
                .failToOpen("serial port /dev/x does not exist: is the cable plugged in?")
                .failToOpen("serial port /dev/x does not exist: is the cable plugged in?")
                .link(List.of(line(2)));
        try (DevicePipeline p = pipeline(transport, InstantSource.system())) {
            p.start();
            Await.until("first frame", Duration.ofSeconds(5), () -> p.status().frames() == 1);
            transport.drop();
            Await.until(
                    "second frame after reconnect",
                    Duration.ofSeconds(5),
                    () -> p.status().frames() == 2);
            assertThat(p.status().state()).isEqualTo(LinkState.CONNECTED);
            assertThat(p.status().reconnects()).isEqualTo(2);
        }
        assertThat(transport.opens()).isEqualTo(4);
        // one DISCONNECTED for the outage, however many attempts failed during it
        assertThat(statuses())
                .containsExactly(
                        DeviceStatus.Code.CONNECTED, DeviceStatus.Code.DISCONNECTED, DeviceStatus.Code.CONNECTED);
        DeviceStatus down = (DeviceStatus) all().stream()
                .filter(r -> r instanceof DeviceStatus s && s.code() == DeviceStatus.Code.DISCONNECTED)
                .findFirst()
                .orElseThrow();
        assertThat(down.detail()).contains("cable pulled");
    }

    @Test
    void reportsSilenceAfterTheIdleTimeoutAndRecoveryWhenDataReturns() {
        ScriptedTransport transport = new ScriptedTransport().link(List.of(line(1)));
        try (DevicePipeline p = pipeline(transport, InstantSource.system(), IDLE_SOON)) {
            p.start();
            Await.until("no data", Duration.ofSeconds(5), () -> p.status().state() == LinkState.NO_DATA);
            assertThat(p.status().detail()).contains("no data for");
            transport.push(line(2));
            Await.until("data again", Duration.ofSeconds(5), () -> p.status().state() == LinkState.CONNECTED);
        }
        assertThat(statuses())
                .containsExactly(DeviceStatus.Code.CONNECTED, DeviceStatus.Code.NO_DATA, DeviceStatus.Code.CONNECTED);
    }

    @Test
    void saysWhenBytesArriveButNothingDecodes() {
        byte[] junk = "\u00e1\u00e2 garbage at the wrong baud rate \r\n".getBytes(StandardCharsets.ISO_8859_1);
        ScriptedTransport transport = new ScriptedTransport().link(List.of(junk));
        try (DevicePipeline p = pipeline(transport, InstantSource.system(), IDLE_SOON)) {
            p.start();
            Await.until(
                    "failure counted", Duration.ofSeconds(5), () -> p.status().decodeFailureTotal() == 1);
            // a device talking steadily in the wrong format: junk every 20 ms until the pipeline gives its verdict
            int[] pushed = {1};
            Await.until("no data", Duration.ofSeconds(5), () -> {
                if (p.status().state() == LinkState.NO_DATA) {
                    return true;
                }
                transport.push(junk);
                pushed[0]++;
                return false;
            });
            assertThat(p.status().detail()).contains("wrong baud rate");
            Await.until(
                    "all junk counted", Duration.ofSeconds(5), () -> p.status().decodeFailureTotal() == pushed[0]);
            assertThat(p.status().decodeFailures()).containsEntry(DecodeFailure.Reason.MALFORMED, (long) pushed[0]);
        }
    }

    @Test
    void aStoreFailureIsCountedAndTheDeviceKeepsRunning() {
        ScriptedTransport transport = new ScriptedTransport().link(List.of(line(1), line(2)));
        List<Integer> calls = new ArrayList<>();
        ReadingSink failing = batch -> {
            calls.add(batch.size());
            if (calls.size() == 2) {
                throw new java.io.IOException("No space left on device");
            }
        };
        DevicePipeline p = new DevicePipeline(
                DEVICE,
                DRIVER,
                DriverOptions.defaults(DRIVER.info()),
                transport,
                failing,
                InstantSource.system(),
                FAST);
        try (p) {
            p.start();
            Await.until("2 frames", Duration.ofSeconds(5), () -> p.status().frames() == 2);
            assertThat(p.status().storeFailures()).isEqualTo(1);
            assertThat(p.status().state()).isEqualTo(LinkState.CONNECTED);
        }
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
