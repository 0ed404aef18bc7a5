package org.bedside.drivers.nonin;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.bedside.model.WaveformSegment;
import org.jspecify.annotations.Nullable;

/**
 * Decodes one packet of 25 frames (a third of a second) into SpO2 and pulse rate (the four-beat averages "formatted for
 * recording", which turn to their missing values at once when the finger is removed), the 25 pleth samples, and the
 * conditions the status bytes report.
 *
 * <p>Status bits hold per frame; a packet reports the worst of its frames:
 *
 * <ul>
 *   <li>sensor alarm (and, Data Format 2, sensor disconnect): both values invalid, even if digits are present;
 *       device status {@code SENSOR_OFF};
 *   <li>out of track, artifact, red perfusion (a low or no pulse signal): values questionable; device statuses {@code
 *       LOW_SIGNAL_QUALITY}, {@code INTERFERENCE}, {@code LOW_PERFUSION};
 *   <li>yellow perfusion (marginal): device status {@code LOW_SIGNAL_QUALITY}, values unchanged;
 *   <li>low battery (Data Format 13): device status {@code LOW_BATTERY}.
 * </ul>
 *
 * <p>Nonin packets carry no clock: readings have no device time. Pure and thread-safe.
 */
final class NoninPacketDecoder implements MessageDecoder {
    private static final Duration SAMPLE_PERIOD = Duration.ofSeconds(1).dividedBy(NoninCodes.FRAMES_PER_SECOND);

    private final DeviceId device;
    private final NoninFormat format;

    NoninPacketDecoder(DeviceId device, NoninFormat format) {
        this.device = device;
        this.format = format;
    }

    @Override
    public DecodeResult decode(ByteBuffer frame, Instant receivedAt) {
        int n = frame.remaining();
        if (n != NoninFormat.PACKET_LENGTH) {
            return DecodeFailure.of(
                    n < NoninFormat.PACKET_LENGTH ? DecodeFailure.Reason.TRUNCATED : DecodeFailure.Reason.MALFORMED,
                    "a packet is " + NoninFormat.PACKET_LENGTH + " bytes, not " + n,
                    frame);
        }
        byte[] p = new byte[n];
        frame.duplicate().get(p);
        int statuses = 0;
        for (int i = 0; i < NoninFormat.FRAMES_PER_PACKET; i++) {
            int at = i * NoninFormat.FRAME_LENGTH;
            if (!format.isFrame(p, at)) {
                return DecodeFailure.of(
                        DecodeFailure.Reason.BAD_CHECKSUM, "frame " + i + " of the packet is not a valid frame", frame);
            }
            if (format.isSync(p, at) != (i == 0)) {
                return DecodeFailure.of(
                        DecodeFailure.Reason.MALFORMED,
                        i == 0 ? "the packet's first frame has no SYNC bit" : "frame " + i + " has the SYNC bit",
                        frame);
            }
            statuses |= p[at + format.status] & 0xFF;
        }
        Conditions conditions =
                new Conditions(statuses, format == NoninFormat.DF13 ? data(p, NoninCodes.FRAME_STATUS2) : 0);
        int heartRate = (data(p, NoninCodes.FRAME_HR_MSB) & 0x03) << 7 | (data(p, NoninCodes.FRAME_HR_LSB) & 0x7F);
        int spo2 = data(p, NoninCodes.FRAME_SPO2) & 0x7F;

        List<Reading> out = new ArrayList<>(6);
        out.add(numeric(Metrics.SPO2, spo2, NoninCodes.MISSING_SPO2, 100, UcumUnit.PERCENT, conditions, receivedAt));
        out.add(numeric(
                Metrics.PULSE_RATE_OXIMETRY,
                heartRate,
                NoninCodes.MISSING_HEART_RATE,
                321,
                UcumUnit.PER_MINUTE,
                conditions,
                receivedAt));
        double[] samples = new double[NoninFormat.FRAMES_PER_PACKET];
        for (int i = 0; i < samples.length; i++) {
            int at = i * NoninFormat.FRAME_LENGTH;
            samples[i] = format.plethLow < 0
                    ? p[at + format.pleth] & 0xFF
                    : (p[at + format.pleth] & 0xFF) << 8 | (p[at + format.plethLow] & 0xFF);
        }
        out.add(new WaveformSegment(
                device,
                NoninCodes.PLETH,
                new UcumUnit("1", "raw"),
                SAMPLE_PERIOD,
                samples,
                conditions.sensorOff != null ? Quality.invalid(conditions.sensorOff) : Quality.VALID,
                null,
                receivedAt));
        conditions.statuses(device, receivedAt, out);
        return DecodeResult.of(out);
    }

    private int data(byte[] p, int frameIndex) {
        return p[frameIndex * NoninFormat.FRAME_LENGTH + format.data] & 0xFF;
    }

