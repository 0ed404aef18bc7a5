package org.bedside.sim.alertmanager;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.bedside.hl7.mllp.Decision;
import org.bedside.hl7.mllp.InboundMessage;
import org.bedside.hl7.mllp.MllpListener;
import org.bedside.hl7.mllp.MllpListenerConfig;

/**
 * A stand-in for a hospital's Alert Manager, for the demo and the end-to-end tests: an MLLP receiver (the hl7 module's
 * listener, on HAPI HL7v2) on the loopback address that acknowledges every message — a commit accept (CA) to a PCD-04,
 * which asks for one — after appending it to a log file: the raw message, its segments separated by CR as on the wire,
 * and a blank line ({@code \n\n}) after each message.
 *
 * <pre>
 * java -cp 'hardware-sim/target/lib/*' org.bedside.sim.alertmanager.AlertManagerStandIn --port 0 --log am.log
 * alert-manager: 127.0.0.1:40123 am.log
 * </pre>
 *
 * <p>With {@code --name hl7-out --application ENGINE} it stands in for the interface engine of PCD-01 out (the
 * demo's {@code hl7-out:} line).
 */
public final class AlertManagerStandIn implements AutoCloseable {
    private final MllpListener listener;
    private final FileChannel log;
    private final Path logFile;
    private final AtomicLong messages = new AtomicLong();

    private AlertManagerStandIn(int port, Path logFile, String name, String application) throws IOException {
        this.logFile = logFile;
        Path parent = logFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.log = FileChannel.open(
                logFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        this.listener = new MllpListener(
                MllpListenerConfig.builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                        .name(name)
                        .applicationName(application)
                        .build(),
                this::take);
    }

    /** Starts a stand-in on {@code port} of the loopback address (0: a free one), appending to {@code logFile}. */
    public static AlertManagerStandIn start(int port, Path logFile) throws IOException {
        return start(port, logFile, "alert-manager", "ALERT_MANAGER");
    }

    /**
     * The same receiver standing in for another MLLP peer: {@code hl7-out}, {@code ENGINE} is the interface engine that
     * PCD-01 out sends to in the demo (it acknowledges every {@code ORU^R01} with CA, as it asks).
     */
    public static AlertManagerStandIn start(int port, Path logFile, String name, String application)
            throws IOException {
        AlertManagerStandIn am = new AlertManagerStandIn(port, logFile, name, application);
        am.listener.start();
        return am;
    }

    /** Written before the acknowledgement leaves: an acknowledged message is in the log. */
    private synchronized Decision take(InboundMessage m) throws IOException {
        String text = m.text().endsWith("\r") ? m.text() : m.text() + "\r";
        ByteBuffer bytes = ByteBuffer.wrap((text + "\n\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            log.write(bytes);
        }
        log.force(false);
        messages.incrementAndGet();
        return Decision.accept();
    }

    public int port() {
        return listener.localAddress().getPort();
    }

    public Path logFile() {
        return logFile;
    }

    /** Messages logged and acknowledged. */
    public long messages() {
        return messages.get();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        log.close();
    }

    public static void main(String[] args) throws Exception {
        int port = 0;
        Path logFile = null;
        String name = "alert-manager";
        String application = "ALERT_MANAGER";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value(args, ++i));
                case "--name" -> name = value(args, ++i);
                case "--application" -> application = value(args, ++i);
                case "--log" -> logFile = Path.of(value(args, ++i));
                default -> usage("unknown argument '" + args[i] + "'");
            }
        }
        if (logFile == null) {
            usage("--log FILE is required");
            return;
        }
        AlertManagerStandIn am = start(port, logFile, name, application);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                am.close();
            } catch (IOException e) {
                // stopping anyway
            }
            stopped.countDown();
        }));
        System.out.println(name + ": 127.0.0.1:" + am.port() + " " + logFile.toAbsolutePath());
        System.out.flush();
        stopped.await();
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println(
                "AlertManagerStandIn: " + problem
                        + "\nusage: AlertManagerStandIn [--port N] [--name alert-manager] [--application ALERT_MANAGER] --log FILE");
        System.exit(64);
    }
}
