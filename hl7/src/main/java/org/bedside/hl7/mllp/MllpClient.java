package org.bedside.hl7.mllp;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.util.Terser;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.FrameSink;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.Hl7Result;
import org.jspecify.annotations.Nullable;

/**
 * Sends HL7 v2 messages over MLLP, one at a time, each waiting for its acknowledgement: the sending side of PCD-01 out
 * and PCD-04. {@link #send(OutboundMessage)} never throws for the network or the receiver: it returns a {@link
 * SendResult} (accepted, retry later, refused; the mapping of acknowledgement codes is on {@link SendResult}).
 *
 * <p>The connection is opened on the first send and kept open; after any failure (no acknowledgement in time, an
 * acknowledgement for another control id, a broken connection) it is closed, and the next send opens a new one, so a
 * late acknowledgement of an earlier message is never taken for the current one. When a kept connection turns out to
 * have been closed by the receiver before any answer (receivers close idle connections), the message is sent once more
 * at once on a new connection.
 *
 * <p>To send a message again after a failure, send the same {@link OutboundMessage}: the same bytes, the same MSH-10.
 * Not thread-safe in the sense that sends are serialised: one message in flight per client.
 */
public final class MllpClient implements AutoCloseable {
    private static final int READ_BUFFER = 4096;

    private final MllpClientConfig config;
    private final Hl7Parser parser = new Hl7Parser();
    private @Nullable Socket socket;
    private long connections;

    public MllpClient(MllpClientConfig config) {
        this.config = config;
    }

    /** How many connections this client opened so far (a reconnect after a failure is one more). */
    public synchronized long connectionsOpened() {
        return connections;
    }

    public synchronized boolean isConnected() {
        return socket != null;
    }

    /** Sends one message and waits for its acknowledgement. */
    public synchronized SendResult send(OutboundMessage message) {
        boolean reused = socket != null;
        Attempt first = attempt(message);
        if (first.stale && reused) {
            return attempt(message).result;
        }
        return first.result;
    }

    private record Attempt(SendResult result, boolean stale) {}

    private Attempt attempt(OutboundMessage message) {
        String where = config.host() + ":" + config.port();
        Socket s;
        try {
            s = connect();
        } catch (IOException e) {
            return new Attempt(retry(message, "cannot connect to " + where + ": " + describe(e)), false);
        }
        try {
            OutputStream out = s.getOutputStream();
            out.write(MllpFrameDecoder.wrap(message.bytes()));
            out.flush();
        } catch (IOException e) {
            disconnect();
            return new Attempt(retry(message, "sending to " + where + " failed: " + describe(e)), true);
        }
        AckReader reader = new AckReader();
        try {
            byte[] ack = reader.read(s);
            return new Attempt(interpret(message, ack, where), false);
        } catch (SocketTimeoutException e) {
            disconnect();
            return new Attempt(
                    retry(message, "no acknowledgement from " + where + " within " + config.ackTimeout()), false);
        } catch (IOException e) {
            disconnect();
            boolean stale = reader.bytesRead == 0 && (e instanceof EOFException || e instanceof SocketException);
            return new Attempt(
                    retry(message, "the connection to " + where + " failed before an acknowledgement: " + describe(e)),
                    stale);
        }
    }

    private SendResult interpret(OutboundMessage message, byte[] ackBytes, String where) {
        Hl7Result<Hl7Parser.Parsed> parsed = parser.parse(ByteBuffer.wrap(ackBytes));
        if (parsed instanceof Hl7Result.Failed<Hl7Parser.Parsed> f) {
            disconnect();
            return retry(message, "the answer from " + where + " is not an acknowledgement: " + f.failure());
        }
        Terser t = new Terser(parsed.value().message());
        String msa1 = get(t, "/.MSA-1");
        String msa2 = get(t, "/.MSA-2");
        Optional<AckCode> code = AckCode.parse(msa1);
        if (code.isEmpty()) {
            disconnect();
            return retry(
                    message, "the answer from " + where + " has no acknowledgement code in MSA-1 ('" + msa1 + "')");
        }
        if (!msa2.equals(message.controlId())) {
            disconnect();
            return retry(
                    message,
                    "the acknowledgement from " + where + " is for control id '" + msa2 + "', not '"
                            + message.controlId() + "'");
        }
        String why = errorText(t);
        return switch (code.get()) {
            case AA, CA -> new SendResult.Accepted(message.controlId(), code.get());
            case AR, CE ->
                new SendResult.RetryLater(message.controlId(), where + " answered " + code.get() + why, code.get());
            case AE, CR ->
                new SendResult.Refused(message.controlId(), where + " answered " + code.get() + why, code.get());
        };
    }

