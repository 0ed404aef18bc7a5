package org.bedside.drivers.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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

    @Test
    void framersAndDecodersDoNoIo() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "org.bedside.drivers.masimo..", "org.bedside.drivers.gedri..", "org.bedside.drivers.framing..")
                .and()
                .doNotImplement(DeviceSession.class)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.bedside.drivers.transport..",
                        "org.bedside.drivers.pipeline..",
                        "java.io..",
                        "java.net..",
                        "java.nio.file..",
                        "org.slf4j..")
                .because("framers and decoders are pure: bytes in, frames and readings out")
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
    void theIntelliVueDriverDoesNoIoOutsideItsSession() {
        noClasses()
                .that()
                .resideInAPackage("org.bedside.drivers.ivue..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.bedside.drivers.transport..",
                        "org.bedside.drivers.pipeline..",
                        "java.net..",
                        "java.nio.file..",
                        "org.slf4j..")
                .because("the session writes through its SessionLink; decoding is pure")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("org.bedside.drivers.ivue..")
                .and()
                .haveSimpleNameNotEndingWith("Session")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("java.io..")
                .because("framers and decoders are pure: bytes in, frames and readings out")
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
