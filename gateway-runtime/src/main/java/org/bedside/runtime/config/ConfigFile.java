package org.bedside.runtime.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.source.yaml.YamlConfigSource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bedside.runtime.security.HttpAccess;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * The configuration file read outside the running gateway (by {@code bedside doctor} and {@code bedside check-config})
 * with the same YAML source, the same mapping ({@link GatewayConfig}) and the same checks ({@link
 * GatewaySettings#from}) as the gateway at start; and the YAML syntax check the gateway runs before Quarkus reads the
 * file, so that a syntax error is one line naming the file, line and column rather than a stack trace.
 */
public final class ConfigFile {
    /** Quarkus's default when the file does not set {@code quarkus.http.port}. */
    public static final int DEFAULT_HTTP_PORT = 8080;

    private ConfigFile() {}

    /** The file cannot be used: not readable, a YAML syntax error, or keys missing or of the wrong form. */
    public static final class Unusable extends Exception {
        private final List<String> problems;

        Unusable(List<String> problems) {
            super(String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /** Quarkus's default when the file does not set {@code quarkus.http.ssl-port}. */
    public static final int DEFAULT_HTTPS_PORT = 8443;

    /**
     * A loaded file: the checked settings and what the doctor needs of Quarkus's part.
     *
     * @param httpPort {@code quarkus.http.port}
     * @param localUrl where this box reaches the running gateway's page: {@code https://} on {@code
     *     quarkus.http.ssl-port} when the page has a certificate, else {@code http://} on the HTTP port; on 127.0.0.1
     *     unless the page listens on one other address only
     * @param pageCertificate the page's certificate (PEM) when it serves HTTPS, which the doctor trusts for that one
     *     connection; null for plain HTTP
     */
    public record Loaded(
            Path file,
            GatewaySettings settings,
            int httpPort,
            URI localUrl,
            @Nullable Path pageCertificate,
            AlarmSettings alarms) {}

    /**
     * Reads and checks {@code file}.
     *
     * @throws Unusable for an unreadable file, a syntax error (one line: file, line, column) or a missing key
     * @throws ConfigProblems for values the gateway would refuse, each naming its key
     */
    public static Loaded load(Path file) throws Unusable {
        YamlConfigSource source = source(file);
        SmallRyeConfig config;
        try {
            config = new SmallRyeConfigBuilder()
                    .withSources(source)
                    .withConverter(Duration.class, 200, new DurationConverter())
                    .withMapping(GatewayConfig.class)
                    .build();
        } catch (ConfigValidationException e) {
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < e.getProblemCount(); i++) {
                problems.add(file + ": " + plain(e.getProblem(i).getMessage()));
            }
            throw new Unusable(problems);
        } catch (RuntimeException e) {
            throw new Unusable(List.of(file + ": " + e.getMessage()));
        }
        GatewaySettings settings = GatewaySettings.from(config.getConfigMapping(GatewayConfig.class));
        // The gateway's own HTTP is checked as at start (HTTPS beyond loopback, the users file).
        HttpSettings.from(config.getConfigMapping(GatewayConfig.class).http(), HttpSettings.Listen.of(config));
        // gateway.capture is checked where the gateway checks it at start: a bad cap is named here too.
        CaptureSettings.from(config.getConfigMapping(GatewayConfig.class));
        // gateway.alarms (policies, PCD-04, PCD-05 in, the escalation destination), as at start.
        AlarmSettings alarms = AlarmSettings.from(config.getConfigMapping(GatewayConfig.class));
        // gateway.alarms.local-signals too (pins, polarity, patterns, conditions), as the gateway checks it at start.
        LocalSignalSettings.from(config.getConfigMapping(GatewayConfig.class));
        int port = config.getOptionalValue("quarkus.http.port", Integer.class).orElse(DEFAULT_HTTP_PORT);
        HttpSettings.Listen listen = HttpSettings.Listen.of(config);
        String host = HttpAccess.isLoopbackHost(listen.host()) || isWildcard(listen.host())
                ? "127.0.0.1"
                : listen.host().strip();
        String authority = host.contains(":") ? "[" + host + "]" : host;
        if (listen.certificateFiles().isEmpty()) {
            return new Loaded(file, settings, port, URI.create("http://" + authority + ":" + port), null, alarms);
        }
        int sslPort =
                config.getOptionalValue("quarkus.http.ssl-port", Integer.class).orElse(DEFAULT_HTTPS_PORT);
        return new Loaded(
                file,
                settings,
                port,
                URI.create("https://" + authority + ":" + sslPort),
                Path.of(listen.certificateFiles().get(0).strip()),
                alarms);
    }

    private static boolean isWildcard(String host) {
        String h = host.strip();
        return h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]");
    }

    /** The file as Quarkus reads it; a syntax error as one line. */
    static YamlConfigSource source(Path file) throws Unusable {
        if (!Files.isReadable(file)) {
            throw new Unusable(List.of(file + ": cannot read the file (does it exist, and may this user read it?)"));
        }
        try {
            return new YamlConfigSource(file.toUri().toURL(), 275);
        } catch (IOException e) {
            throw new Unusable(List.of(file + ": cannot read the file: " + e.getMessage()));
        } catch (RuntimeException e) {
            String syntax = syntaxError(file, e);
            throw new Unusable(List.of(syntax != null ? syntax : file + ": " + e.getMessage()));
        }
    }

    /** Empty when every file is valid YAML; otherwise the one line of the first error. */
    public static @Nullable String checkSyntax(Path file) {
        try {
            source(file);
            return null;
        } catch (Unusable e) {
            return e.problems().get(0);
        }
    }

    /** SmallRye's message without the exception class and message code it carries. */
    static String plain(String message) {
        return message.replaceFirst("^[a-zA-Z.]+Exception: ", "").replaceFirst("^SRCFG\\d+: ", "");
    }

    /** {@code FILE:LINE:COLUMN: problem (context)} from SnakeYAML's exception, wherever it is in the cause chain. */
    static @Nullable String syntaxError(Path file, Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MarkedYAMLException y) {
                Mark m = y.getProblemMark();
                String where = m == null ? "" : ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1);
                String context = y.getContext() == null ? "" : " (" + y.getContext() + ")";
                return file + where + ": YAML syntax error: " + y.getProblem() + context;
            }
        }
        return null;
    }
}
