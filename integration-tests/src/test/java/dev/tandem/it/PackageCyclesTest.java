package dev.tandem.it;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No two packages of Tandem's main code depend on each other, directly or around a loop: each
 * package can be read, tested and changed knowing only the packages below it. Reads the compiled
 * classes of every module of the build.
 */
class PackageCyclesTest {

    @Test
    void packagesAreFreeOfCycles() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> compiled;
        try (Stream<Path> modules = Files.list(root)) {
            compiled = modules.map(m -> m.resolve("target/classes")).filter(Files::isDirectory).sorted().toList();
        }
        assertThat(compiled).as("the compiled main classes of the modules (built before this one)")
                .anyMatch(p -> p.toString().contains("oceanbase-sink-connector"))
                .anyMatch(p -> p.toString().contains("source-core"));
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPaths(compiled);
        assertThat(classes.stream().map(c -> c.getPackageName()).distinct().count()).as("packages read").isGreaterThan(20);
        slices().matching("dev.tandem.(**)").should().beFreeOfCycles().check(classes);
    }
}
