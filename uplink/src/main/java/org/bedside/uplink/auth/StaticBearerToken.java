package org.bedside.uplink.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.bedside.common.Backoff;
import org.bedside.common.tls.SecretFile;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bearer token that something else keeps in a file (a script, a sidecar, an operator), for servers that offer no
 * client credentials. The file is read again when it changes; a 401 re-reads it and retries once if it holds a new
 * token, and otherwise waits with back-off until the file changes, which ends the wait at once.
 */
final class StaticBearerToken implements FhirAuthorization {
    private static final Logger LOG = LoggerFactory.getLogger(StaticBearerToken.class);

    private final Path file;
    private final Backoff refusedBackoff;
    private @Nullable String token;
    private @Nullable FileTime readAt;
    private long size = -1;
    private long holdUntilNanos = System.nanoTime();
    private String holdReason = "";
    private AuthStatus.State state = AuthStatus.State.STARTING;
    private String detail;
    private Instant since = Instant.now();
    private long reads;

    StaticBearerToken(Path file, Duration refusedRetryDelay) throws AuthConfigException {
        this.file = file;
        this.refusedBackoff = new Backoff(refusedRetryDelay, refusedRetryDelay.multipliedBy(30));
        this.detail = "token from " + file;
        try {
            reload(true);
        } catch (IOException e) {
            throw new AuthConfigException(AuthConfigException.Field.TOKEN_FILE, e.getMessage());
        }
    }

    /** Reads the file if it changed; returns whether the token changed. */
    private boolean reload(boolean force) throws IOException {
        FileTime modified = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
        long newSize = Files.exists(file) ? Files.size(file) : -1;
        if (!force && modified != null && modified.equals(readAt) && newSize == size) {
            return false;
        }
        String read = SecretFile.readText(file, "the token file");
        readAt = modified;
        size = newSize;
        reads++;
        boolean changed = !read.equals(token);
        token = read;
        return changed;
    }

    @Override
    public synchronized Credential credential() {
        boolean changed;
        try {
            changed = reload(false);
        } catch (IOException e) {
            hold(AuthStatus.State.CLIENT_REFUSED, e.getMessage(), refusedBackoff.nextDelay());
            return new Credential.Unavailable(holdReason, Duration.ofNanos(holdUntilNanos - System.nanoTime()));
        }
        long now = System.nanoTime();
        if (changed) {
            holdUntilNanos = now; // a new token ends any wait
        }
        if (now - holdUntilNanos < 0) {
            return new Credential.Unavailable(holdReason, Duration.ofNanos(holdUntilNanos - now));
        }
        return new Credential.Bearer(java.util.Objects.requireNonNull(token));
    }

    @Override
    public synchronized Duration unauthorized(Credential used, Challenge challenge) {
        try {
            if (reload(false)
                    || (used instanceof Credential.Bearer b && !b.token().equals(token))) {
                return Duration.ZERO; // a new token arrived: worth one retry
            }
        } catch (IOException e) {
            // said below
        }
        Duration wait = refusedBackoff.nextDelay();
        hold(
                AuthStatus.State.TOKEN_REFUSED,
                "the FHIR server refuses the token in " + file + " (" + challenge.describe()
                        + "): put a valid token in the file (it is read again when it changes)",
                wait);
        return wait;
    }

    @Override
    public synchronized Duration forbidden(Credential used, Challenge challenge) {
        Duration wait = refusedBackoff.nextDelay();
        hold(
                AuthStatus.State.FORBIDDEN,
                "the FHIR server refuses the gateway's requests with the token in " + file + " (" + challenge.describe()
                        + "): the token lacks a permission the gateway needs",
                wait);
        return wait;
    }

    @Override
    public synchronized void accepted(Credential used) {
        refusedBackoff.reset();
        if (state != AuthStatus.State.READY) {
            state = AuthStatus.State.READY;
            detail = "the FHIR server accepts the token from " + file;
            since = Instant.now();
        }
    }

    @Override
    public synchronized AuthStatus status() {
        return new AuthStatus(state, "bearer token file", detail, since, null, null, null, reads, 0);
    }

    private void hold(AuthStatus.State newState, String reason, Duration wait) {
        holdUntilNanos = System.nanoTime() + wait.toNanos();
        holdReason = reason + "; readings are kept, trying again in " + Math.max(1, wait.toSeconds()) + " s";
        if (newState != state || !reason.equals(detail)) {
            LOG.warn("Uplink authorization: {}", holdReason);
            since = Instant.now();
        }
        state = newState;
        detail = reason;
    }
}
