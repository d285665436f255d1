package dev.traffic.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point inward: cli -> proxy-core -> detect, ca-tools, traffic-store -> traffic-model; Netty only in
 * proxy-core; the model depends on nothing; detect sees only the model.
 */
class ArchitectureTest {
    static final List<ArchRule> RULES = List.of(
            noClasses().that().resideInAnyPackage("dev.traffic.ca..", "dev.traffic.store..", "dev.traffic.detect..")
                    .should().dependOnClassesThat().resideInAnyPackage("io.netty..")
                    .as("no Netty in ca-tools, traffic-store or detect").allowEmptyShould(true),
            noClasses().that().resideInAPackage("dev.traffic.ca..")
                    .should().dependOnClassesThat().resideInAnyPackage(
                            "dev.traffic.store..", "dev.traffic.detect..", "dev.traffic.proxy..", "dev.traffic.cli..")
                    .as("ca-tools depends on no other module").allowEmptyShould(true),
            noClasses().that().resideInAPackage("dev.traffic.store..")
                    .should().dependOnClassesThat().resideInAnyPackage(
                            "dev.traffic.ca..", "dev.traffic.detect..", "dev.traffic.proxy..", "dev.traffic.cli..")
                    .as("traffic-store depends on no other module").allowEmptyShould(true),
            noClasses().that().resideInAPackage("dev.traffic.detect..")
                    .should().dependOnClassesThat().resideInAnyPackage(
                            "dev.traffic.ca..", "dev.traffic.store..", "dev.traffic.proxy..", "dev.traffic.cli..")
                    .as("detect depends only on traffic-model").allowEmptyShould(true),
            noClasses().that().resideInAPackage("dev.traffic.model..")
                    .should().dependOnClassesThat().resideInAnyPackage(
                            "dev.traffic.ca..", "dev.traffic.store..", "dev.traffic.detect..", "dev.traffic.proxy..",
                            "dev.traffic.cli..", "io.netty..", "org.apache.lucene..")
                    .as("traffic-model depends on no other module").allowEmptyShould(true),
            noClasses().that().resideInAPackage("dev.traffic.ship..")
                    .should().dependOnClassesThat().resideInAnyPackage(
                            "dev.traffic.ca..", "dev.traffic.detect..", "dev.traffic.proxy..", "dev.traffic.cli..", "io.netty..")
                    .as("traffic-ship sees only traffic-store and traffic-model").allowEmptyShould(true),
            noClasses().that().resideInAPackage("dev.traffic.proxy..")
                    .should().dependOnClassesThat().resideInAnyPackage("dev.traffic.cli..", "dev.traffic.detect..")
                    .as("proxy-core knows neither the cli nor detect (the detector plugs in as a request stage)")
                    .allowEmptyShould(true),
            noClasses().that().resideInAPackage("dev.traffic.ui..")
                    .should().dependOnClassesThat().resideInAnyPackage(
                            "dev.traffic.proxy..", "dev.traffic.cli..", "dev.traffic.detect..", "io.netty..")
                    .as("the web UI reads the store only: it never touches the proxy or its event loops").allowEmptyShould(true));

    @Test
    void productionCodeKeepsTheLayers() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.traffic");
        assertThat(classes.stream().map(c -> c.getPackageName()).distinct())
                .contains("dev.traffic.cli", "dev.traffic.model");
        RULES.forEach(rule -> rule.check(classes));
    }

    @Test
    void aNettyImportInTheStoreIsCaught() {
        JavaClasses bad = new ClassFileImporter().importClasses(dev.traffic.store.archfixture.NettyInStore.class);
        assertThatThrownBy(() -> RULES.get(0).check(bad))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("no Netty");
    }
}
