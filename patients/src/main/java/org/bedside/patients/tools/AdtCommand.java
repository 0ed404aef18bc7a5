package org.bedside.patients.tools;

import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.StandardSocketFactory;
import ca.uhn.hl7v2.util.Terser;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.bedside.common.tls.TlsClient;
import org.bedside.common.tls.TlsConfigException;
import org.bedside.common.tls.TlsSettings;
import org.bedside.common.tls.WallClock;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.adt.AdtTrigger;
import org.bedside.patients.BedLocation;
import org.bedside.patients.PatientKey;

/**
 * {@code bedside adt}: sends one ADT message to a gateway's ADT listener with HAPI's MLLP client and prints the
 * acknowledgement code. Exit code 0 for AA, 1 for any other answer, 2 for a usage error.
 *
 * <pre>
 * bedside adt A01 --to 127.0.0.1:2575 --mrn 1001 --aa HOSP --bed ICU^12^1 [--prior ICU^12^2] [--family F --given G]
 * bedside adt A01 --to adt.icu:2575 --mrn 1001 --aa HOSP --bed ICU^12^1 --trust hospital-ca.pem --cert me.pem --key me-key.pem
 * </pre>
 *
 * <p>With {@code --trust}, MLLP over TLS (as a listener with {@code gateway.adt.tls} asks): the listener's certificate
 * checked against those CAs and its host name, and with {@code --cert}/{@code --key} this sender's certificate
 * presented; a refused handshake is one sentence saying why.
 */
public final class AdtCommand {
    private static final Set<String> OPTIONS = Set.of(
            "--to",
            "--mrn",
            "--aa",
            "--bed",
            "--prior",
            "--family",
            "--given",
            "--control-id",
            "--trust",
            "--cert",
            "--key");

    private AdtCommand() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(List.of(args), System.out, System.err));
    }

    /** Runs the command; returns its exit code. */
    public static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
            err.println(
                    "usage: bedside adt A01|A02|A03|A04|A08|A11|A12|A13|A21|A22 --to HOST:PORT --mrn MRN --aa AUTHORITY"
                            + " [--bed POC^ROOM^BED] [--prior POC^ROOM^BED] [--family NAME --given NAME] [--control-id ID]"
                            + " [--trust CA.pem [--cert CERT.pem --key KEY.pem]]");
            return 2;
        }
        AdtTrigger trigger = AdtTrigger.parse(args.get(0)).orElse(null);
        if (trigger == null) {
            err.println("bedside adt: '" + args.get(0) + "' is not an ADT trigger such as A01");
            return 2;
        }
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i < args.size(); i += 2) {
            if (!OPTIONS.contains(args.get(i)) || i + 1 >= args.size()) {
                err.println(
                        "bedside adt: unknown option or missing value: " + args.get(i) + " (options: " + OPTIONS + ")");
                return 2;
            }
            o.put(args.get(i), args.get(i + 1));
        }
        for (String required : List.of("--to", "--mrn", "--aa")) {
            if (!o.containsKey(required)) {
                err.println("bedside adt: " + required + " is required");
                return 2;
            }
        }
        String to = o.get("--to");
        int colon = to.lastIndexOf(':');
        if (colon < 1) {
            err.println("bedside adt: --to '" + to + "' is not HOST:PORT");
            return 2;
        }
        String host = to.substring(0, colon);
        int port = Integer.parseInt(to.substring(colon + 1));
        String controlId = o.getOrDefault("--control-id", "BEDSIDE-" + UUID.randomUUID());
        AdtMessages.Spec spec = new AdtMessages.Spec(
                trigger,
                controlId,
                new PatientKey(o.get("--aa"), o.get("--mrn")),
                o.containsKey("--bed") ? BedLocation.parse(o.get("--bed")) : null,
                o.containsKey("--prior") ? BedLocation.parse(o.get("--prior")) : null,
                Instant.now(),
                o.get("--family"),
                o.get("--given"));
        if ((o.containsKey("--cert") || o.containsKey("--key")) && !o.containsKey("--trust")) {
            err.println("bedside adt: --cert and --key are for TLS, which --trust CA.pem (the listener's CA) turns on");
            return 2;
        }
        if (o.containsKey("--cert") != o.containsKey("--key")) {
            err.println("bedside adt: --cert and --key go together (the client certificate and its key, PEM)");
            return 2;
        }
        TlsClient tls = null;
        if (o.containsKey("--trust")) {
            TlsSettings settings = TlsSettings.trusting(Path.of(o.get("--trust")));
            if (o.containsKey("--cert")) {
                settings = settings.withClientCertificate(Path.of(o.get("--cert")), Path.of(o.get("--key")), null);
            }
            try {
                tls = TlsClient.open("adt", settings, WallClock.system());
            } catch (TlsConfigException e) {
                err.println("bedside adt: " + e.getMessage());
                return 2;
            }
        }
        try (HapiContext context = Hl7Parser.newContext()) {
            Message message = AdtMessages.build(spec, context);
            if (tls != null) {
                javax.net.ssl.SSLSocketFactory factory = tls.socketFactory();
                context.setSocketFactory(new StandardSocketFactory() {
                    @Override
                    public Socket createTlsSocket() throws IOException {
                        return factory.createSocket();
                    }
                });
            }
            Connection c;
            try {
                c = context.newClient(host, port, tls != null);
            } catch (ca.uhn.hl7v2.HL7Exception e) {
                String why = tls == null ? null : tls.explain(e, to);
                err.println("bedside adt: cannot connect to " + to + ": " + (why != null ? why : e.getMessage()));
                return 1;
            }
            try {
                c.getInitiator().setTimeout(10, TimeUnit.SECONDS);
                Message ack;
                try {
                    ack = c.getInitiator().sendAndReceive(message);
                } catch (ca.uhn.hl7v2.HL7Exception | ca.uhn.hl7v2.llp.LLPException | IOException e) {
                    // Over TLS 1.3 a refused client certificate shows only here, when the answer is read, and only if
                    // HAPI's reader passes the listener's alert on; otherwise the answer just never comes.
                    String why = tls == null ? null : tls.explain(e, to);
                    if (tls != null && why == null) {
                        why = e.getMessage() + " (over TLS a listener that refuses this sender's client certificate"
                                + " closes the connection after the handshake, which looks like this: check --cert and"
                                + " --key, and that the listener's client CA issued them)";
                    }
                    err.println("bedside adt: " + trigger + " " + controlId + " not acknowledged by " + to + ": "
                            + (why != null ? why : e.getMessage()));
                    return 1;
                }
                Terser t = new Terser(ack);
                String code = t.get("/MSA-1");
                String text = t.get("/ERR-8");
                out.println(trigger + " " + controlId + ": " + code + (text == null ? "" : " (" + text + ")"));
                return "AA".equals(code) || "CA".equals(code) ? 0 : 1;
            } finally {
                c.close();
            }
        }
    }
}
