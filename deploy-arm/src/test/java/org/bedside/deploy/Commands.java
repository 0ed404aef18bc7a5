package org.bedside.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the system's tools (dpkg, systemd-analyze, mount) for the packaging tests. */
final class Commands {
    private Commands() {}

    record Result(int code, String output) {}

    /** Runs a command, its output and errors together, with a time limit. */
    static Result run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("bedside-cmd", ".log");
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static Result run(String... command) throws IOException, InterruptedException {
        return run(List.of(command));
    }

    /** Runs a command that must succeed; returns its output. */
    static String ok(String... command) throws IOException, InterruptedException {
        Result r = run(command);
        if (r.code() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + r.code() + ":\n" + r.output());
        }
        return r.output();
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    static Path deb() {
        String deb = System.getProperty("bedside.deb");
        if (deb == null || !Files.isRegularFile(Path.of(deb))) {
            throw new IllegalStateException("the package is missing (system property bedside.deb = " + deb
                    + "): run the packaging tests with `./mvnw verify`, which builds it at `package`");
        }
        return Path.of(deb);
    }

    static Path sources() {
        return Path.of(System.getProperty("bedside.deb.sources", "src/deb"));
    }
}
