package org.bedside.authserver;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * Finds a Java runtime of a given version or newer: {@code -Dbedside.java21.home}, then {@code $JAVA21_HOME}, the
 * running JVM, {@code $JAVA_HOME}, and the JDKs in {@code /usr/lib/jvm} (newest first). Each is judged by its {@code
 * release} file, so nothing is started to ask.
 */
public final class JavaRuntimes {
    public static final String PROPERTY = "bedside.java21.home";

    private JavaRuntimes() {}

    /** A Java home of at least {@code feature} (21 for Keycloak 26), or empty. */
    public static Optional<Path> find(int feature) {
        List<Path> candidates = new ArrayList<>();
        add(candidates, System.getProperty(PROPERTY));
        add(candidates, System.getenv("JAVA21_HOME"));
        add(candidates, System.getProperty("java.home"));
        add(candidates, System.getenv("JAVA_HOME"));
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            List<Path> installed = new ArrayList<>();
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(jvms)) {
                dirs.forEach(installed::add);
            } catch (IOException e) {
                // nothing more to look at
            }
            installed.sort((a, b) -> Integer.compare(version(b), version(a)));
            candidates.addAll(installed);
        }
        for (Path home : candidates) {
            if (version(home) >= feature
                    && Files.isExecutable(home.resolve("bin").resolve("java"))) {
                return Optional.of(home);
            }
        }
        return Optional.empty();
    }

    /** What to tell a user when none is found. */
    public static String missing(int feature) {
        return "no Java " + feature + " or newer found (looked at -D" + PROPERTY + ", $JAVA21_HOME, this JVM ("
                + System.getProperty("java.version") + "), $JAVA_HOME and /usr/lib/jvm/*); Keycloak needs one."
                + " Install one (e.g. a Temurin 21+ JDK) or point -D" + PROPERTY + " at it";
    }

    private static void add(List<Path> list, @Nullable String home) {
        if (home != null && !home.isBlank()) {
            list.add(Path.of(home));
        }
    }

    /** The feature version in {@code <home>/release} ({@code JAVA_VERSION="25.0.1"}), or 0. */
    static int version(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return 0;
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(release)) {
            p.load(in);
        } catch (IOException e) {
            return 0;
        }
        String v = p.getProperty("JAVA_VERSION", "").replace("\"", "");
        String first = v.split("[.+-]")[0];
        try {
            int n = Integer.parseInt(first);
            return n == 1 ? 8 : n;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