    private NumericReading numeric(
            org.bedside.model.MetricCode metric,
            int raw,
            int missing,
            int max,
            UcumUnit unit,
            Conditions conditions,
            Instant receivedAt) {
        BigDecimal value = null;
        EnumSet<QualityFlag> flags = EnumSet.noneOf(QualityFlag.class);
        StringBuilder reason = new StringBuilder();
        if (raw == missing) {
            flags.add(QualityFlag.NOT_AVAILABLE);
            reason.append("no value (").append(missing).append(" is Nonin's missing value)");
        } else {
            value = BigDecimal.valueOf(raw);
            if (raw > max) {
                flags.add(QualityFlag.INVALID);
                reason.append(raw)
                        .append(" is outside what the oximeter reports (0 to ")
                        .append(max)
                        .append(')');
            }
        }
        conditions.apply(flags, reason);
        Quality quality = flags.isEmpty() ? Quality.VALID : new Quality(flags, reason.toString());
        return new NumericReading(device, metric, value, unit, quality, null, receivedAt);
    }

    /** What a packet's status bits say, collected over its frames. */
    private static final class Conditions {
        final @Nullable String sensorOff;
        final @Nullable String questionable;
        final List<DeviceStatus.Code> codes = new ArrayList<>(4);
        final List<String> details = new ArrayList<>(4);

        Conditions(int statuses, int status2) {
            StringBuilder off = new StringBuilder();
            if ((statuses & NoninCodes.STATUS_SENSOR_ALARM) != 0) {
                off.append("sensor alarm: unusable data, finger removed? (status 0x08)");
            }
            if ((statuses & NoninCodes.STATUS_SENSOR_DISCONNECT) != 0) {
                append(off, "sensor disconnected (status 0x40)");
            }
            this.sensorOff = off.length() == 0 ? null : off.toString();
            if (sensorOff != null) {
                add(DeviceStatus.Code.SENSOR_OFF, sensorOff);
            }
            StringBuilder doubt = new StringBuilder();
            if ((statuses & NoninCodes.STATUS_OUT_OF_TRACK) != 0) {
                String text = "out of track: no consecutive good pulses (status 0x10)";
                append(doubt, text);
                add(DeviceStatus.Code.LOW_SIGNAL_QUALITY, text);
            }
            if ((statuses & NoninCodes.STATUS_ARTIFACT) != 0) {
                String text = "artifact (status 0x20)";
                append(doubt, text);
                add(DeviceStatus.Code.INTERFERENCE, text);
            }
            // Perfusion is per frame, during a pulse: red alone is low, red with green marginal ("yellow"). Over a
            // packet the bits are ORed: red without any green frame is low, red with some green marginal at worst.
            boolean red = (statuses & NoninCodes.STATUS_RED_PERFUSION) != 0
                    && (statuses & NoninCodes.STATUS_GREEN_PERFUSION) == 0;
            boolean yellow = (statuses & NoninCodes.STATUS_RED_PERFUSION) != 0
                    && (statuses & NoninCodes.STATUS_GREEN_PERFUSION) != 0;
            if (red) {
                String text = "low perfusion: a low or no pulse signal (red, status 0x04)";
                append(doubt, text);
                add(DeviceStatus.Code.LOW_PERFUSION, text);
            } else if (yellow) {
                add(DeviceStatus.Code.LOW_SIGNAL_QUALITY, "marginal perfusion (yellow, status 0x06)");
            }
            this.questionable = doubt.length() == 0 ? null : doubt.toString();
            if ((status2 & NoninCodes.STATUS2_LOW_BATTERY) != 0) {
                add(DeviceStatus.Code.LOW_BATTERY, "low battery (status 2 0x01)");
            }
        }

        private void add(DeviceStatus.Code code, String detail) {
            int i = codes.indexOf(code);
            if (i >= 0) {
                details.set(i, details.get(i) + "; " + detail);
            } else {
                codes.add(code);
                details.add(detail);
            }
        }

        void apply(EnumSet<QualityFlag> flags, StringBuilder reason) {
            if (sensorOff != null) {
                flags.add(QualityFlag.INVALID);
                append(reason, sensorOff);
            }
            if (questionable != null) {
                flags.add(QualityFlag.QUESTIONABLE);
                append(reason, questionable);
            }
        }

        void statuses(DeviceId device, Instant receivedAt, List<Reading> out) {
            for (int i = 0; i < codes.size(); i++) {
                out.add(new DeviceStatus(device, codes.get(i), details.get(i), null, receivedAt));
            }
        }

        private static void append(StringBuilder b, String text) {
            if (b.length() > 0) {
                b.append("; ");
            }
            b.append(text);
        }
    }

    @Override
    public String toString() {
        return "NoninPacketDecoder[" + format.name().toLowerCase(Locale.ROOT) + "]";
    }
}
