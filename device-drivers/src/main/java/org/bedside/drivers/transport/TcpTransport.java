package org.bedside.drivers.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A TCP connection to one device, such as a B. Braun SpaceCom's BCC port (4001): a byte stream like a serial line, so
 * the driver's framer is the same as on serial. The host name is resolved again at every open (a device that got a
 * new address from DHCP is found again); the device pipeline reopens a lost connection with its back-off, as for a
 * serial port. A connection the device closes, or resets, ends the link; TCP keep-alive is on, but a silent peer is
 * noticed sooner by the driver's session time-outs.
 */
public final class TcpTransport implements Transport {
    /** How long a connection attempt may take before the open fails (and the pipeline backs off). */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final String host;
    private final int port;

    public TcpTransport(String host, int port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("not a TCP port: " + port);
        }
        this.host = host;
        this.port = port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    @Override
    public String describe() {
        return "tcp://" + host + ":" + port;
    }

    @Override
    public Link open() throws IOException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new UnknownHostException("cannot resolve the device address " + host + " of " + describe());
        }
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.connect(address, (int) CONNECT_TIMEOUT.toMillis());
        } catch (ConnectException | NoRouteToHostException e) {
            socket.close();
            throw new IOException("cannot connect to " + describe() + " (" + e.getMessage()
                    + "): is the device on, and its port enabled?");
        } catch (SocketTimeoutException e) {
            socket.close();
            throw new IOException("no answer from " + describe() + " within " + CONNECT_TIMEOUT.toSeconds() + " s");
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return new TcpLink(socket);
    }

    private final class TcpLink implements Link {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] scratch = new byte[8192];

        TcpLink(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        @Override
        public int read(ByteBuffer into, Duration timeout) throws IOException {
            if (socket.isClosed()) {
                throw new LinkLostException(describe() + " was closed");
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            int n;
            try {
                n = in.read(scratch, 0, Math.min(scratch.length, into.remaining()));
            } catch (SocketTimeoutException e) {
                return 0;
            } catch (IOException e) {
                throw new LinkLostException("connection to " + describe() + " lost: " + e.getMessage(), e);
            }
            if (n < 0) {
                throw new LinkLostException("the device closed the connection " + describe());
            }
            into.put(scratch, 0, n);
            return n;
        }

        @Override
        public void write(ByteBuffer bytes) throws IOException {
            byte[] data = new byte[bytes.remaining()];
            bytes.get(data);
            try {
                out.write(data);
                out.flush();
            } catch (IOException e) {
                throw new LinkLostException("write to " + describe() + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing: nothing more to do
            }
        }
    }
}
