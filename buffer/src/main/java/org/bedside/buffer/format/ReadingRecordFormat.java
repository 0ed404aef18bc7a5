package org.bedside.buffer.format;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.bedside.buffer.ClockStamp;
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.DeviceStatus;
import org.bedside.model.InfusionEvent;
import org.bedside.model.InfusionStatus;
import org.bedside.model.MetricCode;
import org.bedside.model.NumericReading;
import org.bedside.model.PatientDemographics;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.bedside.model.WaveformSegment;
import org.jspecify.annotations.Nullable;

/**
 * Lays out the readings of one frame (all from one device) as one record. Plain bytes, no Chronicle types, so the same
 * format can be stored anywhere and read by any later version.
 *
 * <p>Version 1, in the notation {@code name:type}: {@code varint} is unsigned LEB128, {@code zigzag} a signed LEB128
 * value in zigzag order, {@code str} a varint byte length followed by UTF-8, {@code nstr} a byte 0 (null) or 1 then a
 * {@code str}; enums are stored by name, so renaming a constant is a format change.
 *
 * <pre>
 * record     := version:u8=1 device:str receivedAt deviceTime clock count:varint reading{count} crc:u32
 * clock      := 0 (the wall clock was trusted) | 1 bootId:str offsetNanos:zigzag     see {@link ClockStamp}
 * crc        := CRC-32C of every byte before it, big-endian: a record torn by a power cut (zero-filled or cut
 *               short) does not pass, even where its remaining bytes would parse
 * reading    := kind:u8 times body
 * times      := 0 (the record's receivedAt and deviceTime) | 1 receivedAt deviceTime
 * receivedAt := second:zigzag nano:varint
 * deviceTime := 0 (none) | 1 second:zigzag nano:varint
 * kind 1 numeric  := (code:varint&gt;0 | 0 metric unit) value quality      code: an entry of {@link CodeBook}
 * kind 2 waveform := metric unit periodNanos:varint n:varint sample:f64{n} quality
 * kind 3 alarm    := code:str 0|1 metric kind:str priority:str state:str text:str
 * kind 4 status   := code:str detail:str
 * kind 5 compound := metric count:varint component{count}
 * kind 6 alert    := alertId:str condition:str updateCount:varint phase:str kind:str priority:str
 *                    devicePriority:str alarmState:str inactivationState:str origin:str 0|1 metric value 0|1 unit
 *                    lowLimit:value highLimit:value text:str detail:str escalationLevel:varint onset:receivedAt
 *                    0|1 conditionEnd:receivedAt                                       see {@link AlertReport}
 * kind 7 infusion := channel:str state:str drugLabel:nstr pumpSerial:nstr count:varint component{count}
 *                                                                                    see {@link InfusionStatus}
 * kind 8 identity := serialNumber:nstr systemId:nstr manufacturer:nstr model:nstr     see {@link DeviceIdentity}
 * kind 9 demographics := state:str fingerprint:nstr                                 see {@link PatientDemographics}
 * kind 10 infusion event := channel:nstr code:varint refId:str kind:str reason:str    see {@link InfusionEvent}
 * component  := (code:varint&gt;0 | 0 metric unit) value quality
 * metric     := mdc:varint refId:str loinc:nstr label:str
 * unit       := code:str display:str
 * value      := 0 (none) | 1 unscaled:zigzag scale:zigzag | 2 decimal:str (beyond a long)
 * quality    := flagBits:varint reason:str
 * </pre>
 *
 * <p><b>Kinds are append-only.</b> A new kind of reading gets the next number (kind 6, the alarm engine's {@link
 * AlertReport}, came after the first five, kind 7, the pumps' {@link InfusionStatus}, after it, and kind 8, the
 * unit's {@link DeviceIdentity}, after that, kind 9, a monitor's {@link PatientDemographics}, after it, and kind 10,
 * a pump's {@link InfusionEvent}, after that); a number is never reused or
 * renumbered, and the version byte stays 1, because a record of an older layout still reads exactly as before. A
 * release that meets a kind it does not know — a buffer written by a newer release, read by an older one after a
 * downgrade — throws {@link MalformedRecordException} ("unknown reading kind 6") for that record, which the store hands
 * to its consumer as unreadable, counted, never as a misread value: no byte of an unknown kind is interpreted.
 */
