package org.bedside.common.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * What the TLS code knows of the box's wall clock. Certificates are valid between two dates, so a box that booted on
 * 1970 (a Raspberry Pi has no real-time clock) sees every certificate as "not yet valid", and one whose clock ran ahead
 * sees them "expired": the error must then blame the clock, not the certificate. Certificates are checked at {@link
 * #now()}, so a test can give the gateway a wrong clock for real.
 */
public interface WallClock {

    Instant now();

    /** Why the clock should not be believed, in words; empty when there is no reason to doubt it. */
    Optional<String> doubt();

    /** The system clock, believed. */
    static WallClock system() {
        return of(InstantSource.system(), Optional::empty);
    }

    /**
     * The system clock, doubted when it reads earlier than {@code notBefore} (a date it certainly is not earlier than,
     * such as this release's) or when systemd-timesyncd manages it ({@code /run/systemd/timesync} exists) and has not
     * yet synchronised it. The same rules as the gateway's own clock check.
     */
    static WallClock system(Instant notBefore) {
        Path timesync = Path.of("/run/systemd/timesync");
        InstantSource source = InstantSource.system();
        return of(source, () -> {
            Instant now = source.instant();
            if (now.isBefore(notBefore)) {
                return Optional.of("it reads " + now + ", earlier than this software's release (" + notBefore + ")");
            }
            if (Files.isDirectory(timesync) && !Files.exists(timesync.resolve("synchronized"))) {
                return Optional.of("systemd-timesyncd has not synchronised it yet (no NTP server reached)");
            }
            return Optional.empty();
        });
    }

    /** A clock from its parts. */
    static WallClock of(InstantSource source, java.util.function.Supplier<Optional<String>> doubt) {
        return new WallClock() {
            @Override
            public Instant now() {
                return source.instant();
            }

            @Override
            public Optional<String> doubt() {
                return doubt.get();
            }
        };
    }
}