    private static String errorText(Terser t) {
        String user = get(t, "/.ERR-8");
        String code = get(t, "/.ERR-3-1");
        String text = get(t, "/.ERR-3-2");
        String original = get(t, "/.ERR-3-9");
        String msa3 = get(t, "/.MSA-3");
        StringBuilder b = new StringBuilder();
        if (!code.isEmpty() || !text.isEmpty()) {
            b.append(" (").append(code).append(text.isEmpty() ? "" : " " + text).append(')');
        }
        String detail = !user.isEmpty() ? user : !original.isEmpty() ? original : msa3;
        if (!detail.isEmpty()) {
            b.append(": ").append(detail.length() > 300 ? detail.substring(0, 300) + "..." : detail);
        }
        return b.toString();
    }

    private static String get(Terser t, String path) {
        try {
            String v = t.get(path);
            return v == null ? "" : v.strip();
        } catch (HL7Exception | RuntimeException e) {
            return "";
        }
    }

    /** Reads one MLLP frame, bounded, within the acknowledgement timeout. */
    private final class AckReader implements FrameSink {
        private final MllpFrameDecoder framer = new MllpFrameDecoder(config.maxAckLength());
        private byte @Nullable [] frame;
        private @Nullable String failure;
        private long bytesRead;

        byte[] read(Socket s) throws IOException {
            long deadline = System.nanoTime() + config.ackTimeout().toNanos();
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[READ_BUFFER];
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("acknowledgement timeout");
                }
                s.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
                int n = in.read(buffer);
                if (n < 0) {
                    throw new EOFException("the receiver closed the connection");
                }
                bytesRead += n;
                framer.feed(ByteBuffer.wrap(buffer, 0, n), this);
                if (frame != null) {
                    return frame;
                }
                if (failure != null) {
                    throw new IOException("the answer is not an MLLP message: " + failure);
                }
            }
        }

        @Override
        public void frame(ByteBuffer f) {
            if (frame == null) {
                byte[] copy = new byte[f.remaining()];
                f.get(copy);
                frame = copy;
            }
        }

        @Override
        public void failure(DecodeFailure f) {
            if (f.reason() == DecodeFailure.Reason.FRAME_TOO_LONG) {
                failure = f.detail();
            }
            // Garbage before the acknowledgement's start block is skipped; the acknowledgement may still follow.
        }
    }

    private Socket connect() throws IOException {
        Socket s = socket;
        if (s != null) {
            return s;
        }
        Socket fresh = config.socketFactory() != null ? config.socketFactory().createSocket() : new Socket();
        try {
            fresh.setTcpNoDelay(true);
            fresh.connect(new InetSocketAddress(config.host(), config.port()), (int)
                    config.connectTimeout().toMillis());
            if (fresh instanceof javax.net.ssl.SSLSocket tls) {
                tls.setSoTimeout((int) config.connectTimeout().toMillis());
                tls.startHandshake();
            }
        } catch (IOException e) {
            fresh.close();
            throw e;
        }
        connections++;
        socket = fresh;
        return fresh;
    }

    private void disconnect() {
        Socket s = socket;
        socket = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing is best effort
            }
        }
    }

    private static SendResult retry(OutboundMessage message, String reason) {
        return new SendResult.RetryLater(message.controlId(), reason, null);
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    @Override
    public synchronized void close() {
        disconnect();
    }
}
