package org.bedside.mqtt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A test's helper running in a JVM of its own, so that the test can SIGKILL it: it prints a line when it reaches the
 * point the test waits for.
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;

    private ChildJvm(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static ChildJvm start(Class<?> main, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx128m", "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new ChildJvm(p);
    }

    /** Waits for the child to print {@code line}; fails with the child's exit code if it dies first. */
    void awaitLine(String line, Duration timeout) throws Exception {
        CompletableFuture<Void> seen = CompletableFuture.runAsync(() -> {
            try {
                String l;
                while ((l = out.readLine()) != null) {
                    if (l.equals(line)) {
                        return;
                    }
                }
                throw new IllegalStateException("the child ended before printing '" + line + "'");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        seen.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGKILL, and wait until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
