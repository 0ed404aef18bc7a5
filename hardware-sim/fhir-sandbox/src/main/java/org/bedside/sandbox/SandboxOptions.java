package org.bedside.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The sandbox's command line, parsed.
 *
 * @param port TCP port on 127.0.0.1; 0 picks a free one
 * @param database where H2 keeps the data
 * @param readyFile written with the base URL once the server answers; empty to skip
 * @param seedPatients ids of the demo Patients to create (or update) before the server reports ready
 * @param security HTTPS and the token check; {@link Security#NONE} (plain HTTP, no tokens) by default
 */
public record SandboxOptions(
        int port, Database database, Optional<Path> readyFile, List<String> seedPatients, Security security) {

    public static final int DEFAULT_PORT = 8090;

    static final String USAGE = """
            usage: java -cp 'lib/*' org.bedside.sandbox.FhirSandbox [options]
              --port N             port on 127.0.0.1 (default 8090; 0 = any free port)
              --db mem             in-memory database, gone when the process ends (default)
              --db file:PATH       H2 file database at PATH (kept across restarts)
              --ready-file PATH    write the FHIR base URL to PATH once the server answers
              --seed-patient ID    create Patient/ID for the demo (repeatable; ID must not be all digits)
              --https-cert PEM     listen on HTTPS with this certificate chain (TLS 1.2/1.3 only)
              --https-key PEM      ... and its PKCS#8 private key
              --client-ca PEM      demand client certificates issued by these CAs (mutual TLS)
              --jwks-url URL       check bearer tokens: signatures by this JWKS (the authorization server's)
              --jwks-file PATH     ... or by the keys in this JWKS file
              --audience URI       the aud a token must carry (default: the FHIR base URL)
              --issuer URI         the iss a token must carry (default: not checked)
              --token-endpoint URL published in /fhir/.well-known/smart-configuration
            """;

    /** FHIR logical ids: 1-64 of [A-Za-z0-9-.]. */
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    /** The options as before HTTPS and tokens: plain HTTP, no token check. */
    public SandboxOptions(int port, Database database, Optional<Path> readyFile, List<String> seedPatients) {
        this(port, database, readyFile, seedPatients, Security.NONE);
    }

    /**
     * HTTPS and the bearer-token check of a hospital's FHIR server. Each part is off when null.
     *
     * @param certificate the server's PEM certificate chain; with {@code key}, the server listens on HTTPS only
     * @param clientCa PEM CA certificates whose client certificates are demanded (mutual TLS)
     * @param jwksUrl where the authorization server publishes its signing keys; tokens are checked when this or
     *     {@code jwksFile} is given
     * @param audience the {@code aud} a token must carry; null for the base URL
     */
    public record Security(
            @Nullable Path certificate,
            @Nullable Path key,
            @Nullable Path clientCa,
            @Nullable String jwksUrl,
            @Nullable Path jwksFile,
            @Nullable String audience,
            @Nullable String issuer,
            @Nullable String tokenEndpoint) {
        public static final Security NONE = new Security(null, null, null, null, null, null, null, null);

        public Security {
            if ((certificate == null) != (key == null)) {
                throw new IllegalArgumentException("--https-cert and --https-key go together");
            }
            if (clientCa != null && certificate == null) {
                throw new IllegalArgumentException("--client-ca needs HTTPS (--https-cert, --https-key)");
            }
            if (jwksUrl != null && jwksFile != null) {
                throw new IllegalArgumentException("--jwks-url or --jwks-file, not both");
            }
        }

        public boolean https() {
            return certificate != null;
        }

        public boolean checksTokens() {
            return jwksUrl != null || jwksFile != null;
        }
    }

    public SandboxOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        }
        seedPatients = List.copyOf(seedPatients);
        seedPatients.forEach(SandboxOptions::checkPatientId);
    }

    /** Options for an in-process server: any free port, a fresh in-memory database. */
    public static SandboxOptions ephemeral(String... seedPatients) {
        return new SandboxOptions(0, Database.inMemory(), Optional.empty(), List.of(seedPatients));
    }

    /** Parses the command line; throws {@link IllegalArgumentException} with a message fit for the user. */
    public static SandboxOptions parse(String... args) {
        int port = DEFAULT_PORT;
        Database database = Database.inMemory();
        Path readyFile = null;
        List<String> patients = new ArrayList<>();
        Path cert = null;
        Path key = null;
        Path clientCa = null;
        String jwksUrl = null;
        Path jwksFile = null;
        String audience = null;
        String issuer = null;
        String tokenEndpoint = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(
                        option.startsWith("--") ? option + " needs a value" : "unexpected argument: " + option);
            }
            String value = args[++i];
            switch (option) {
                case "--port" -> port = parsePort(value);
                case "--db" -> database = Database.parse(value);
                case "--ready-file" -> readyFile = Path.of(value);
                case "--seed-patient" -> patients.add(value);
                case "--https-cert" -> cert = Path.of(value);
                case "--https-key" -> key = Path.of(value);
                case "--client-ca" -> clientCa = Path.of(value);
                case "--jwks-url" -> jwksUrl = value;
                case "--jwks-file" -> jwksFile = Path.of(value);
                case "--audience" -> audience = value;
                case "--issuer" -> issuer = value;
                case "--token-endpoint" -> tokenEndpoint = value;
                default -> throw new IllegalArgumentException("unknown option: " + option);
            }
        }
        return new SandboxOptions(
                port,
                database,
                Optional.ofNullable(readyFile),
                patients,
                new Security(cert, key, clientCa, jwksUrl, jwksFile, audience, issuer, tokenEndpoint));
    }

    private static int parsePort(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a number, got '" + value + "'", e);
        }
    }

    private static void checkPatientId(String id) {
        if (!FHIR_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    "--seed-patient '" + id + "' is not a FHIR id (1-64 letters, digits, '-' or '.')");
        }
        // The server's default client-id strategy (ALPHANUMERIC) reserves numeric ids for ids it assigns
        // itself, so a PUT to Patient/123 is refused (HAPI-0960).
        if (DIGITS.matcher(id).matches()) {
            throw new IllegalArgumentException("--seed-patient '" + id
                    + "' is all digits; the server only accepts client-assigned ids that contain a letter,"
                    + " e.g. 'bed-" + id + "'");
        }
    }

    /**
     * The H2 database behind the server.
     *
     * @param jdbcUrl JDBC URL handed to the connection pool
     * @param persistent whether the data outlives the process
     */
    public record Database(String jdbcUrl, boolean persistent) {

        /**
         * A private in-memory database. {@code DB_CLOSE_DELAY=-1} keeps it alive when the pool happens to close
         * every connection; the random name keeps two servers in one JVM apart.
         */
        public static Database inMemory() {
            return new Database("jdbc:h2:mem:fhir-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", false);
        }

        /**
         * A file database at {@code path} (H2 adds {@code .mv.db}).
         *
         * <ul>
         *   <li>{@code WRITE_DELAY=0}: H2 otherwise writes commits to the file up to 500 ms later, and a SIGKILL right
         *       after a successful upload lost the whole transaction (measured). The end-to-end tests kill the
         *       sandbox on purpose, so what it acknowledged must be in the file.
         *   <li>{@code DB_CLOSE_ON_EXIT=FALSE}: our shutdown hook closes the pool; H2's own hook must not close the
         *       database under the running server first.
         *   <li>{@code TRACE_LEVEL_FILE=0}: no {@code .trace.db} file for Hibernate's harmless temporary-table DDL
         *       errors.
         * </ul>
         */
        public static Database file(Path path) {
            // H2 refuses implicitly relative paths, so make it absolute.
            return new Database(
                    "jdbc:h2:file:" + path.toAbsolutePath().normalize()
                            + ";DB_CLOSE_ON_EXIT=FALSE;TRACE_LEVEL_FILE=0;WRITE_DELAY=0",
                    true);
        }

        static Database parse(String value) {
            if (value.equals("mem")) {
                return inMemory();
            }
            if (value.startsWith("file:") && value.length() > "file:".length()) {
                return file(Path.of(value.substring("file:".length())));
            }
            throw new IllegalArgumentException("--db must be 'mem' or 'file:PATH', got '" + value + "'");
        }
    }
}