public final class ReadingRecordFormat {
    public static final int VERSION_1 = 1;
    public static final int CURRENT_VERSION = VERSION_1;

    private static final int NUMERIC = 1;
    private static final int WAVEFORM = 2;
    private static final int ALARM = 3;
    private static final int STATUS = 4;
    private static final int COMPOUND = 5;
    private static final int ALERT = 6;
    private static final int INFUSION = 7;
    private static final int IDENTITY = 8;
    private static final int DEMOGRAPHICS = 9;
    private static final int INFUSION_EVENT = 10;

    private static final int VALUE_NONE = 0;
    private static final int VALUE_UNSCALED = 1;
    private static final int VALUE_DECIMAL = 2;

    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private ReadingRecordFormat() {}

    /** The device and readings of one record. */
    public record Record(
            DeviceId device,
            List<Reading> readings,
            @Nullable ClockStamp clock) {
        public Record(DeviceId device, List<Reading> readings) {
            this(device, readings, null);
        }
    }

    /**
     * Encodes records into a reusable array: the gateway's append path, with no allocation per record once warm. Not
     * thread-safe: one per appending thread (or behind a lock).
     */
    public static final class Encoder {
        private final Writer w = new Writer(new byte[512]);

        /** Encodes the readings as one record; its bytes are {@code array()[0, length)}. */
        public int encode(List<? extends Reading> readings) {
            return encode(readings, null);
        }

        /** With the stamp of an untrusted wall clock, or null. */
        public int encode(List<? extends Reading> readings, @Nullable ClockStamp clock) {
            w.pos = 0;
            writeRecord(w, readings, clock);
            CRC32C crc = new CRC32C();
            crc.update(w.buf, 0, w.pos);
            int value = (int) crc.getValue();
            w.ensure(4);
            w.put((byte) (value >>> 24));
            w.put((byte) (value >>> 16));
            w.put((byte) (value >>> 8));
            w.put((byte) value);
            return w.pos;
        }

        /** The array holding the last record encoded; valid until the next {@link #encode}. */
        public byte[] array() {
            return w.buf;
        }
    }

    /**
     * Writes the readings as one record into {@code out}, growing it if needed.
     *
     * @return the buffer written to: {@code out}, or a larger copy of it; flip it before reading
     */
    public static ByteBuffer encode(List<? extends Reading> readings, ByteBuffer out) {
        Encoder e = new Encoder();
        int length = e.encode(readings);
        ByteBuffer target = out.remaining() >= length
                ? out
                : ByteBuffer.allocate(out.position() + length).put(out.flip());
        return target.put(e.array(), 0, length);
    }

    private static void writeRecord(Writer w, List<? extends Reading> readings, @Nullable ClockStamp clock) {
        if (readings.isEmpty()) {
            throw new IllegalArgumentException("a record holds at least one reading");
        }
        Reading first = readings.get(0);
        DeviceId device = first.device();
        w.u8(CURRENT_VERSION);
        w.str(device.value());
        w.instant(first.receivedAt());
        w.optionalInstant(first.deviceTime());
        if (clock == null) {
            w.u8(0);
        } else {
            w.u8(1);
            w.str(clock.bootId());
            w.zigzag(clock.offsetNanos());
        }
        w.varint(readings.size());
        for (Reading r : readings) {
            if (!r.device().equals(device)) {
                throw new IllegalArgumentException(
                        "one record holds the readings of one device: " + device + " and " + r.device());
            }
            writeReading(w, r, first);
        }
    }

