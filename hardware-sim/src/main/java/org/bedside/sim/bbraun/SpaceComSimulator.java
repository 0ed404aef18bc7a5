package org.bedside.sim.bbraun;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import org.bedside.sim.pty.VirtualSerialPort;
import org.bedside.sim.scenario.Scenarios;
import org.bedside.sim.serial.SerialDeviceSimulator;
import org.bedside.sim.serial.SerialSimulatorBuilder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A B. Braun SpaceCom rack on a virtual serial port and on a TCP port of 127.0.0.1 at once, one rack of pumps behind
 * both ({@link SpaceComRack}). The serial side goes through the simulator base, with its faults (garbage, a bad
 * checksum, silence, a pulled cable); the TCP side takes one client at a time, as the SpaceCom's BCC port does.
 */
public final class SpaceComSimulator extends SerialDeviceSimulator<String> {
    private static final Logger LOG = LoggerFactory.getLogger(SpaceComSimulator.class);

    /** Where the gateway is told to connect. */
    public enum Transport {
        SERIAL,
        TCP
    }

    private final SpaceComRack rack;
    private final Transport transport;
    private final int speed;
    private final ServerSocketChannel server;
    private final ByteBuffer tcpIn = ByteBuffer.allocate(4096);
    private @Nullable SocketChannel client;
    private SpaceComRack.@Nullable Conversation tcp;
    private SpaceComRack.@Nullable Conversation serial;
    private long startNanos;
    private long frames;
    private volatile List<String> pumps = List.of();

