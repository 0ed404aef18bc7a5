package org.bedside.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The broker's users file: who may connect, with which password, and on which topics each may publish and subscribe.
 * Plain JDK code, shared by the broker and its launcher (which writes the file).
 *
 * <pre>
 * # one block per user; a topic rule is an MQTT topic filter (+ and # allowed)
 * user bed12-spo2
 * password pbkdf2-sha256:20000:3q2+7w==:kLz...=
 * publish bedside/ingest/bed12-spo2
 *
 * user icu-gw-12
 * password pbkdf2-sha256:20000:...
 * subscribe bedside/ingest/#
 * publish bedside/icu-gw-12/#
 * </pre>
 *
 * <p>Passwords are stored as salted PBKDF2-HMAC-SHA256 hashes, never in clear. Everything a user's rules do not allow is
 * denied: a sensor that publishes on another device's topic gets PUBACK reason code 0x87 (not authorized) under MQTT 5,
 * and the broker closes its connection (under MQTT 3.1.1, which has no such code, it only closes the connection).
 */
public final class BrokerUsers {

    /** One user and their topic rules. */
    public record User(String name, String passwordHash, List<String> publish, List<String> subscribe) {
        public User {
            checkName(name);
            publish = List.copyOf(publish);
            subscribe = List.copyOf(subscribe);
            publish.forEach(BrokerUsers::checkFilter);
            subscribe.forEach(BrokerUsers::checkFilter);
        }

        /** A user whose password is given in clear; it is hashed here. */
        public static User withPassword(String name, String password, List<String> publish, List<String> subscribe) {
            return new User(name, hash(password), publish, subscribe);
        }
    }

    private static final String SCHEME = "pbkdf2-sha256";
    private static final int ITERATIONS = 20_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, User> users;

    private BrokerUsers(Map<String, User> users) {
        this.users = users;
    }

    public static BrokerUsers of(List<User> list) {
        Map<String, User> map = new LinkedHashMap<>();
        for (User u : list) {
            if (map.put(u.name(), u) != null) {
                throw new IllegalArgumentException("user '" + u.name() + "' is given twice");
            }
        }
        return new BrokerUsers(map);
    }

    public List<User> users() {
        return List.copyOf(users.values());
    }

    public Optional<User> user(String name) {
        return Optional.ofNullable(users.get(name));
    }

    /** The user, if the password is theirs. Takes about as long whether the user exists or not. */
    public Optional<User> authenticate(String name, byte[] password) {
        User u = users.get(name);
        String stored = u != null ? u.passwordHash() : DUMMY_HASH;
        boolean ok = verify(password, stored);
        return ok && u != null ? Optional.of(u) : Optional.empty();
    }

    private static final String DUMMY_HASH = hash("no such user");

    /** Reads a users file; throws {@link IllegalArgumentException} naming the line of any mistake. */
    public static BrokerUsers read(Path file) throws IOException {
        List<User> list = new ArrayList<>();
        String name = null;
        String hash = null;
        List<String> publish = new ArrayList<>();
        List<String> subscribe = new ArrayList<>();
        int lineNo = 0;
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.indexOf(' ');
            String key = space < 0 ? line : line.substring(0, space);
            String value = space < 0 ? "" : line.substring(space + 1).strip();
            try {
                switch (key) {
                    case "user" -> {
                        if (name != null) {
                            list.add(finish(name, hash, publish, subscribe));
                        }
                        name = value;
                        hash = null;
                        publish = new ArrayList<>();
                        subscribe = new ArrayList<>();
                    }
                    case "password" -> {
                        requireUser(name, key);
                        hash = value;
                    }
                    case "publish" -> {
                        requireUser(name, key);
                        publish.add(value);
                    }
                    case "subscribe" -> {
                        requireUser(name, key);
                        subscribe.add(value);
                    }
                    default ->
                        throw new IllegalArgumentException(
                                "unknown key '" + key + "' (expected user, password, publish or subscribe)");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + lineNo + ": " + e.getMessage(), e);
            }
        }
        if (name != null) {
            try {
                list.add(finish(name, hash, publish, subscribe));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }
        return of(list);
    }

    /** Writes the users file (mode 0600 where the file system has permissions). */
    public void write(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("# MQTT broker users (written by the launcher)\n");
        for (User u : users.values()) {
            sb.append("\nuser ").append(u.name()).append('\n');
            sb.append("password ").append(u.passwordHash()).append('\n');
            u.publish().forEach(t -> sb.append("publish ").append(t).append('\n'));
            u.subscribe().forEach(t -> sb.append("subscribe ").append(t).append('\n'));
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }

    private static User finish(
            String name, @org.jspecify.annotations.Nullable String hash, List<String> publish, List<String> subscribe) {
        if (hash == null) {
            throw new IllegalArgumentException("user '" + name + "' has no password line");
        }
        if (!hash.startsWith(SCHEME + ":")) {
            throw new IllegalArgumentException("user '" + name + "': the password must be a " + SCHEME + " hash");
        }
        return new User(name, hash, publish, subscribe);
    }

    private static void requireUser(@org.jspecify.annotations.Nullable String name, String key) {
        if (name == null) {
            throw new IllegalArgumentException("'" + key + "' before any 'user' line");
        }
    }

    static void checkName(String name) {
        if (name.isEmpty() || name.length() > 128 || !name.chars().allMatch(c -> c > ' ' && c < 127)) {
            throw new IllegalArgumentException(
                    "a user name is 1 to 128 printable ASCII characters without spaces: '" + name + "'");
        }
    }

    static void checkFilter(String filter) {
        if (filter.isEmpty() || filter.contains(" ")) {
            throw new IllegalArgumentException("a topic rule is an MQTT topic filter without spaces: '" + filter + "'");
        }
        int hash = filter.indexOf('#');
        if (hash >= 0 && (hash != filter.length() - 1 || (hash > 0 && filter.charAt(hash - 1) != '/'))) {
            throw new IllegalArgumentException("'#' may only stand last, after a '/': '" + filter + "'");
        }
    }

    /** {@code pbkdf2-sha256:<iterations>:<salt>:<hash>}, Base64. */
    public static String hash(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] derived = derive(password.toCharArray(), salt, ITERATIONS);
        Base64.Encoder b64 = Base64.getEncoder();
        return SCHEME + ":" + ITERATIONS + ":" + b64.encodeToString(salt) + ":" + b64.encodeToString(derived);
    }

    static boolean verify(byte[] password, String stored) {
        String[] parts = stored.split(":");
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            char[] chars = new String(password, StandardCharsets.UTF_8).toCharArray();
            return MessageDigest.isEqual(expected, derive(chars, salt, iterations));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        }
    }
}
