package org.bedside.runtime.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bedside.sandbox.FhirSandboxProcess;

/**
 * The hospital sandbox shared by every end-to-end test of this JVM: one real HAPI FHIR JPA server, in its own process,
 * on an H2 file database so that a test can stop and restart it without losing what it holds. Started on first use
 * (about 25 s), stopped when the JVM exits.
 */
final class Sandbox {
    private static FhirSandboxProcess process;

    private Sandbox() {}

    static synchronized FhirSandboxProcess get() {
        if (process == null) {
            try {
                Path dir = Files.createTempDirectory("bedside-e2e-sandbox");
                // Five minutes: on a two-core machine shared with other builds the server took more than two to boot.
                process = FhirSandboxProcess.start(FhirSandboxProcess.Options.in(dir)
                        .withFileDatabase(dir.resolve("db").resolve("fhir"))
                        .withStartTimeout(java.time.Duration.ofMinutes(5)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            FhirSandboxProcess started = process;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "sandbox-stop"));
        }
        return process;
    }

    static FhirServer server() {
        return new FhirServer(get().baseUrl());
    }
}
