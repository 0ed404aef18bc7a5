package org.bedside.drivers.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bedside.drivers.framing.LineFrameDecoder;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DeviceDriver;
import org.bedside.drivers.spi.DeviceSession;
import org.bedside.drivers.spi.DriverInfo;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.drivers.spi.SerialSettings;
import org.bedside.drivers.spi.SessionLink;
import org.bedside.drivers.spi.SessionLostException;
import org.bedside.drivers.spi.TransportKind;
import org.bedside.drivers.testing.Await;
import org.bedside.drivers.testing.ScriptedTransport;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.Test;

/**
 * The pipeline drives a request/response session: start on connect, frames through the session, ticks while the line
 * is quiet, a fresh session after the old one is lost.
 */
class DeviceSessionPipelineTest {
    private static final DeviceId DEVICE = DeviceId.of("bed3-monitor");

    /** A toy protocol: the session says HELLO, the device says OK, then each "POLL" is answered with "HR n". */
    private static final class ToySession implements DeviceSession {
        private SessionLink link;
        private volatile String state = "new";
        private long lastPoll;
        private boolean polled;
        private boolean associated;

        @Override
        public void start(SessionLink link, long nowNanos) throws IOException {
            this.link = link;
            link.send("HELLO\n".getBytes(StandardCharsets.US_ASCII));
            state = "associating";
        }

        @Override
        public DecodeResult onFrame(ByteBuffer frame, Instant receivedAt, long nowNanos) throws IOException {
            String text = StandardCharsets.US_ASCII.decode(frame).toString();
            if (text.equals("OK")) {
                associated = true;
                state = "associated";
                return DecodeResult.of(List.of());
            }
            if (text.equals("ABORT")) {
                throw new SessionLostException("the device aborted the association");
            }
            Reading hr = new NumericReading(
                    DEVICE,
                    Metrics.HEART_RATE_ECG,
                    new BigDecimal(text.substring(3)),
                    UcumUnit.PER_MINUTE,
                    Quality.VALID,
                    null,
                    receivedAt);
            return DecodeResult.of(List.of(hr));
        }

        @Override
        public void onTick(long nowNanos) throws IOException {
            if (associated
                    && (!polled || nowNanos - lastPoll > Duration.ofMillis(150).toNanos())) {
                polled = true;
                lastPoll = nowNanos;
                link.send("POLL\n".getBytes(StandardCharsets.US_ASCII));
            }
        }

        @Override
        public void stop() {
            try {
                link.send("BYE\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // the link is gone: nothing to say goodbye to
            }
        }

        @Override
        public String state() {
            return state;
        }
    }

    private static final class ToyDriver implements DeviceDriver {
        @Override
        public DriverInfo info() {
            return new DriverInfo(
                    "toy",
                    "Toy",
                    "Nobody",
                    "Monitor",
                    Set.of(TransportKind.SERIAL),
                    SerialSettings.of8N1(9600),
                    64,
                    List.of());
        }

        @Override
        public FrameDecoder newFrameDecoder(DriverOptions options) {
            return new LineFrameDecoder(64);
        }

        @Override
        public MessageDecoder newMessageDecoder(DeviceId device, DriverOptions options) {
            return (frame, receivedAt) -> {
                throw new AssertionError("with a session, frames go to the session");
            };
        }

        @Override
        public DeviceSession newSession(DeviceId device, DriverOptions options) {
            return new ToySession();
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aSessionAssociatesPollsAndStartsAfreshAfterBeingLost() {
        List<List<Reading>> stored = new CopyOnWriteArrayList<>();
        ScriptedTransport transport =
                new ScriptedTransport().link(List.of(ascii("OK\n"))).link(List.of(ascii("OK\n")));
        ToyDriver driver = new ToyDriver();
        try (DevicePipeline p = new DevicePipeline(
                DEVICE,
                driver,
                DriverOptions.defaults(driver.info()),
                transport,
                stored::add,
                InstantSource.system(),
                new DevicePipeline.Settings(Duration.ofSeconds(30), Duration.ofMillis(10), Duration.ofMillis(50)))) {
            p.start();
            Await.until(
                    "associated and polling",
                    Duration.ofSeconds(5),
                    () -> transport.written().contains("POLL\n"));
            assertThat(transport.written().get(0)).isEqualTo("HELLO\n");
            assertThat(p.status().session()).isEqualTo("associated");
            transport.push(ascii("HR 72\n"));
            Await.until("a reading", Duration.ofSeconds(5), () -> p.status().readings() >= 2);

            transport.push(ascii("ABORT\n"));
            Await.until(
                    "a second session",
                    Duration.ofSeconds(5),
                    () -> transport.opens() == 2
                            && transport.written().stream()
                                            .filter("HELLO\n"::equals)
                                            .count()
                                    == 2);
            Await.until(
                    "associated again",
                    Duration.ofSeconds(5),
                    () -> "associated".equals(p.status().session()));
        }
        List<Reading> all = stored.stream().flatMap(List::stream).toList();
        assertThat(all).filteredOn(NumericReading.class::isInstance).hasSize(1);
        assertThat(all)
                .filteredOn(r -> r instanceof DeviceStatus s && s.code() == DeviceStatus.Code.DISCONNECTED)
                .singleElement()
                .satisfies(r -> assertThat(((DeviceStatus) r).detail())
                        .isEqualTo("session ended: the device aborted the association"));
        assertThat(transport.written()).contains("BYE\n");
    }
}
