package org.bedside.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SandboxOptionsTest {

    @Test
    void defaultsToPort8090AndAFreshInMemoryDatabase() {
        var options = SandboxOptions.parse();

        assertThat(options.port()).isEqualTo(8090);
        assertThat(options.database().persistent()).isFalse();
        assertThat(options.database().jdbcUrl()).startsWith("jdbc:h2:mem:fhir-").contains("DB_CLOSE_DELAY=-1");
        assertThat(SandboxOptions.parse().database()).isNotEqualTo(options.database());
        assertThat(options.readyFile()).isEmpty();
        assertThat(options.seedPatients()).isEmpty();
    }

    @Test
    void parsesEveryOption() {
        var options = SandboxOptions.parse(
                "--port", "0",
                "--db", "file:some/dir/fhir",
                "--ready-file", "/tmp/x/ready",
                "--seed-patient", "bed-1",
                "--seed-patient", "icu.2");

        assertThat(options.port()).isZero();
        assertThat(options.database().persistent()).isTrue();
        assertThat(options.database().jdbcUrl())
                .startsWith("jdbc:h2:file:" + Path.of("some/dir/fhir").toAbsolutePath() + ";");
        assertThat(options.readyFile()).contains(Path.of("/tmp/x/ready"));
        assertThat(options.seedPatients()).containsExactly("bed-1", "icu.2");
    }

    @Test
    void rejectsNumericPatientIdsWithAHint() {
        assertThatThrownBy(() -> SandboxOptions.parse("--seed-patient", "12345"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("all digits")
                .hasMessageContaining("bed-12345");
    }

    @Test
    void rejectsMalformedInput() {
        assertThatThrownBy(() -> SandboxOptions.parse("--seed-patient", "bed 1"))
                .hasMessageContaining("not a FHIR id");
        assertThatThrownBy(() -> SandboxOptions.parse("--port", "http"))
                .hasMessageContaining("--port must be a number");
        assertThatThrownBy(() -> SandboxOptions.parse("--port", "70000")).hasMessageContaining("0..65535");
        assertThatThrownBy(() -> SandboxOptions.parse("--db", "postgres")).hasMessageContaining("'mem' or 'file:PATH'");
        assertThatThrownBy(() -> SandboxOptions.parse("--port")).hasMessageContaining("--port needs a value");
        assertThatThrownBy(() -> SandboxOptions.parse("--colour", "red")).hasMessageContaining("unknown option");
    }
}
