package org.bedside.hl7.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The mappers are pure; only the MLLP transport does I/O. */
class Hl7ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.bedside.hl7");
    }

    @Test
    void messageMappersDoNoIo() {
        noClasses()
                .that()
                .resideInAnyPackage("org.bedside.hl7.pcd..", "org.bedside.hl7.adt..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.bedside.hl7.mllp..", "java.net..", "java.nio.file..", "org.slf4j..")
                .because("PCD-01 and ADT mapping is pure: a HAPI message in, readings or events out")
                .check(classes);
    }

    @Test
    void nothingPrintsToTheConsole() {
        noClasses()
                .should()
                .accessField(System.class, "out")
                .orShould()
                .accessField(System.class, "err")
                .because("messages carry patient data: only the rate-limited logs, without payload, report")
                .check(classes);
    }

    @Test
    void librariesArePlainJava() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.quarkus..", "jakarta..", "org.eclipse.microprofile..")
                .because("only gateway-runtime knows Quarkus")
                .check(classes);
    }
}
