package dev.traffic.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.cli.CliReference;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/reference/cli.md is generated from the annotations and must match them: an option added,
 * renamed or re-described without regenerating fails here. {@code -Dtraffic.docs.update=true} rewrites it.
 */
class CliReferenceTest {

    @Test
    void theCommittedCliReferenceMatchesTheAnnotations() throws Exception {
        Path file = MarkdownLinks.repositoryRoot().resolve("docs/reference/cli.md");
        String generated = CliReference.markdown();
        if (Boolean.getBoolean("traffic.docs.update")) Files.writeString(file, generated);
        assertThat(Files.readString(file))
                .as("docs/reference/cli.md is out of date: regenerate it with "
                        + "mvn -B -o -q -pl cli -am -Dtest=CliReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -Dtraffic.docs.update=true verify")
                .isEqualTo(generated);
    }

    @Test
    void everyVisibleCommandIsInTheReference() {
        String md = CliReference.markdown();
        assertThat(md).contains("### traffic proxy").contains("### traffic search").contains("#### traffic ca trust")
                .contains("`--listen HOST:PORT`").doesNotContain("cds-train");
    }
}
