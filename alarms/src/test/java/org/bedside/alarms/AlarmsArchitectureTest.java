package org.bedside.alarms;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine is pure: readings and receive times in, alerts out. Only the evaluation command reads files. */
class AlarmsArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.bedside.alarms");
        assertThat(classes.contain(AlarmEngine.class))
                .as("the engine's classes were found")
                .isTrue();
    }

    @Test
    void theEngineAndTheLocalSignalsDecisionDoNoIoAndReadNoClock() {
        noClasses()
                .that()
                .resideInAnyPackage("org.bedside.alarms", "org.bedside.alarms.local")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "java.io..", "java.net..", "java.nio.file..", "java.util.concurrent..", "org.slf4j..")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.time.Clock")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.time.InstantSource")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.lang.Thread")
                .orShould()
                .callMethod(java.time.Instant.class, "now")
                .orShould()
                .callMethod(System.class, "currentTimeMillis")
                .orShould()
                .callMethod(System.class, "nanoTime")
                .because("tests script the engine and a replay must give the same alerts; the local signals' lamp test"
                        + " and audio pause are scripted with times too, with no threads or sleeps")
                .check(classes);
    }

    @Test
    void theLibraryIsPlainJava() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.quarkus..", "jakarta..", "org.eclipse.microprofile..")
                .because("only gateway-runtime knows Quarkus, CDI or MicroProfile")
                .check(classes);
    }
}