    private static void writeReading(Writer w, Reading r, Reading first) {
        int kind;
        if (r instanceof NumericReading) {
            kind = NUMERIC;
        } else if (r instanceof CompoundReading) {
            kind = COMPOUND;
        } else if (r instanceof WaveformSegment) {
            kind = WAVEFORM;
        } else if (r instanceof AlarmEvent) {
            kind = ALARM;
        } else if (r instanceof DeviceStatus) {
            kind = STATUS;
        } else if (r instanceof AlertReport) {
            kind = ALERT;
        } else if (r instanceof InfusionStatus) {
            kind = INFUSION;
        } else if (r instanceof DeviceIdentity) {
            kind = IDENTITY;
        } else if (r instanceof InfusionEvent) {
            kind = INFUSION_EVENT;
        } else if (r instanceof PatientDemographics) {
            kind = DEMOGRAPHICS;
        } else {
            throw new IllegalArgumentException(
                    "no record kind for " + r.getClass().getName());
        }
        w.u8(kind);
        if (r.receivedAt().equals(first.receivedAt()) && Objects.equals(r.deviceTime(), first.deviceTime())) {
            w.u8(0);
        } else {
            w.u8(1);
            w.instant(r.receivedAt());
            w.optionalInstant(r.deviceTime());
        }
        if (r instanceof NumericReading n) {
            w.metricAndUnit(n.metric(), n.unit());
            w.value(n.value());
            w.quality(n.quality());
        } else if (r instanceof CompoundReading c) {
            w.metric(c.metric());
            w.varint(c.components().size());
            for (CompoundReading.Component part : c.components()) {
                w.metricAndUnit(part.metric(), part.unit());
                w.value(part.value());
                w.quality(part.quality());
            }
        } else if (r instanceof WaveformSegment s) {
            w.metric(s.metric());
            w.unit(s.unit());
            w.varlong(s.samplePeriod().toNanos());
            double[] samples = s.samples();
            w.varint(samples.length);
            w.ensure(samples.length * 8);
            for (double d : samples) {
                long bits = Double.doubleToRawLongBits(d);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    w.put((byte) (bits >>> shift));
                }
            }
            w.quality(s.quality());
        } else if (r instanceof AlarmEvent a) {
            w.str(a.code());
            MetricCode source = a.source();
            if (source == null) {
                w.u8(0);
            } else {
                w.u8(1);
                w.metric(source);
            }
            w.str(a.kind().name());
            w.str(a.priority().name());
            w.str(a.state().name());
            w.str(a.text());
        } else if (r instanceof DeviceStatus s) {
            w.str(s.code().name());
            w.str(s.detail());
        } else if (r instanceof AlertReport a) {
            writeAlert(w, a);
        } else if (r instanceof InfusionStatus i) {
            w.str(i.channel());
            w.str(i.state().name());
            w.nstr(i.drugLabel());
            w.nstr(i.pumpSerial());
            w.varint(i.values().size());
            for (CompoundReading.Component part : i.values()) {
                w.metricAndUnit(part.metric(), part.unit());
                w.value(part.value());
                w.quality(part.quality());
            }
        } else if (r instanceof DeviceIdentity id) {
            w.nstr(id.serialNumber());
            w.nstr(id.systemId());
            w.nstr(id.manufacturer());
            w.nstr(id.model());
        } else if (r instanceof InfusionEvent e) {
            w.nstr(e.channel());
            w.varint(e.code());
            w.str(e.refId());
            w.str(e.kind().name());
            w.str(e.reason());
        } else if (r instanceof PatientDemographics d) {
            w.str(d.state().name());
            w.nstr(d.fingerprint());
        }
    }

    private static void writeAlert(Writer w, AlertReport a) {
        w.str(a.alertId());
        w.str(a.condition());
        w.varint(a.updateCount());
        w.str(a.phase().name());
        w.str(a.kind().name());
        w.str(a.priority().name());
        w.str(a.devicePriority().name());
        w.str(a.alarmState().name());
        w.str(a.inactivationState().name());
        w.str(a.origin().name());
        MetricCode source = a.source();
        if (source == null) {
            w.u8(0);
        } else {
            w.u8(1);
            w.metric(source);
        }
        w.value(a.value());
        UcumUnit unit = a.unit();
        if (unit == null) {
            w.u8(0);
        } else {
            w.u8(1);
            w.unit(unit);
        }
        w.value(a.lowLimit());
        w.value(a.highLimit());
        w.str(a.text());
        w.str(a.detail());
        w.varint(a.escalationLevel());
        w.instant(a.onset());
        w.optionalInstant(a.conditionEnd());
    }

    /**
     * Reads one record from {@code in} (between its position and limit).
     *
     * @throws MalformedRecordException if the bytes are not a complete record of a known version
     */
    public static Record decode(ByteBuffer in) throws MalformedRecordException {
        if (in.remaining() < 5) {
            throw new MalformedRecordException("record is truncated");
        }
        int version = in.get(in.position()) & 0xFF;
        if (version != VERSION_1) {
            throw new MalformedRecordException("record format version " + version + " is not known to this"
                    + " gateway (it reads version " + VERSION_1 + "): was it written by a newer release?");
        }
        ByteBuffer body = in.duplicate();
        body.limit(body.limit() - 4);
        CRC32C crc = new CRC32C();
        crc.update(body.duplicate());
        int stored = in.getInt(in.limit() - 4);
        if ((int) crc.getValue() != stored) {
            throw new MalformedRecordException("record checksum does not match: torn by a power cut, or damaged");
        }
        in = body;
        try {
            Reader r = new Reader(in);
            r.u8(); // the version, checked above
            DeviceId device;
            try {
                device = DeviceId.of(r.str());
            } catch (IllegalArgumentException e) {
                throw new MalformedRecordException("bad device name: " + e.getMessage());
            }
            Instant recordReceivedAt = r.instant();
            Instant recordDeviceTime = r.optionalInstant();
            int clockFlag = r.u8();
            ClockStamp clock = null;
            if (clockFlag == 1) {
                clock = new ClockStamp(r.str(), r.zigzag());
            } else if (clockFlag != 0) {
                throw new MalformedRecordException("bad clock flag " + clockFlag);
            }
            int count = r.varint();
            if (count <= 0 || count > in.remaining()) {
                throw new MalformedRecordException("bad reading count " + count);
            }
            List<Reading> readings = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                readings.add(readReading(r, device, recordReceivedAt, recordDeviceTime));
            }
            if (in.hasRemaining()) {
                throw new MalformedRecordException(in.remaining() + " bytes after the last reading");
            }
            return new Record(device, readings, clock);
        } catch (BufferUnderflowException e) {
            throw new MalformedRecordException("record is truncated");
        } catch (RuntimeException e) { // a corrupted field (a date out of range, an unknown enum name...)
            throw new MalformedRecordException("bad field: " + e.getMessage());
        }
    }

    private static Reading readReading(
            Reader r, DeviceId device, Instant recordReceivedAt, @Nullable Instant recordDeviceTime)
            throws MalformedRecordException {
        int kind = r.u8();
        int times = r.u8();
        Instant receivedAt;
        Instant deviceTime;
        if (times == 0) {
            receivedAt = recordReceivedAt;
            deviceTime = recordDeviceTime;
        } else if (times == 1) {
            receivedAt = r.instant();
            deviceTime = r.optionalInstant();
        } else {
            throw new MalformedRecordException("bad time mode " + times);
        }
        switch (kind) {
            case NUMERIC -> {
                CodeBook.Entry mu = r.metricAndUnit();
                BigDecimal value = r.value();
                Quality quality = r.quality();
                return new NumericReading(device, mu.metric(), value, mu.unit(), quality, deviceTime, receivedAt);
            }
            case COMPOUND -> {
                MetricCode metric = r.metric();
                int n = r.varint();
                if (n <= 0 || n > r.in.remaining()) {
                    throw new MalformedRecordException("bad component count " + n);
                }
                List<CompoundReading.Component> parts = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    CodeBook.Entry mu = r.metricAndUnit();
                    BigDecimal value = r.value();
                    parts.add(new CompoundReading.Component(mu.metric(), value, mu.unit(), r.quality()));
                }
                return new CompoundReading(device, metric, parts, deviceTime, receivedAt);
            }
            case WAVEFORM -> {
                MetricCode metric = r.metric();
                UcumUnit unit = r.unit();
                Duration period = Duration.ofNanos(r.varlong());
                int n = r.varint();
                if (n < 0 || n > r.in.remaining() / 8) {
                    throw new MalformedRecordException("bad sample count " + n);
                }
                double[] samples = new double[n];
                for (int i = 0; i < n; i++) {
                    samples[i] = r.in.getDouble();
                }
                return new WaveformSegment(device, metric, unit, period, samples, r.quality(), deviceTime, receivedAt);
            }
            case ALARM -> {
                String code = r.str();
                MetricCode source = r.u8() == 1 ? r.metric() : null;
                AlarmEvent.Kind alarmKind = AlarmEvent.Kind.valueOf(r.str());
                AlarmEvent.Priority priority = AlarmEvent.Priority.valueOf(r.str());
                AlarmEvent.State state = AlarmEvent.State.valueOf(r.str());
                return new AlarmEvent(
                        device, code, source, alarmKind, priority, state, r.str(), deviceTime, receivedAt);
            }
            case STATUS -> {
                DeviceStatus.Code code = DeviceStatus.Code.valueOf(r.str());
                return new DeviceStatus(device, code, r.str(), deviceTime, receivedAt);
            }
            case ALERT -> {
                return readAlert(r, device, deviceTime, receivedAt);
            }
            case INFUSION -> {
                String channel = r.str();
                InfusionStatus.State state = InfusionStatus.State.valueOf(r.str());
                String drug = flag(r) ? r.str() : null;
                String serial = flag(r) ? r.str() : null;
                int n = r.varint();
                if (n < 0 || n > r.in.remaining()) {
                    throw new MalformedRecordException("bad value count " + n);
                }
                List<CompoundReading.Component> values = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    CodeBook.Entry mu = r.metricAndUnit();
                    BigDecimal value = r.value();
                    values.add(new CompoundReading.Component(mu.metric(), value, mu.unit(), r.quality()));
                }
                return new InfusionStatus(device, channel, state, drug, serial, values, deviceTime, receivedAt);
            }
            case IDENTITY -> {
                String serial = flag(r) ? r.str() : null;
                String systemId = flag(r) ? r.str() : null;
                String manufacturer = flag(r) ? r.str() : null;
                String model = flag(r) ? r.str() : null;
                return new DeviceIdentity(device, serial, systemId, manufacturer, model, deviceTime, receivedAt);
            }
            case INFUSION_EVENT -> {
                String channel = flag(r) ? r.str() : null;
                int code = r.varint();
                String refId = r.str();
                InfusionEvent.Kind eventKind = InfusionEvent.Kind.valueOf(r.str());
                return new InfusionEvent(device, channel, code, refId, eventKind, r.str(), deviceTime, receivedAt);
            }
            case DEMOGRAPHICS -> {
                PatientDemographics.State state = PatientDemographics.State.valueOf(r.str());
                String fingerprint = flag(r) ? r.str() : null;
                return new PatientDemographics(device, state, fingerprint, deviceTime, receivedAt);
            }
            default ->
                throw new MalformedRecordException("unknown reading kind " + kind
                        + ": was it written by a newer release? (kinds are append-only; this release reads 1 to "
                        + INFUSION_EVENT + ")");
        }
    }

    private static AlertReport readAlert(Reader r, DeviceId device, @Nullable Instant deviceTime, Instant receivedAt)
            throws MalformedRecordException {
        String alertId = r.str();
        String condition = r.str();
        int updateCount = r.varint();
        AlertReport.Phase phase = AlertReport.Phase.valueOf(r.str());
        AlarmEvent.Kind kind = AlarmEvent.Kind.valueOf(r.str());
        AlertReport.Priority priority = AlertReport.Priority.valueOf(r.str());
        AlarmEvent.Priority devicePriority = AlarmEvent.Priority.valueOf(r.str());
        AlertReport.AlarmState alarmState = AlertReport.AlarmState.valueOf(r.str());
        AlertReport.InactivationState inactivation = AlertReport.InactivationState.valueOf(r.str());
        AlertReport.Origin origin = AlertReport.Origin.valueOf(r.str());
        MetricCode source = flag(r) ? r.metric() : null;
        BigDecimal value = r.value();
        UcumUnit unit = flag(r) ? r.unit() : null;
        BigDecimal low = r.value();
        BigDecimal high = r.value();
        String text = r.str();
        String detail = r.str();
        int escalationLevel = r.varint();
        Instant onset = r.instant();
        Instant conditionEnd = r.optionalInstant();
        return new AlertReport(
                device,
                alertId,
                condition,
                updateCount,
                phase,
                kind,
                priority,
                devicePriority,
                alarmState,
                inactivation,
                origin,
                source,
                value,
                unit,
                low,
                high,
                text,
                detail,
                escalationLevel,
                onset,
                conditionEnd,
                deviceTime,
                receivedAt);
    }

    private static boolean flag(Reader r) throws MalformedRecordException {
        int f = r.u8();
        if (f > 1) {
            throw new MalformedRecordException("bad presence flag " + f);
        }
        return f == 1;
    }

    private static final class Writer {
        byte[] buf;
        int pos;

        Writer(byte[] buf) {
            this.buf = buf;
        }

        void ensure(int bytes) {
            if (buf.length - pos < bytes) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, pos + bytes + 64));
            }
        }

        void put(byte b) {
            buf[pos++] = b;
        }

        void u8(int v) {
            ensure(1);
            buf[pos++] = (byte) v;
        }

        void varlong(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        void varint(int v) {
            varlong(v & 0xFFFFFFFFL);
        }

        void zigzag(long v) {
            varlong((v << 1) ^ (v >> 63));
        }

        void instant(Instant t) {
            zigzag(t.getEpochSecond());
            varint(t.getNano());
        }

        void optionalInstant(@Nullable Instant t) {
            if (t == null) {
                u8(0);
            } else {
                u8(1);
                instant(t);
            }
        }

        void str(String s) {
            int n = s.length();
            boolean ascii = true;
            for (int i = 0; i < n; i++) {
                if (s.charAt(i) >= 0x80) {
                    ascii = false;
                    break;
                }
            }
            if (ascii) {
                varint(n);
                ensure(n);
                for (int i = 0; i < n; i++) {
                    buf[pos++] = (byte) s.charAt(i);
                }
            } else {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                varint(utf8.length);
                ensure(utf8.length);
                System.arraycopy(utf8, 0, buf, pos, utf8.length);
                pos += utf8.length;
            }
        }

        void nstr(@Nullable String s) {
            if (s == null) {
                u8(0);
            } else {
                u8(1);
                str(s);
            }
        }

        void metric(MetricCode m) {
            varint(m.mdc());
            str(m.refId());
            String loinc = m.loinc();
            if (loinc == null) {
                u8(0);
            } else {
                u8(1);
                str(loinc);
            }
            str(m.label());
        }

        void unit(UcumUnit u) {
            str(u.code());
            str(u.display());
        }

        void metricAndUnit(MetricCode m, UcumUnit u) {
            int code = CodeBook.indexOf(m, u);
            varint(code);
            if (code == 0) {
                metric(m);
                unit(u);
            }
        }

        void value(@Nullable BigDecimal v) {
            if (v == null) {
                u8(VALUE_NONE);
                return;
            }
            BigInteger unscaled = v.unscaledValue();
            if (unscaled.bitLength() < 64) {
                u8(VALUE_UNSCALED);
                zigzag(unscaled.longValue());
                zigzag(v.scale());
            } else {
                u8(VALUE_DECIMAL);
                str(v.toString());
            }
        }

        void quality(Quality q) {
            varint(q.bits());
            str(q.reason());
        }
    }

    private static final class Reader {
        final ByteBuffer in;

        Reader(ByteBuffer in) {
            this.in = in;
        }

        int u8() {
            return in.get() & 0xFF;
        }

        long varlong() throws MalformedRecordException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = in.get();
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw new MalformedRecordException("varint longer than 10 bytes");
        }

        int varint() throws MalformedRecordException {
            long v = varlong();
            if (v > 0xFFFFFFFFL || v < 0) {
                throw new MalformedRecordException("varint out of range");
            }
            return (int) v;
        }

        long zigzag() throws MalformedRecordException {
            long v = varlong();
            return (v >>> 1) ^ -(v & 1);
        }

        Instant instant() throws MalformedRecordException {
            long seconds = zigzag();
            int nanos = varint();
            if (nanos < 0 || nanos > 999_999_999) {
                throw new MalformedRecordException("bad nanoseconds " + nanos);
            }
            return Instant.ofEpochSecond(seconds, nanos);
        }

        @Nullable
        Instant optionalInstant() throws MalformedRecordException {
            int present = u8();
            if (present == 0) {
                return null;
            }
            if (present != 1) {
                throw new MalformedRecordException("bad time flag " + present);
            }
            return instant();
        }

        String str() throws MalformedRecordException {
            int n = varint();
            if (n < 0 || n > in.remaining()) {
                throw new MalformedRecordException("string length " + n + " beyond the record");
            }
            byte[] bytes = new byte[n];
            in.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        MetricCode metric() throws MalformedRecordException {
            int mdc = varint();
            String refId = str();
            String loinc = u8() == 1 ? str() : null;
            return new MetricCode(mdc, refId, loinc, str());
        }

        UcumUnit unit() throws MalformedRecordException {
            return new UcumUnit(str(), str());
        }

        CodeBook.Entry metricAndUnit() throws MalformedRecordException {
            int code = varint();
            if (code == 0) {
                return new CodeBook.Entry(metric(), unit());
            }
            CodeBook.Entry entry = CodeBook.entry(code);
            if (entry == null) {
                throw new MalformedRecordException(
                        "unknown code book entry " + code + ": was it written by a newer release?");
            }
            return entry;
        }

        @Nullable
        BigDecimal value() throws MalformedRecordException {
            int tag = u8();
            return switch (tag) {
                case VALUE_NONE -> null;
                case VALUE_UNSCALED -> {
                    long unscaled = zigzag();
                    long scale = zigzag();
                    if (scale < Integer.MIN_VALUE || scale > Integer.MAX_VALUE) {
                        throw new MalformedRecordException("bad scale " + scale);
                    }
                    yield BigDecimal.valueOf(unscaled, (int) scale);
                }
                case VALUE_DECIMAL -> {
                    BigDecimal d = new BigDecimal(str());
                    BigInteger u = d.unscaledValue();
                    if (u.compareTo(LONG_MIN) >= 0 && u.compareTo(LONG_MAX) <= 0) {
                        throw new MalformedRecordException("decimal value stored in long form expected");
                    }
                    yield d;
                }
                default -> throw new MalformedRecordException("bad value tag " + tag);
            };
        }

        Quality quality() throws MalformedRecordException {
            int bits = varint();
            String reason = str();
            Quality q = Quality.fromBits(bits, reason);
            if (q.bits() != bits) {
                throw new MalformedRecordException("unknown quality bits " + Integer.toHexString(bits & ~q.bits()));
            }
            return q;
        }
    }
}
