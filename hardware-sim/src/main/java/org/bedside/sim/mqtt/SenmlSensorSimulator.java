package org.bedside.sim.mqtt;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.bedside.sim.scenario.MonitorVitals;
import org.bedside.sim.scenario.Scenario;
import org.bedside.sim.scenario.Scenarios;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * A simulated MQTT sensor hub for the demo: publishes a SenML pack ({@link SenmlPackEncoder}: temperature and
 * respiration rate of a scenario) at QoS 1 to one topic, once per period, with Eclipse Paho (MQTT 5), until SIGTERM.
 *
 * <pre>
 * java -cp 'hardware-sim/target/lib/*' org.bedside.sim.mqtt.SenmlSensorSimulator \
 *     --broker tcp://127.0.0.1:1883 --topic bedside/ingest/bed12-hub --sensor bed12-hub [--scenario steady] [--period 1s]
 * sensor bed12-hub: tcp://127.0.0.1:1883 bedside/ingest/bed12-hub
 * </pre>
 *
 * A lost connection is retried every second; what the sensor measured meanwhile is lost, as with a real sensor that
 * keeps nothing.
 */
public final class SenmlSensorSimulator implements AutoCloseable {
    static final String USAGE = """
            usage: SenmlSensorSimulator --broker tcp://HOST:PORT --topic TOPIC --sensor NAME [--scenario SCENARIO]
                                        [--period DURATION]
            """;

    private final String broker;
    private final String topic;
    private final SenmlPackEncoder encoder;
    private final Scenario scenario;
    private final Duration period;
    private final MqttClient client;
    private volatile boolean running = true;

    public SenmlSensorSimulator(String broker, String topic, String sensor, Scenario scenario, Duration period)
            throws MqttException {
        this.broker = broker;
        this.topic = topic;
        this.encoder = new SenmlPackEncoder(sensor);
        this.scenario = scenario;
        this.period = period;
        this.client = new MqttClient(broker, "sim-" + sensor, new MemoryPersistence());
    }

    /** Publishes one pack per period until {@link #close}. */
    public void run() throws InterruptedException {
        long second = 0;
        while (running) {
            try {
                if (!client.isConnected()) {
                    MqttConnectionOptions o = new MqttConnectionOptions();
                    o.setCleanStart(true);
                    o.setConnectionTimeout(5);
                    client.connect(o);
                }
                MqttMessage m = new MqttMessage(encoder.encode(MonitorVitals.at(scenario, second), Instant.now()));
                m.setQos(1);
                client.publish(topic, m);
                second++;
            } catch (MqttException e) {
                if (!running) {
                    return;
                }
                System.err.println("sensor: " + e.getMessage() + "; trying again");
            }
            Thread.sleep(period.toMillis());
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
            client.close(true);
        } catch (MqttException e) {
            // stopping anyway
        }
    }

    public static void main(String[] args) throws Exception {
        String broker = null;
        String topic = null;
        String sensor = null;
        String scenario = Scenarios.STEADY;
        Duration period = Duration.ofSeconds(1);
        List<String> a = List.of(args);
        try {
            for (int i = 0; i < a.size(); i += 2) {
                String value = i + 1 < a.size() ? a.get(i + 1) : null;
                if (value == null) {
                    throw new IllegalArgumentException(a.get(i) + " needs a value");
                }
                switch (a.get(i)) {
                    case "--broker" -> broker = value;
                    case "--topic" -> topic = value;
                    case "--sensor" -> sensor = value;
                    case "--scenario" -> scenario = value;
                    case "--period" -> period = period(value);
                    default -> throw new IllegalArgumentException("unknown option " + a.get(i));
                }
            }
            if (broker == null || topic == null || sensor == null) {
                throw new IllegalArgumentException("--broker, --topic and --sensor are required");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("sensor: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        SenmlSensorSimulator sim = new SenmlSensorSimulator(broker, topic, sensor, Scenarios.parse(scenario), period);
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            sim.close();
                            try {
                                done.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "sensor-stop"));
        System.out.println("sensor " + sensor + ": " + broker + " " + topic);
        System.out.flush();
        try {
            sim.run();
        } finally {
            done.countDown();
        }
    }

    private static Duration period(String text) {
        String t = text.trim();
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--period is a duration such as 1s or 250ms: " + text);
    }
}
