package org.bedside.runtime.security;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bedside.runtime.config.HttpSettings;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users as they are now: the users file read at start, and read again when it changes ({@code bedside user add}
 * takes effect without a restart). A changed file that cannot be used is reported once and the previous users stay in
 * force, as with the TLS files.
 *
 * <p>A successful sign-in is remembered for {@link #REMEMBERED} as a salted SHA-256 of the password (the salt is random
 * per process), so that a browser's page, scripts and stream do not each cost a bcrypt of a quarter second or more on
 * the box; a wrong password is never remembered and always costs the bcrypt, and a changed hash in the file forgets
 * the sign-in.
 */
@Singleton
public class HttpUsers {
    private static final Logger LOG = LoggerFactory.getLogger(HttpUsers.class);

    static final Duration REMEMBERED = Duration.ofMinutes(5);

    private record SignIn(byte[] digest, String hash, long untilNanos) {}

    private final byte[] salt = new byte[32];
    private final Map<String, SignIn> signedIn = new ConcurrentHashMap<>();
    private final @Nullable Path file;
    private UsersFile users;
    private @Nullable FileTime seen;

    @Inject
    public HttpUsers(HttpSettings settings) {
        this.file = settings.usersFile();
        this.users = settings.users();
        this.seen = modified();
        new SecureRandom().nextBytes(salt);
    }

    /** The user whose password this is, or empty. Blocking: bcrypt takes a good part of a second on purpose. */
    public Optional<UsersFile.User> authenticate(String name, char[] password) {
        UsersFile now = current();
        byte[] digest = digest(name, password);
        SignIn known = signedIn.get(name);
        Optional<UsersFile.User> user = now.find(name);
        if (known != null
                && user.isPresent()
                && known.hash().equals(user.get().hash())
                && System.nanoTime() - known.untilNanos() < 0
                && MessageDigest.isEqual(known.digest(), digest)) {
            return user;
        }
        Optional<UsersFile.User> checked = now.authenticate(name, password);
        checked.ifPresent(
                u -> signedIn.put(name, new SignIn(digest, u.hash(), System.nanoTime() + REMEMBERED.toNanos())));
        return checked;
    }

    private byte[] digest(String name, char[] password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            sha.update(name.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(new String(password).getBytes(StandardCharsets.UTF_8));
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public Optional<UsersFile.User> find(String name) {
        return current().find(name);
    }

    private synchronized UsersFile current() {
        FileTime now = modified();
        if (file != null && now != null && !now.equals(seen)) {
            seen = now;
            try {
                users = UsersFile.read(file);
                LOG.info("The users file {} was read again: {} users", file, users.size());
            } catch (IOException e) {
                LOG.warn("The changed users file is not used, the previous users stay: {}", e.getMessage());
            }
        }
        return users;
    }

    private @Nullable FileTime modified() {
        if (file == null) {
            return null;
        }
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }
}
