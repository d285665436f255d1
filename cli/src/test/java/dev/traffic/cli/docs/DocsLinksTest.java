package dev.traffic.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every relative link and anchor in README.md and docs/ resolves. */
class DocsLinksTest {

    @Test
    void everyRelativeLinkAndAnchorInTheDocsResolves() {
        Path repo = MarkdownLinks.repositoryRoot();
        MarkdownLinks links = new MarkdownLinks();
        List<MarkdownLinks.Broken> broken = new ArrayList<>();
        List<Path> files = MarkdownLinks.documentation(repo);
        for (Path f : files) broken.addAll(links.check(f));
        assertThat(files).hasSizeGreaterThan(10);
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void theReadmeIsALandingPage() throws Exception {
        Path readme = MarkdownLinks.repositoryRoot().resolve("README.md");
        assertThat(Files.size(readme)).as("README.md bytes (a landing page: move details to docs/)").isLessThanOrEqualTo(8 * 1024);
    }

    @Test
    void aBrokenFileLinkOrAnchorIsReported(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/page.md"), """
                # Page title
                ## The `ca` command (`traffic ca`)
                ## Repeated
                ## Repeated
                <a id="custom"></a>
                """);
        Files.writeString(dir.resolve("index.md"), """
                [ok](sub/page.md) [ok](sub/page.md#page-title) [ok](sub/page.md#the-ca-command-traffic-ca)
                [ok](sub/page.md#repeated-1) [ok](sub/page.md#custom) [ok](sub/) [ok](#local) [web](https://example.com/x#y)
                `[in code](missing.md)`
                ```
                [in a fence](missing.md)
                ```
                ## Local
                [missing file](nope.md) [missing anchor](sub/page.md#nope) [missing local](#nowhere)
                [ref]: sub/absent.md
                """);
        List<MarkdownLinks.Broken> broken = new MarkdownLinks().check(dir.resolve("index.md"));
        assertThat(broken).extracting(MarkdownLinks.Broken::link)
                .containsExactly("nope.md", "sub/page.md#nope", "#nowhere", "sub/absent.md");
        assertThat(broken).extracting(MarkdownLinks.Broken::line).containsExactly(8, 8, 8, 9);
    }
}
