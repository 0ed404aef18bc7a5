package org.bedside.mqtt;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.senml.SenmlMqttDriver;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.model.DeviceId;
import org.bedside.model.NumericReading;

/**
 * The ingest side in a JVM of its own, for the kill test: its sink prints {@code delivered} when a message's readings
 * arrive and then never returns, so the process is killed between delivery and append.
 *
 * <p>Arguments: broker URI, CA file, client certificate, client key, user, password file, client id, topic.
 */
public final class IngestChild {
    private IngestChild() {}

    public static void main(String[] args) throws Exception {
        MqttEndpoint endpoint = MqttEndpoint.secure(
                        URI.create(args[0]),
                        args[6],
                        PemTls.trusting(Path.of(args[1])).withClientCertificate(Path.of(args[2]), Path.of(args[3])))
                .withCredentials(args[4], Path.of(args[5]));
        var transport = new MqttIngestTransport(endpoint, List.of(args[7]), MqttIngestTransport.Settings.DEFAULT);
        var driver = new SenmlMqttDriver();
        var pipeline = new DevicePipeline(
                DeviceId.of("bed12-hub"),
                driver,
                DriverOptions.defaults(driver.info()),
                transport,
                readings -> {
                    if (readings.get(0) instanceof NumericReading) {
                        System.out.println("delivered");
                        System.out.flush();
                        try {
                            Thread.sleep(Long.MAX_VALUE);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                },
                InstantSource.system(),
                new DevicePipeline.Settings(Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofMillis(500)));
        pipeline.start();
        System.out.println("started");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
