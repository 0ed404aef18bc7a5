package org.bedside.drivers.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.bedside.drivers.spi.DeviceSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rules of docs/architecture.md that the module graph alone does not enforce. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.bedside");
    }

    @Test
    void librariesArePlainJava() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.quarkus..", "jakarta..", "org.eclipse.microprofile..")
                .because("only gateway-runtime knows Quarkus, CDI or MicroProfile")
                .check(classes);
    }

    @Test
    void theModelIsOnlyData() {
        noClasses()
                .that()
                .resideInAPackage("org.bedside.model..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.bedside.drivers..", "java.io..", "java.net..", "org.slf4j..")
                .because("readings are values that every module reads")
                .check(classes);
    }

    /**
     * Every driver package: all of {@code org.bedside.drivers.*} but the SPI, transports, pipeline, the capture file
     * and the replay tool.
     */
    private static final DescribedPredicate<JavaClass> IN_A_PROTOCOL_PACKAGE = resideInAPackage(
                    "org.bedside.drivers.*..")
            .and(not(resideInAnyPackage(
                    "org.bedside.drivers.spi..",
                    "org.bedside.drivers.transport..",
                    "org.bedside.drivers.pipeline..",
                    "org.bedside.drivers.capture..",
                    "org.bedside.drivers.replay..")))
            .as("a protocol package");

    private static final Class<?>[] IO_CLASSES = {
        IOException.class,
        UncheckedIOException.class,
        ByteArrayOutputStream.class,
        ByteArrayInputStream.class,
        Serializable.class
    };

    /** java.io types that do no I/O: exceptions and in-memory streams (a JSON encoder writes to a byte array). */
    private static final Set<String> IO_WITHOUT_IO = Set.of(
            IOException.class.getName(),
            UncheckedIOException.class.getName(),
            ByteArrayOutputStream.class.getName(),
            ByteArrayInputStream.class.getName(),
            Serializable.class.getName());

    private static final DescribedPredicate<JavaClass> DOING_IO = resideInAnyPackage(
                    "org.bedside.drivers.transport..",
                    "org.bedside.drivers.pipeline..",
                    "java.net..",
                    "java.nio.file..",
                    "java.nio.channels..",
                    "org.slf4j..")
            .or(resideInAPackage("java.io..").and(not(JavaClass.Predicates.belongToAnyOf(IO_CLASSES))))
            .as("a transport, the pipeline, a file, a socket or a logger");

    @Test
    void everyProtocolPackageIsCoveredByThePurityRule() {
        Set<String> packages = new TreeSet<>();
        for (JavaClass c : classes) {
            if (IN_A_PROTOCOL_PACKAGE.test(c)) {
                packages.add(c.getPackageName()
                        .substring("org.bedside.drivers.".length())
                        .split("\\.")[0]);
            }
        }
        assertThat(packages)
                .containsAll(List.of("bbraun", "framing", "gedri", "ivue", "masimo", "medibus", "nonin", "senml"));
        assertThat(IO_WITHOUT_IO).hasSize(IO_CLASSES.length);
    }

    @Test
    void framersDecodersAndSessionsDoNoIo() {
        noClasses()
                .that(IN_A_PROTOCOL_PACKAGE)
                .should()
                .dependOnClassesThat(DOING_IO)
                .because("framers and decoders are pure, bytes in, frames and readings out; sessions write through"
                        + " their SessionLink: a protocol package has no way to the wire but the pipeline's")
                .check(classes);
    }

    @Test
    void sessionsTalkThroughTheirLinkOnly() {
        noClasses()
                .that()
                .implement(DeviceSession.class)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.bedside.drivers.transport..",
                        "org.bedside.drivers.pipeline..",
                        "java.net..",
                        "java.nio.file..")
                .because("a session writes through its SessionLink and is driven with a fake clock in tests")
                .check(classes);
    }

    @Test
    void onlyTheReplayToolWritesToTheConsole() {
        noClasses()
                .that()
                .resideOutsideOfPackage("org.bedside.drivers.replay..")
                .should()
                .accessField(System.class, "out")
                .orShould()
                .accessField(System.class, "err")
                .orShould()
                .callMethod(Throwable.class, "printStackTrace")
                .because("libraries log through SLF4J, without patient data")
                .check(classes);
    }

    @Test
    void nothingUsesJavaUtilLogging() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("java.util.logging..")
                .because("libraries log through SLF4J")
                .check(classes);
    }
}
