package org.bedside.drivers.transport;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * UDP to one device, such as a Philips IntelliVue's Data Export port (24105). Each read returns one datagram, so the
 * framer of a UDP protocol is the identity. There is no connection to lose: a device that stops answering is noticed by
 * its session's timeouts; an ICMP "port unreachable" ends the link at once.
 */
public final class UdpTransport implements Transport {
    private static final int MAX_DATAGRAM = 65_507;

    private final InetSocketAddress device;

    public UdpTransport(InetSocketAddress device) {
        this.device = device;
    }

    public InetSocketAddress device() {
        return device;
    }

    @Override
    public String describe() {
        return "udp://" + device.getHostString() + ":" + device.getPort();
    }

    @Override
    public Link open() throws IOException {
        if (device.isUnresolved()) {
            throw new IOException("cannot resolve the device address " + device.getHostString());
        }
        DatagramSocket socket = new DatagramSocket();
        socket.connect(device);
        return new UdpLink(socket);
    }

    private final class UdpLink implements Link {
        private final DatagramSocket socket;
        private final byte[] buffer = new byte[MAX_DATAGRAM];

        UdpLink(DatagramSocket socket) {
            this.socket = socket;
        }

        @Override
        public int read(ByteBuffer into, Duration timeout) throws IOException {
            if (socket.isClosed()) {
                throw new LinkLostException(describe() + " was closed");
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                return 0;
            } catch (PortUnreachableException e) {
                throw new LinkLostException("nothing listens at " + describe() + " (ICMP port unreachable)", e);
            } catch (IOException e) {
                if (socket.isClosed()) {
                    throw new LinkLostException(describe() + " was closed", e);
                }
                throw e;
            }
            int n = Math.min(packet.getLength(), into.remaining());
            into.put(buffer, 0, n);
            return n;
        }

        @Override
        public void write(ByteBuffer bytes) throws IOException {
            byte[] data = new byte[bytes.remaining()];
            bytes.get(data);
            try {
                socket.send(new DatagramPacket(data, data.length));
            } catch (PortUnreachableException e) {
                throw new LinkLostException("nothing listens at " + describe() + " (ICMP port unreachable)", e);
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
