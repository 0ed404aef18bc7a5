package org.bedside.drivers.transport;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.bedside.drivers.spi.SerialSettings;

/**
 * A serial port through jSerialComm. The configured path may be a stable symlink such as
 * {@code /dev/serial/by-id/usb-FTDI_...} or {@code /dev/medgw/bed12}: it is resolved again at every open, so a USB
 * adapter that comes back under another {@code ttyUSBn} after a replug is found again.
 */
public final class SerialTransport implements Transport {
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private final Path path;
    private final SerialSettings settings;

    public SerialTransport(Path path, SerialSettings settings) {
        this.path = path;
        this.settings = settings;
    }

    public Path path() {
        return path;
    }

    public SerialSettings settings() {
        return settings;
    }

    @Override
    public String describe() {
        return "serial:" + path + " " + settings;
    }

    @Override
    public Link open() throws IOException {
        Path real;
        try {
            real = path.toRealPath();
        } catch (NoSuchFileException e) {
            throw new IOException("serial port " + path + " does not exist: is the cable or USB adapter plugged in?");
        }
        if (!Files.isReadable(real) || !Files.isWritable(real)) {
            throw new AccessDeniedException(
                    real.toString(),
                    null,
                    "no permission to open serial port " + path + ": add the gateway's user to the 'dialout' group");
        }
        SerialPort port = SerialPort.getCommPort(real.toString());
        port.setComPortParameters(
                settings.baudRate(), settings.dataBits(), stopBits(settings.stopBits()), parity(settings.parity()));
        port.setFlowControl(flowControl(settings.flowControl()));
        // Semi-blocking: a read returns as soon as any byte arrives, or after the poll interval with nothing. Set once:
        // changing timeouts on an open port reconfigures the line.
        port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, (int) POLL_INTERVAL.toMillis(), 0);
        if (!port.openPort()) {
            int code = port.getLastErrorCode();
            throw new IOException("cannot open serial port " + path + " (" + real + "): error " + code + " at "
                    + port.getLastErrorLocation() + (code == 16 ? ", the port is in use by another program" : ""));
        }
        return new SerialLink(port, path);
    }

    private static int stopBits(SerialSettings.StopBits s) {
        return s == SerialSettings.StopBits.ONE ? SerialPort.ONE_STOP_BIT : SerialPort.TWO_STOP_BITS;
    }

    private static int parity(SerialSettings.Parity p) {
        return switch (p) {
            case NONE -> SerialPort.NO_PARITY;
            case EVEN -> SerialPort.EVEN_PARITY;
            case ODD -> SerialPort.ODD_PARITY;
        };
    }

    private static int flowControl(SerialSettings.FlowControl f) {
        return switch (f) {
            case NONE -> SerialPort.FLOW_CONTROL_DISABLED;
            case RTS_CTS -> SerialPort.FLOW_CONTROL_RTS_ENABLED | SerialPort.FLOW_CONTROL_CTS_ENABLED;
            case XON_XOFF -> SerialPort.FLOW_CONTROL_XONXOFF_IN_ENABLED | SerialPort.FLOW_CONTROL_XONXOFF_OUT_ENABLED;
        };
    }

    private static final class SerialLink implements Link {
        private final SerialPort port;
        private final Path path;
        private final byte[] scratch = new byte[4096];
        private volatile boolean closed;

        SerialLink(SerialPort port, Path path) {
            this.port = port;
            this.path = path;
        }

        @Override
        public int read(ByteBuffer into, Duration timeout) throws IOException {
            if (closed) {
                throw new LinkLostException("serial port " + path + " was closed");
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            int want = Math.min(into.remaining(), scratch.length);
            while (true) {
                int n = port.readBytes(scratch, want);
                if (n < 0) {
                    throw new LinkLostException("serial port " + path + " is gone (error " + port.getLastErrorCode()
                            + "): cable or USB adapter unplugged?");
                }
                if (n > 0) {
                    into.put(scratch, 0, n);
                    return n;
                }
                if (!portStillThere()) {
                    throw new LinkLostException("serial port " + path + " is gone: cable or USB adapter unplugged?");
                }
                if (closed) {
                    throw new LinkLostException("serial port " + path + " was closed");
                }
                if (System.nanoTime() - deadline >= 0) {
                    return 0;
                }
            }
        }

        /** After a quiet read, checks that the port was not unplugged: jSerialComm reports that as -1 here. */
        private boolean portStillThere() {
            return port.bytesAvailable() >= 0 && Files.exists(path);
        }

        @Override
        public void write(ByteBuffer bytes) throws IOException {
            byte[] data = new byte[bytes.remaining()];
            bytes.get(data);
            int written = port.writeBytes(data, data.length);
            if (written != data.length) {
                throw new LinkLostException("write to serial port " + path + " failed after " + Math.max(0, written)
                        + " of " + data.length + " bytes");
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                port.closePort();
            }
        }
    }
}