    private SpaceComSimulator(Builder b, VirtualSerialPort port) throws IOException {
        super(b.settings(Duration.ofMillis(5)), port);
        this.rack = new SpaceComRack(b.bedId, b.maxPart, b.secondsPerPoll);
        this.transport = b.transport;
        this.speed = b.speed;
        this.server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.tcpPort), 1);
            server.configureBlocking(false);
        } catch (IOException e) {
            server.close();
            port.close();
            throw e;
        }
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The TCP port the rack listens on (127.0.0.1). */
    public int tcpPort() {
        return server.socket().getLocalPort();
    }

    /** What the gateway's {@code port} setting is: the serial port's path, or {@code tcp://127.0.0.1:<port>}. */
    public String endpoint() {
        return transport == Transport.SERIAL ? portPath().toString() : "tcp://127.0.0.1:" + tcpPort();
    }

    /** Valid requests the rack answered, on either side. */
    public long requestsAnswered() {
        return rack.requests();
    }

    /** Requests that were not reading requests: a read-only gateway sends none. */
    public long requestsRefused() {
        return rack.refused();
    }

    /** Damaged requests answered with NAK. */
    public long naksSent() {
        return rack.naksSent();
    }

    @Override
    protected void onStart(Output<String> output, long nowNanos) {
        startNanos = nowNanos;
        rack.advanceTo(0);
        serial = rack.conversation(
                frame -> output.send(frames++, kind(frame), deviceTime(seconds(System.nanoTime())), "", frame));
    }

    private long seconds(long nowNanos) {
        return Math.max(0, (nowNanos - startNanos) * speed / 1_000_000_000L);
    }

    private static String kind(byte[] frame) {
        return frame.length == 1 ? (frame[0] == SpaceComRack.NAK ? "NAK" : "byte") : "answer";
    }

    @Override
    protected void onBytes(byte[] bytes, int length, Output<String> output, long nowNanos) {
        SpaceComRack.Conversation c = serial;
        if (c != null) {
            c.onBytes(bytes, length);
        }
    }

    @Override
    protected void onTick(Output<String> output, long nowNanos) {
        if (!rack.playsPerPoll()) {
            rack.advanceTo(seconds(nowNanos));
        }
        pumps = rack.pumps();
        serveTcp();
    }

    private void serveTcp() {
        try {
            SocketChannel c = client;
            if (c == null) {
                c = server.accept();
                if (c == null) {
                    return;
                }
                c.configureBlocking(false);
                client = c;
                SocketChannel writeTo = c;
                tcp = rack.conversation(frame -> write(writeTo, frame));
            }
            tcpIn.clear();
            int n = c.read(tcpIn);
            if (n < 0) {
                dropClient();
            } else if (n > 0) {
                SpaceComRack.Conversation conversation = tcp;
                if (conversation != null) {
                    conversation.onBytes(tcpIn.array(), n);
                }
            }
        } catch (IOException e) {
            LOG.info("simulator {}: TCP client gone: {}", name(), e.toString());
            dropClient();
        }
    }

    private void write(SocketChannel c, byte[] frame) {
        try {
            ByteBuffer b = ByteBuffer.wrap(frame);
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (b.hasRemaining() && System.nanoTime() < deadline) {
                c.write(b);
            }
        } catch (IOException e) {
            dropClient();
        }
    }

    private void dropClient() {
        SocketChannel c = client;
        client = null;
        tcp = null;
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // gone already
            }
        }
    }

    /** The pumps in their slots now: {@code 1-1 infusing 5.00 mL/h Noradrenalin...}. */
    public List<String> pumps() {
        return pumps;
    }

    @Override
    public void stop() {
        super.stop();
        dropClient();
        try {
            server.close();
        } catch (IOException e) {
            LOG.warn("simulator {}: cannot close its TCP port: {}", name(), e.toString());
        }
    }

    /** A checksum digit changed: the gateway's checksum check fails and it answers NAK. */
    @Override
    protected byte[] corruptChecksum(byte[] frame) {
        if (frame.length < 7) {
            return frame;
        }
        byte[] bad = frame.clone();
        int at = bad.length - 2;
        bad[at] = (byte) (bad[at] == '0' ? '1' : '0');
        return bad;
    }

    /** Settings of a simulator; each has a default except the name. */
    public static final class Builder extends SerialSimulatorBuilder<Builder> {
        private String bedId = "SpaceSystem";
        private int maxPart = 1024;
        private int tcpPort;
        private Transport transport = Transport.SERIAL;
        private int speed = 1;
        private int secondsPerPoll;

        private Builder(String name) {
            super(name, Scenarios.parse("steady", Scenarios.DEFAULT_SEED));
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** The rack's bed id, which it names in its answer to ADMIN:ALIVE ({@code SpaceSystem} by default). */
        public Builder bedId(String id) {
            this.bedId = id;
            return this;
        }

        /** Answers longer than this many bytes of records go in parts (1024 by default). */
        public Builder maxPart(int bytes) {
            this.maxPart = bytes;
            return this;
        }

        /** The TCP port on 127.0.0.1; 0 (the default) takes a free one. */
        public Builder tcpPort(int port) {
            this.tcpPort = port;
            return this;
        }

        /** Which endpoint {@link #endpoint()} names. */
        public Builder transport(Transport t) {
            this.transport = t;
            return this;
        }

        /** Simulated seconds per real second for the pump script (1 by default; tests play it faster). */
        public Builder speed(int factor) {
            if (factor < 1 || factor > 100) {
                throw new IllegalArgumentException("speed is 1 to 100: " + factor);
            }
            this.speed = factor;
            return this;
        }

        /**
         * Plays the script by the gateway's polls instead of the clock: each MEM:GET answered moves it {@code seconds}
         * on (the first answers second 0), so that a test sees every step of the script at the same poll however
         * slowly its gateway starts or its machine runs. 0 (the default): the script follows the clock and {@link
         * #speed}.
         */
        public Builder secondsPerPoll(int seconds) {
            if (seconds < 0 || seconds > 600) {
                throw new IllegalArgumentException("seconds per poll is 0 to 600: " + seconds);
            }
            this.secondsPerPoll = seconds;
            return this;
        }

        public SpaceComSimulator build() throws IOException {
            return new SpaceComSimulator(this, openPort("BBraun", "SpaceCom"));
        }
    }
}
