package org.bedside.runtime.wiring;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Path;
import org.bedside.runtime.config.ConfigFile;

/**
 * The gateway's entry point: checks the YAML syntax of the configuration files first, so that an error is one line
 * naming the file, line and column (Quarkus would print SnakeYAML's stack trace), then runs Quarkus.
 */
@QuarkusMain
public final class GatewayMain {
    private GatewayMain() {}

    public static void main(String... args) {
        // The property wins over the environment variable, as in Quarkus's own configuration.
        String locations = System.getProperty("quarkus.config.locations");
        if (locations == null) {
            locations = System.getenv().getOrDefault("QUARKUS_CONFIG_LOCATIONS", "");
        }
        for (String location : locations.split(",")) {
            String l = location.strip();
            if (l.isEmpty() || l.contains(":") && !l.startsWith("file:")) {
                continue; // a classpath or URL location: Quarkus reports it
            }
            String problem = ConfigFile.checkSyntax(Path.of(l.startsWith("file:") ? l.substring(5) : l));
            if (problem != null) {
                System.err.println("The gateway does not start: " + problem);
                System.exit(1);
            }
        }
        Quarkus.run(args);
    }
}
