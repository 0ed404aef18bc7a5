package org.bedside.hl7.mllp;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.FrameSink;
import org.jspecify.annotations.Nullable;

/** A socket that sends whatever bytes a test wants, to produce what a correct HL7 sender never would. */
final class RawMllpPeer implements AutoCloseable {
    private final Socket socket;
    private final MllpFrameDecoder framer = new MllpFrameDecoder();
    private final List<String> answers = new ArrayList<>();

    RawMllpPeer(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, 5000);
        socket.setSoTimeout(10_000);
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    void sendMessage(String message) throws IOException {
        send(MllpFrameDecoder.wrap(message.getBytes(StandardCharsets.UTF_8)));
    }

    /** The next MLLP message the listener sends (an acknowledgement), or null when it closes the connection. */
    @Nullable
    String readAnswer() throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        FrameSink sink = new FrameSink() {
            @Override
            public void frame(ByteBuffer frame) {
                answers.add(StandardCharsets.UTF_8.decode(frame).toString());
            }

            @Override
            public void failure(DecodeFailure failure) {
                answers.add("FAILURE " + failure);
            }
        };
        while (answers.isEmpty()) {
            int n;
            try {
                n = in.read(buffer);
            } catch (java.net.SocketException e) {
                return null; // reset by the listener
            }
            if (n < 0) {
                return null;
            }
            framer.feed(ByteBuffer.wrap(buffer, 0, n), sink);
        }
        return answers.remove(0);
    }

    /** True when the listener closed the connection (reads end) before sending anything. */
    boolean closedByPeer() throws IOException {
        return readAnswer() == null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
