package org.bedside.mqtt;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;

/**
 * The egress in a JVM of its own, for the SIGKILL test: connects (setting the gateway online, with its last will),
 * publishes a device's status retained, prints {@code published} and waits to be killed.
 *
 * <p>Arguments: broker URI, CA file, client certificate, client key, user, password file.
 */
public final class PublisherChild {
    private PublisherChild() {}

    public static void main(String[] args) throws Exception {
        MqttEndpoint endpoint = MqttEndpoint.secure(
                        URI.create(args[0]),
                        "icu-gw-12-egress",
                        PemTls.trusting(Path.of(args[1])).withClientCertificate(Path.of(args[2]), Path.of(args[3])))
                .withCredentials(args[4], Path.of(args[5]));
        EgressTopics topics = new EgressTopics(EgressTopics.DEFAULT_PREFIX, TestBroker.GATEWAY);
        MqttPublisher publisher = new MqttPublisher(endpoint, topics.gatewayStatus(), Duration.ofSeconds(10));
        EgressMessages messages = new EgressMessages(topics, Duration.ZERO);
        var status = new DeviceStatus(
                DeviceId.of("bed12-spo2"),
                DeviceStatus.Code.SENSOR_OFF,
                "EXC 0x000020 sensor off",
                null,
                Instant.now());
        MqttPublisher.Outcome outcome = publisher.deliver(messages.messages(List.of(status)));
        if (!(outcome instanceof MqttPublisher.Outcome.Delivered)) {
            System.err.println("publish failed: " + outcome);
            System.exit(1);
        }
        System.out.println("published");
        System.out.flush();
        // Wait for the SIGKILL, never saying goodbye.
        Thread.sleep(Long.MAX_VALUE);
    }
}
