package org.bedside.drivers.ivue;

import java.nio.ByteBuffer;
import org.bedside.drivers.framing.Crc16X25;
import org.bedside.drivers.framing.EscapedFrameDecoder;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.FrameSink;

/**
 * The serial (MIB/RS-232) framing of Data Export (§1.2): BOF 0xC0, a 4-byte header (protocol id 0x11, message type
 * 0x01, user-data length), the user data, the CRC-16/X-25 FCS low byte first, EOF 0xC1, with transparency on
 * everything between BOF and EOF, the FCS included. Frames are found by an {@link EscapedFrameDecoder}; here each is
 * checked (FCS over header and user data, header fields, length) and its user data passed on: the same bytes a UDP
 * datagram carries on the LAN.
 */
final class IvueSerialFrameDecoder implements FrameDecoder {
    private final EscapedFrameDecoder frames;
    private final FrameSink checker;
    private FrameSink out = NO_SINK;

    /**
     * @param maxUserData the largest user data accepted (the association asks the monitor for at most 1000 bytes per
     *     message)
     */
    IvueSerialFrameDecoder(int maxUserData) {
        this.frames = new EscapedFrameDecoder(
                IvueWire.BOF,
                IvueWire.EOF,
                IvueWire.ESC,
                IvueWire.ESC_XOR,
                maxUserData + IvueWire.SERIAL_HEADER_LENGTH + IvueWire.FCS_LENGTH);
        this.checker = new FrameSink() {
            @Override
            public void frame(ByteBuffer frame) {
                check(frame);
            }

            @Override
            public void failure(DecodeFailure failure) {
                out.failure(failure);
            }
        };
    }

    @Override
    public void feed(ByteBuffer chunk, FrameSink sink) {
        out = sink;
        try {
            frames.feed(chunk, checker);
        } finally {
            out = NO_SINK;
        }
    }

    private void check(ByteBuffer frame) {
        byte[] a = frame.array();
        int offset = frame.arrayOffset() + frame.position();
        int n = frame.remaining();
        if (n < IvueWire.SERIAL_HEADER_LENGTH + IvueWire.FCS_LENGTH) {
            out.failure(DecodeFailure.of(
                    DecodeFailure.Reason.TRUNCATED, "frame of " + n + " bytes is shorter than header and FCS", frame));
            return;
        }
        if (!Crc16X25.isGood(a, offset, n)) {
            int sent = (a[offset + n - 2] & 0xFF) | (a[offset + n - 1] & 0xFF) << 8;
            int computed = Crc16X25.fcs(a, offset, n - 2);
            out.failure(DecodeFailure.of(
                    DecodeFailure.Reason.BAD_CHECKSUM,
                    String.format("FCS 0x%04X sent, 0x%04X computed", sent, computed),
                    frame));
            return;
        }
        int protocol = a[offset] & 0xFF;
        int type = a[offset + 1] & 0xFF;
        int length = ((a[offset + 2] & 0xFF) << 8) | (a[offset + 3] & 0xFF);
        if (protocol != IvueWire.PROTOCOL_ID_DATA_EXPORT || type != IvueWire.MSG_TYPE_AS_DATA_EXPORT) {
            out.failure(DecodeFailure.of(
                    DecodeFailure.Reason.UNSUPPORTED_VERSION,
                    String.format("header protocol 0x%02X type 0x%02X is not Data Export (0x11 0x01)", protocol, type),
                    frame));
            return;
        }
        int userData = n - IvueWire.SERIAL_HEADER_LENGTH - IvueWire.FCS_LENGTH;
        if (length != userData) {
            out.failure(DecodeFailure.of(
                    DecodeFailure.Reason.MALFORMED,
                    "header announces " + length + " bytes of user data, the frame has " + userData,
                    frame));
            return;
        }
        out.frame(ByteBuffer.wrap(a, offset + IvueWire.SERIAL_HEADER_LENGTH, userData));
    }

    @Override
    public void reset() {
        frames.reset();
    }

    /** Frames user data for the serial line: header, FCS, transparency, BOF and EOF. */
    static byte[] frame(byte[] userData) {
        byte[] plain = new byte[IvueWire.SERIAL_HEADER_LENGTH + userData.length + IvueWire.FCS_LENGTH];
        plain[0] = IvueWire.PROTOCOL_ID_DATA_EXPORT;
        plain[1] = IvueWire.MSG_TYPE_AS_DATA_EXPORT;
        plain[2] = (byte) (userData.length >> 8);
        plain[3] = (byte) userData.length;
        System.arraycopy(userData, 0, plain, IvueWire.SERIAL_HEADER_LENGTH, userData.length);
        int fcs = Crc16X25.fcs(plain, 0, plain.length - 2);
        plain[plain.length - 2] = (byte) fcs;
        plain[plain.length - 1] = (byte) (fcs >> 8);
        int escapes = 0;
        for (byte b : plain) {
            if (b == IvueWire.BOF || b == IvueWire.EOF || b == IvueWire.ESC) {
                escapes++;
            }
        }
        byte[] wire = new byte[plain.length + escapes + 2];
        int i = 0;
        wire[i++] = IvueWire.BOF;
        for (byte b : plain) {
            if (b == IvueWire.BOF || b == IvueWire.EOF || b == IvueWire.ESC) {
                wire[i++] = IvueWire.ESC;
                wire[i++] = (byte) (b ^ IvueWire.ESC_XOR);
            } else {
                wire[i++] = b;
            }
        }
        wire[i] = IvueWire.EOF;
        return wire;
    }

    private static final FrameSink NO_SINK = new FrameSink() {
        @Override
        public void frame(ByteBuffer frame) {
            throw new IllegalStateException("no sink outside feed");
        }

        @Override
        public void failure(DecodeFailure failure) {
            throw new IllegalStateException("no sink outside feed");
        }
    };
}
