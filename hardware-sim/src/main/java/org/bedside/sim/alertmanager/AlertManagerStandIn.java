package org.bedside.sim.alertmanager;

import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.mllp.Decision;
import org.bedside.hl7.mllp.InboundMessage;
import org.bedside.hl7.mllp.MllpClient;
import org.bedside.hl7.mllp.MllpClientConfig;
import org.bedside.hl7.mllp.MllpListener;
import org.bedside.hl7.mllp.MllpListenerConfig;
import org.bedside.hl7.mllp.OutboundMessage;
import org.bedside.hl7.mllp.SendResult;
import org.bedside.hl7.pcd.Pcd05Encoder;
import org.bedside.hl7.pcd.Pcd05Report;
import org.jspecify.annotations.Nullable;

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
 *
 * <p>With {@code --pcd05-to HOST:PORT} it also reports back, as an Alert Manager that supports PCD-05 does: for each
 * alert's PCD-04 (not the watchdog), once it has acknowledged it, an IHE PCD-05 ({@code ORA^R41}) with the statuses
 * {@code Received} and then {@code Delivered} (to {@code demo-pager}), sent with the hl7 module's MLLP client to the
 * gateway's PCD-05 listener and appended to the same log. It never claims that a clinician read or accepted anything.
 */
public final class AlertManagerStandIn implements AutoCloseable {
    private final MllpListener listener;
    private final FileChannel log;
    private final Path logFile;
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong reports = new AtomicLong();
    private final @Nullable MllpClient pcd05;
    private final @Nullable ExecutorService reporter;
    private final Pcd05Encoder pcd05Encoder;
    private final Hl7Parser parser = new Hl7Parser();

    private AlertManagerStandIn(
            int port, Path logFile, String name, String application, @Nullable InetSocketAddress pcd05To)
            throws IOException {
        this.logFile = logFile;
        this.pcd05Encoder = new Pcd05Encoder(application, "HOSP");
        this.pcd05 = pcd05To == null
                ? null
                : new MllpClient(MllpClientConfig.of(pcd05To.getHostString(), pcd05To.getPort())
                        .withAckTimeout(Duration.ofSeconds(5))
                        .withConnectTimeout(Duration.ofSeconds(2)));
        this.reporter = pcd05To == null
                ? null
                : Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, name + "-pcd05");
                    t.setDaemon(true);
                    return t;
                });
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
        return start(port, logFile, name, application, null);
    }

    /** The Alert Manager stand-in that also sends PCD-05 reports to {@code pcd05To} (the gateway's listener). */
    public static AlertManagerStandIn start(
            int port, Path logFile, String name, String application, @Nullable InetSocketAddress pcd05To)
            throws IOException {
        AlertManagerStandIn am = new AlertManagerStandIn(port, logFile, name, application, pcd05To);
        am.listener.start();
        return am;
    }

    /** Written before the acknowledgement leaves: an acknowledged message is in the log. */
    private synchronized Decision take(InboundMessage m) throws IOException {
        append(m.text());
        messages.incrementAndGet();
        ExecutorService r = reporter;
        if (r != null
                && m.message() instanceof ORU_R01 alert
                && m.header().triggerEvent().equals("R40")
                && !isWatchdog(alert)) {
            r.execute(() -> report(alert, m.controlId()));
        }
        return Decision.accept();
    }

    /** The gateway's watchdog: a PCD-04 whose event (the first OBX) is MDC_EVT_ACTIVE. */
    private static boolean isWatchdog(ORU_R01 alert) {
        try {
            String event = alert.getPATIENT_RESULT()
                    .getORDER_OBSERVATION()
                    .getOBSERVATION(0)
                    .getOBX()
                    .getObservationIdentifier()
                    .getIdentifier()
                    .getValue();
            return Integer.toString(org.bedside.hl7.pcd.Pcd04Encoder.MDC_EVT_ACTIVE)
                    .equals(event);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private synchronized void append(String message) throws IOException {
        String text = message.endsWith("\r") ? message : message + "\r";
        ByteBuffer bytes = ByteBuffer.wrap((text + "\n\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            log.write(bytes);
        }
        log.force(false);
    }

    /** Received, then Delivered: each a PCD-05, sent again (up to five times, a second apart) until acknowledged. */
    private void report(ORU_R01 alert, String controlId) {
        MllpClient client = pcd05;
        if (client == null) {
            return;
        }
        List<Pcd05Report.Disposition> statuses =
                List.of(Pcd05Report.Disposition.RECEIVED, Pcd05Report.Disposition.DELIVERED);
        for (int i = 0; i < statuses.size(); i++) {
            Pcd05Report.Disposition d = statuses.get(i);
            try {
                Instant now = Instant.now();
                ORU_R01 ora = pcd05Encoder.report(
                        alert,
                        "am-" + reports.incrementAndGet(),
                        now,
                        List.of(new Pcd05Encoder.Status(
                                d,
                                "dissemination-" + controlId,
                                i == 0,
                                null,
                                d == Pcd05Report.Disposition.DELIVERED ? "demo-pager" : null,
                                now)));
                OutboundMessage out = OutboundMessage.of(ora, parser.pipeParser());
                SendResult result = client.send(out);
                for (int attempt = 1; !(result instanceof SendResult.Accepted) && attempt < 5; attempt++) {
                    Thread.sleep(1000); // the gateway's listener may not be up yet: the next attempt
                    result = client.send(out);
                }
                if (result instanceof SendResult.Accepted) {
                    append(ora.encode());
                } else {
                    System.err.println("alert-manager: PCD-05 for " + controlId + " not taken: " + result);
                }
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    return;
                }
                System.err.println("alert-manager: PCD-05 for " + controlId + " not sent: " + e);
            }
        }
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
        ExecutorService r = reporter;
        if (r != null) {
            r.shutdownNow();
        }
        MllpClient c = pcd05;
        if (c != null) {
            c.close();
        }
        log.close();
    }

    public static void main(String[] args) throws Exception {
        int port = 0;
        Path logFile = null;
        String name = "alert-manager";
        String application = "ALERT_MANAGER";
        InetSocketAddress pcd05To = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--pcd05-to" -> {
                    String v = value(args, ++i);
                    int colon = v.lastIndexOf(':');
                    if (colon < 1) {
                        usage("--pcd05-to needs HOST:PORT");
                        return;
                    }
                    pcd05To = InetSocketAddress.createUnresolved(
                            v.substring(0, colon), Integer.parseInt(v.substring(colon + 1)));
                }
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
        AlertManagerStandIn am = start(port, logFile, name, application, pcd05To);
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
                        + "\nusage: AlertManagerStandIn [--port N] [--name alert-manager] [--application ALERT_MANAGER] [--pcd05-to HOST:PORT] --log FILE");
        System.exit(64);
    }
}
