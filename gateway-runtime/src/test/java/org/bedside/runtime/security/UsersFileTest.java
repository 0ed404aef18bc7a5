package org.bedside.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersFileTest {
    @TempDir
    Path dir;

    private int user(String password, String... args) throws IOException {
        return UserCommand.run(
                args,
                new BufferedReader(new StringReader(password + "\n")),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void bedsideUserAddWritesAFileOnlyItsOwnerCanReadThatAuthenticatesByBcrypt() throws Exception {
        Path file = dir.resolve("users");
        assertThat(user("correct horse", "add", "biomed", "--role", "operator", "--file", file.toString()))
                .isZero();
        assertThat(user("battery staple", "add", "nurse", "--file", file.toString()))
                .isZero();
        assertThat(user("again", "add", "nurse", "--file", file.toString())).isEqualTo(1);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(file)).doesNotContain("correct horse").contains("biomed:$2a$12$");

        UsersFile users = UsersFile.read(file);
        assertThat(users.authenticate("biomed", "correct horse".toCharArray()))
                .hasValueSatisfying(u -> assertThat(u.roles()).containsExactly("operator"));
        assertThat(users.authenticate("nurse", "battery staple".toCharArray()))
                .hasValueSatisfying(u -> assertThat(u.roles()).containsExactly("viewer"));
        assertThat(users.authenticate("biomed", "battery staple".toCharArray())).isEmpty();
        assertThat(users.authenticate("nobody", "correct horse".toCharArray())).isEmpty();
        assertThat(users.find("biomed").orElseThrow().toString()).doesNotContain("$2a$");
    }

    @Test
    void aBadLineIsNamedByItsNumberWithoutTheHash() {
        String hash = io.quarkus.elytron.security.common.BcryptUtil.bcryptHash("x", 4);
        assertThatThrownBy(() -> UsersFile.parse("users", "# comment\n\nops:" + hash + "\n"))
                .hasMessage("users line 3 is not NAME:BCRYPT-HASH:ROLES");
        assertThatThrownBy(() -> UsersFile.parse("users", "ops:{MD5}abc:operator\n"))
                .hasMessage("users line 1: the password of ops is not a bcrypt hash ($2a$...)");
        assertThatThrownBy(() -> UsersFile.parse("users", "ops:" + hash + ":operator\nops:" + hash + ":viewer\n"))
                .hasMessage("users line 2: ops is given twice");
        assertThatThrownBy(() -> UsersFile.parse("users", "o ps:" + hash + ":viewer\n"))
                .hasMessageStartingWith("users line 1: the name must be");
    }

    @Test
    void aUsersFileOthersCanReadIsRefused() throws Exception {
        Path file = dir.resolve("users");
        Files.writeString(file, UsersFile.line("ops", "pw".toCharArray(), Set.of("operator")) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> UsersFile.read(file)).hasMessageContaining("chmod 600 " + file);
    }
}
