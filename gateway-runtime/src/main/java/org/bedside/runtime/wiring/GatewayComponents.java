package org.bedside.runtime.wiring;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.buffer.guard.FreeSpace;
import org.bedside.buffer.guard.GuardedStore;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.patients.AuditLog;
import org.bedside.patients.PatientAssociations;
import org.bedside.runtime.config.BedSettings;
import org.bedside.runtime.config.ConfigProblems;
import org.bedside.runtime.config.GatewayConfig;
import org.bedside.runtime.config.GatewaySettings;
import org.bedside.uplink.UplinkWorker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producers of the gateway's components. Each is a singleton made once, on first use, with plain {@code new} from
 * the checked settings; none is started here (that is {@link GatewayLifecycle}'s job, in order). A problem with the
 * configuration or the data directory fails the producer with a message naming the key, and the gateway does not
 * start.
 */
@Singleton
public class GatewayComponents {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayComponents.class);

    @Produces
    @Singleton
    GatewaySettings settings(GatewayConfig config) {
        try {
            return GatewaySettings.from(config);
        } catch (ConfigProblems e) {
            LOG.error("The gateway does not start: {}", e.getMessage());
            throw e;
        }
    }

    @Produces
    @Singleton
    SystemClock systemClock(GatewaySettings s) {
        try {
            return SystemClock.of(s.dataDirectory());
        } catch (IOException e) {
            throw dataDirectory(e.getMessage(), e);
        }
    }

    @Produces
    @Singleton
    @Typed(ChronicleReadingStore.class)
    ChronicleReadingStore chronicle(GatewaySettings s, SystemClock clock) {
        try {
            ChronicleReadingStore opened =
                    ChronicleReadingStore.open(s.dataDirectory().resolve("buffer"), s.store());
            opened.checkClockWith(clock);
            return opened;
        } catch (StoreException e) {
            throw dataDirectory(e.getMessage(), e);
        }
    }

    /** The store every component appends to and reads from: the Chronicle store behind the free-space guard. */
    @Produces
    @Singleton
    @Typed(GuardedStore.class)
    GuardedStore store(ChronicleReadingStore chronicle, GatewaySettings s) {
        try {
            return new GuardedStore(chronicle, FreeSpace.of(chronicle.directory()), s.guard());
        } catch (IOException e) {
            throw dataDirectory("cannot read the free space: " + e.getMessage(), e);
        }
    }

    /** At shutdown, after every pipeline and consumer stopped: stores the held values, marks a clean close. */
    void closeStore(@Disposes GuardedStore store) {
        store.close();
    }

    @Produces
    @Singleton
    Devices devices(GatewaySettings s, GuardedStore store) {
        List<DevicePipeline> pipelines = new ArrayList<>();
        for (GatewaySettings.DeviceSettings d : s.devices()) {
            // The pipeline only appends: consumers hear of it through the store's append listener.
            pipelines.add(new DevicePipeline(
                    d.id(),
                    d.driver(),
                    d.options(),
                    d.transport(),
                    store::append,
                    InstantSource.system(),
                    d.pipeline()));
        }
        return new Devices(pipelines);
    }

    /**
     * The beds' patients: the audit log ({@code <data-dir>/audit/audit.jsonl}), the ADT journal ({@code
     * <data-dir>/patients/adt-events.jsonl}) replayed, and the ADT listener (started by the lifecycle).
     */
    @Produces
    @Singleton
    BedAssociations bedAssociations(GatewaySettings s) {
        try {
            AuditLog audit = new AuditLog(s.dataDirectory().resolve("audit/audit.jsonl"), InstantSource.system());
            Map<String, Object> loaded = new LinkedHashMap<>();
            loaded.put("gateway", s.gatewayId());
            loaded.put("devices", s.devices().size());
            for (BedSettings.Bed b : s.beds().beds()) {
                loaded.put("bed " + b.name(), b.location() + (b.fixedPatient() == null ? " adt" : " configured"));
            }
            audit.record("configuration-loaded", loaded);
            PatientAssociations associations = s.beds().adt() == null
                    ? null
                    : PatientAssociations.open(
                            s.dataDirectory().resolve("patients/adt-events.jsonl"),
                            BedAssociations.adtBeds(s.beds()),
                            audit);
            return new BedAssociations(s.beds(), associations, audit);
        } catch (IOException e) {
            throw dataDirectory("cannot open the audit log or the ADT journal: " + e.getMessage(), e);
        }
    }

    void closeBedAssociations(@Disposes BedAssociations beds) {
        beds.close();
    }

    @Produces
    @Singleton
    UplinkWorker uplink(GatewaySettings s, GuardedStore store, SystemClock clock, BedAssociations beds) {
        return new UplinkWorker(
                s.uplink(),
                store,
                s.deviceContexts(),
                beds,
                deadLetters(s.dataDirectory(), UplinkWorker.CURSOR),
                InstantSource.system(),
                clock);
    }

    @Produces
    @Singleton
    Consumers consumers(UplinkWorker uplink) {
        return new Consumers(List.of(uplink.consumer()));
    }

    /** How much waits for the uplink, computed at most every 2 s however often it is asked. */
    @Produces
    @Singleton
    BufferStats bufferStats(GuardedStore store) {
        return new BufferStats(store, UplinkWorker.CURSOR, Duration.ofSeconds(2));
    }

    /**
     * A consumer's dead letters, {@code <data-dir>/dead-letters/<consumer>}. The uplink's used to be
     * {@code <data-dir>/dead-letters} itself: they are moved into {@code uplink/} once.
     */
    static DeadLetterStore deadLetters(Path dataDirectory, String consumer) {
        Path root = dataDirectory.resolve("dead-letters");
        Path dir = root.resolve(consumer);
        try {
            DeadLetterStore store = new DeadLetterStore(dir);
            if (consumer.equals(UplinkWorker.CURSOR)) {
                moveInto(root, dir);
                moveInto(root.resolve("retried"), dir.resolve("retried"));
            }
            return store;
        } catch (IOException e) {
            throw dataDirectory("cannot use the dead letters in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void moveInto(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (DirectoryStream<Path> old = Files.newDirectoryStream(from, "*.json")) {
            for (Path f : old) {
                Files.move(f, to.resolve(f.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    private static IllegalStateException dataDirectory(String message, Exception cause) {
        LOG.error("The gateway does not start: gateway.data-dir: {}", message);
        return new IllegalStateException("gateway.data-dir: " + message, cause);
    }
}
