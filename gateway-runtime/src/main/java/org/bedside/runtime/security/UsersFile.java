package org.bedside.runtime.security;

import io.quarkus.elytron.security.common.BcryptUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.bedside.common.tls.SecretFile;

/**
 * The users of the gateway's own HTTP: {@code gateway.http.users-file}, one user a line, {@code NAME:BCRYPT:ROLES} —
 * the name, the bcrypt hash of the password ({@code $2a$12$...}) and the roles separated by commas ({@code viewer},
 * {@code clinician}, {@code operator}). Lines starting with {@code #} and empty lines are ignored. The first two fields are what {@code
 * htpasswd -nB NAME} prints, but the gateway's own {@code bedside user add} is the way to write a line.
 *
 * <p>The file holds password hashes, so it is read like every other secret: refused when its group or others can read
 * it ({@link SecretFile}). Messages name the file and the line, never a hash.
 */
public final class UsersFile {
    /** bcrypt's cost: 2^12 rounds, about a quarter of a second on a box's ARM core. */
    public static final int COST = 12;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$\\d{2}\\$[./A-Za-z0-9]{53}");

    /** One user. */
    public record User(String name, String hash, Set<String> roles) {
        public User {
            roles = Set.copyOf(roles);
        }

        @Override
        public String toString() {
            return "User[" + name + " " + roles + "]"; // never the hash
        }
    }

    private final Map<String, User> users;

    private UsersFile(Map<String, User> users) {
        this.users = Map.copyOf(users);
    }

    public static UsersFile none() {
        return new UsersFile(Map.of());
    }

    /**
     * Reads and checks the file.
     *
     * @throws IOException naming the file and what is wrong: readable by others, a bad line (by its number), an unknown
     *     role, a name given twice, a hash that is not bcrypt
     */
    public static UsersFile read(Path file) throws IOException {
        String text = new String(SecretFile.read(file, "the users file"), StandardCharsets.UTF_8);
        return parse(file.toString(), text);
    }

    static UsersFile parse(String where, String text) throws IOException {
        Map<String, User> users = new LinkedHashMap<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String at = where + " line " + (i + 1);
            String[] fields = line.split(":", -1);
            if (fields.length != 3) {
                throw new IOException(at + " is not NAME:BCRYPT-HASH:ROLES");
            }
            String name = fields[0];
            if (!NAME.matcher(name).matches()) {
                throw new IOException(at + ": the name must be 1 to 64 letters, digits, '.', '_', '@' or '-'");
            }
            if (!BCRYPT.matcher(fields[1]).matches()) {
                throw new IOException(at + ": the password of " + name + " is not a bcrypt hash ($2a$...)");
            }
            Set<String> roles = new LinkedHashSet<>();
            for (String role : fields[2].split(",")) {
                String r = role.strip();
                if (!HttpAccess.ROLES.contains(r)) {
                    throw new IOException(at + ": '" + r + "' is not a role (" + HttpAccess.VIEWER + ", "
                            + HttpAccess.CLINICIAN + ", " + HttpAccess.OPERATOR + ")");
                }
                roles.add(r);
            }
            if (users.put(name, new User(name, fields[1], roles)) != null) {
                throw new IOException(at + ": " + name + " is given twice");
            }
        }
        return new UsersFile(users);
    }

    public Optional<User> find(String name) {
        return Optional.ofNullable(users.get(name));
    }

    public int size() {
        return users.size();
    }

    /**
     * The user whose password this is, or empty. An unknown name costs the same bcrypt work as a known one, so that the
     * time taken does not tell which names exist.
     */
    public Optional<User> authenticate(String name, char[] password) {
        User u = users.get(name);
        String plain = new String(password);
        boolean matches = BcryptUtil.matches(plain, u == null ? UNKNOWN_USER_HASH : u.hash());
        return u != null && matches ? Optional.of(u) : Optional.empty();
    }

    /** A hash of a random password, checked against when the name is unknown. */
    private static final String UNKNOWN_USER_HASH =
            BcryptUtil.bcryptHash(java.util.UUID.randomUUID().toString(), COST);

    /** One line of the file for {@code name} with {@code password}, for {@code bedside user add}. */
    public static String line(String name, char[] password, Set<String> roles) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a name is 1 to 64 letters, digits, '.', '_', '@' or '-'");
        }
        for (String r : roles) {
            if (!HttpAccess.ROLES.contains(r)) {
                throw new IllegalArgumentException("'" + r + "' is not a role (" + HttpAccess.VIEWER + ", "
                        + HttpAccess.CLINICIAN + ", " + HttpAccess.OPERATOR + ")");
            }
        }
        String hash = BcryptUtil.bcryptHash(new String(password), COST);
        Arrays.fill(password, '\0');
        return name + ":" + hash + ":" + String.join(",", roles);
    }
}
