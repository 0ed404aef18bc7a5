package org.bedside.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerUsersTest {

    @Test
    void writesAndReadsBackUsersWithHashedPasswordsAndTheirRules(@TempDir Path dir) throws Exception {
        var users = BrokerUsers.of(List.of(
                BrokerUsers.User.withPassword("bed12-spo2", "s3cret", List.of("bedside/ingest/bed12-spo2"), List.of()),
                BrokerUsers.User.withPassword("gw", "other", List.of("bedside/gw/#"), List.of("bedside/ingest/#"))));
        Path file = dir.resolve("users.conf");
        users.write(file);

        assertThat(Files.readString(file)).doesNotContain("s3cret").contains("pbkdf2-sha256:");
        BrokerUsers read = BrokerUsers.read(file);
        assertThat(read.users()).extracting(BrokerUsers.User::name).containsExactly("bed12-spo2", "gw");
        assertThat(read.user("gw").orElseThrow().subscribe()).containsExactly("bedside/ingest/#");
        assertThat(read.authenticate("bed12-spo2", "s3cret".getBytes(StandardCharsets.UTF_8)))
                .isPresent();
        assertThat(read.authenticate("bed12-spo2", "S3cret".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        assertThat(read.authenticate("nobody", "s3cret".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
    }

    @Test
    void namesTheLineOfAMistake(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("users.conf");
        Files.writeString(file, "user a\npassword " + BrokerUsers.hash("x") + "\npublsh a/b\n");
        assertThatThrownBy(() -> BrokerUsers.read(file))
                .hasMessageContaining("line 3")
                .hasMessageContaining("unknown key 'publsh'");

        Files.writeString(file, "user a\npassword " + BrokerUsers.hash("x") + "\npublish a/#/b\n");
        assertThatThrownBy(() -> BrokerUsers.read(file)).hasMessageContaining("'#' may only stand last");

        Files.writeString(file, "user a\npassword plain\n");
        assertThatThrownBy(() -> BrokerUsers.read(file)).hasMessageContaining("must be a pbkdf2-sha256 hash");
    }
}
