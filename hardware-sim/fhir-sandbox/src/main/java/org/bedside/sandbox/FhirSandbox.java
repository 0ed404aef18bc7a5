package org.bedside.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Command-line entry point of the hospital sandbox: {@code java -cp 'target/lib/*' org.bedside.sandbox.FhirSandbox
 * --port 0 --ready-file /tmp/fhir.url --seed-patient bed-1}. Prints {@code fhir: <base URL>} once ready and runs
 * until SIGTERM (exit code 143), stopping Jetty and the database cleanly on the way out.
 */
public final class FhirSandbox {

    private FhirSandbox() {}

    public static void main(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.err.print(SandboxOptions.USAGE);
            return;
        }
        SandboxOptions options;
        try {
            options = SandboxOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("fhir-sandbox: " + e.getMessage());
            System.err.print(SandboxOptions.USAGE);
            System.exit(2);
            return;
        }
        SandboxServer server;
        try {
            server = SandboxServer.start(options);
        } catch (Exception e) {
            System.err.println("fhir-sandbox: failed to start: " + e);
            e.printStackTrace();
            // Spring and Jetty may have left non-daemon threads behind.
            System.exit(1);
            return;
        }
        // Jetty's threads keep the JVM alive; SIGTERM runs this hook. The ready file goes first: it must not claim a
        // server that is on its way out.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            options.readyFile().ifPresent(FhirSandbox::deleteQuietly);
                            server.close();
                        },
                        "fhir-sandbox-shutdown"));
        try {
            options.readyFile().ifPresent(path -> writeAtomically(path, server.baseUrl() + "\n"));
        } catch (RuntimeException e) {
            System.err.println("fhir-sandbox: " + e.getMessage());
            System.exit(1);
        }
        System.out.println("fhir: " + server.baseUrl());
        System.out.flush();
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            System.err.println("fhir-sandbox: cannot delete the ready file " + path + ": " + e);
        }
    }

    /** Write-then-rename, so a watcher never reads a half-written file. */
    private static void writeAtomically(Path target, String content) {
        Path absolute = target.toAbsolutePath();
        try {
            Path temp = Files.createTempFile(absolute.getParent(), absolute.getFileName() + ".", ".tmp");
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the ready file " + absolute + ": " + e, e);
        }
    }
}
