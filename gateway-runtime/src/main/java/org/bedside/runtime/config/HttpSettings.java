package org.bedside.runtime.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.bedside.common.tls.SecretFile;
import org.bedside.runtime.security.HttpAccess;
import org.bedside.runtime.security.UsersFile;
import org.eclipse.microprofile.config.Config;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's own HTTP, checked at start: {@code gateway.http.*} and the Quarkus keys that say where and how it
 * listens. A page that listens beyond this box must be HTTPS only (the users' passwords and the patients' data would
 * otherwise cross the ward network in clear) and must have users (nobody could read it otherwise).
 *
 * @param usersFile where the users are read from, or null when none is configured
 * @param users the users read at start
 * @param beyondLoopback whether the page listens on an address other hosts can reach
 */
public record HttpSettings(@Nullable Path usersFile, UsersFile users, boolean beyondLoopback) {
    static final String HOST = "quarkus.http.host";
    static final String CERTIFICATES = "quarkus.http.ssl.certificate.files";
    static final String KEYS = "quarkus.http.ssl.certificate.key-files";
    static final String INSECURE = "quarkus.http.insecure-requests";
    static final String USERS = "gateway.http.users-file";

    /** What Quarkus was told about listening: {@code quarkus.http.*}. */
    public record Listen(String host, List<String> certificateFiles, List<String> keyFiles, String insecureRequests) {
        public Listen {
            certificateFiles = List.copyOf(certificateFiles);
            keyFiles = List.copyOf(keyFiles);
        }

        public static Listen of(Config c) {
            return new Listen(
                    c.getOptionalValue(HOST, String.class)
                            .orElse("127.0.0.1"), // application.yaml's default, which a box's file overrides
                    c.getOptionalValues(CERTIFICATES, String.class).orElse(List.of()),
                    c.getOptionalValues(KEYS, String.class).orElse(List.of()),
                    c.getOptionalValue(INSECURE, String.class).orElse("enabled"));
        }
    }

    /** Checks everything and throws every problem at once, each naming its key. */
    public static HttpSettings from(GatewayConfig.HttpConfig http, Listen listen) {
        ConfigProblems.Collector problems = new ConfigProblems.Collector();
        boolean beyond = !HttpAccess.isLoopbackHost(listen.host());
        if (!listen.certificateFiles().isEmpty() && listen.keyFiles().isEmpty()) {
            problems.add(KEYS, "a certificate is given in " + CERTIFICATES + " but not its key (PEM)");
        }
        for (String key : listen.keyFiles()) {
            try {
                SecretFile.checkOwnerOnly(Path.of(key), "the page's TLS key");
            } catch (IOException e) {
                problems.add(KEYS, e.getMessage());
            }
        }
        if (beyond) {
            if (listen.certificateFiles().isEmpty()) {
                problems.add(
                        CERTIFICATES,
                        "the page listens on " + listen.host() + ", beyond this box, without TLS: give its certificate"
                                + " and key as PEM files in " + CERTIFICATES + " and " + KEYS + ", or set " + HOST
                                + " to 127.0.0.1");
            } else if (!listen.insecureRequests().trim().equalsIgnoreCase("disabled")) {
                problems.add(
                        INSECURE,
                        "'" + listen.insecureRequests() + "': the page listens on " + listen.host()
                                + ", beyond this box, so plain HTTP must not answer beside HTTPS: set it to disabled");
            }
        }
        Optional<String> file = http.usersFile().map(String::trim).filter(f -> !f.isEmpty());
        UsersFile users = UsersFile.none();
        if (file.isPresent()) {
            try {
                users = UsersFile.read(Path.of(file.get()));
            } catch (IOException e) {
                problems.add(USERS, e.getMessage());
            }
        } else if (beyond) {
            problems.add(
                    USERS,
                    "the page listens on " + listen.host() + ", beyond this box, but has no users: nobody could read"
                            + " it (bedside user add NAME --file FILE writes one)");
        }
        problems.throwIfAny();
        return new HttpSettings(file.map(Path::of).orElse(null), users, beyond);
    }
}
