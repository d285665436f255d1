package dev.traffic.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.traffic.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Static checks of docker/Dockerfile: no Docker engine runs here or in CI, so the image is never
 * built in tests; this checks what can be checked without building it.
 */
class DockerfileTest {
    static Path root;
    static Dockerfile df;

    @BeforeAll
    static void parse() throws Exception {
        root = Repo.root();
        df = Dockerfile.parse(root.resolve("docker/Dockerfile"));
    }

    @Test
    void everyCopySourceFromTheContextExists() {
        int checked = 0;
        for (Dockerfile.Stage stage : df.stages()) {
            for (Dockerfile.Instruction copy : stage.all("COPY")) {
                if (Dockerfile.copyFrom(copy.args()) != null) continue;
                List<String> words = Dockerfile.copyWords(copy.args());
                assertThat(words).as("COPY %s", copy.args()).hasSizeGreaterThanOrEqualTo(2);
                for (String src : words.subList(0, words.size() - 1)) {
                    assertThat(root.resolve(src)).as("COPY source %s (context = repository root)", src).exists();
                    assertThat(src).as("COPY source %s is excluded by Dockerfile.dockerignore", src).doesNotContain("target");
                    checked++;
                }
            }
            assertThat(stage.all("ADD")).as("use COPY, not ADD").isEmpty();
        }
        assertThat(checked).isGreaterThan(5);
    }

    @Test
    void buildStageCopiesEveryModuleTheReactorLoads() throws Exception {
        String pom = Files.readString(root.resolve("pom.xml"));
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
        List<String> copied = new ArrayList<>();
        for (Dockerfile.Instruction copy : df.stage("build").all("COPY")) {
            copied.add(Dockerfile.copyWords(copy.args()).get(0).replaceAll("/$", ""));
        }
        int modules = 0;
        while (m.find()) {
            assertThat(copied).as("module %s must be copied or the Maven reactor fails", m.group(1)).contains(m.group(1));
            modules++;
        }
        assertThat(modules).isGreaterThanOrEqualTo(6);
    }

    @Test
    void theJarCopiedIntoTheRuntimeIsTheOneCliShades() throws Exception {
        String cliPom = Files.readString(root.resolve("cli/pom.xml"));
        assertThat(cliPom).contains("<outputFile>${project.build.directory}/traffic.jar</outputFile>");
        List<String> fromBuild = df.finalStage().all("COPY").stream()
                .filter(c -> "build".equals(Dockerfile.copyFrom(c.args())))
                .map(c -> Dockerfile.copyWords(c.args()).get(0)).toList();
        assertThat(fromBuild).containsExactly("/src/cli/target/traffic.jar");
        assertThat(df.stage("build").last("RUN").args()).contains("-pl cli -am package");
    }

    @Test
    void runsAsAFixedNonRootUid() {
        Dockerfile.Instruction user = df.finalStage().last("USER");
        assertThat(user).as("final stage sets USER").isNotNull();
        String uid = user.args().split(":")[0];
        assertThat(uid).as("numeric UID, so runAsNonRoot can verify it").matches("\\d+");
        assertThat(Integer.parseInt(uid)).isGreaterThan(0);
        // the k8s manifests and the egress lock refer to this same UID
        assertThat(df.finalStage().last("RUN").args()).contains("--uid " + uid);
    }

    @Test
    void entrypointIsTheTrafficLauncherRunningTheJar() throws Exception {
        List<String> entry = execForm(df.finalStage().last("ENTRYPOINT"));
        assertThat(entry).containsExactly("traffic");
        String launcherSrc = copiedTo("/usr/local/bin/traffic");
        assertThat(launcherSrc).as("traffic is on PATH in the image").isNotNull();
        Path launcher = root.resolve(launcherSrc);
        assertThat(Files.isExecutable(launcher)).isTrue();
        assertThat(Files.readString(launcher)).contains("exec /opt/java/bin/java").contains("-jar /opt/traffic/traffic.jar \"$@\"");
        assertThat(df.finalStage().all("COPY")).anyMatch(c -> c.args().endsWith("/opt/traffic/traffic.jar"));
        assertThat(df.finalStage().all("COPY")).anyMatch(c -> c.args().equals("--from=jre /opt/java /opt/java"));
    }

    @Test
    void defaultCommandIsAValidTrafficCommandLine() {
        List<String> cmd = execForm(df.finalStage().last("CMD"));
        assertThat(cmd).containsExactly("proxy", "--listen", "0.0.0.0:8080", "--data-dir", "/data");
        CommandLine line = Main.commandLine();
        assertThat(line.getSubcommands()).containsKey(cmd.get(0));
        CommandLine.ParseResult parsed = line.parseArgs(cmd.toArray(String[]::new)); // throws on an unknown option
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("proxy");
    }

    @Test
    void exposesTheProxyPortAndHasAHealthcheck() throws Exception {
        assertThat(df.finalStage().all("EXPOSE")).extracting(Dockerfile.Instruction::args).containsExactly("8080");
        Dockerfile.Instruction hc = df.finalStage().last("HEALTHCHECK");
        assertThat(hc).isNotNull();
        String cmd = hc.args().substring(hc.args().indexOf("CMD ") + 4);
        List<String> argv = List.of(new ObjectMapper().readValue(cmd, String[].class));
        assertThat(copiedTo("/usr/local/bin/" + argv.get(0))).isEqualTo("docker/healthcheck.sh");
    }

    @Test
    void baseImagesArePinnedToATagAndTheRuntimeWritesOnlyDataAndTmp() {
        for (Dockerfile.Stage s : df.stages()) {
            assertThat(s.from()).as("FROM %s", s.from()).contains(":").doesNotEndWith(":latest");
        }
        assertThat(df.finalStage().all("VOLUME")).extracting(Dockerfile.Instruction::args).containsExactly("[\"/data\"]");
        assertThat(df.finalStage().all("ENV").get(0).args()).contains("TRAFFIC_HOME=/data");
    }

    private static String copiedTo(String dest) {
        for (Dockerfile.Instruction c : df.finalStage().all("COPY")) {
            List<String> w = Dockerfile.copyWords(c.args());
            if (Dockerfile.copyFrom(c.args()) == null && w.get(w.size() - 1).equals(dest)) return w.get(0);
        }
        return null;
    }

    private static List<String> execForm(Dockerfile.Instruction i) {
        assertThat(i).isNotNull();
        assertThat(i.args()).as("exec (JSON) form, so signals reach the JVM").startsWith("[");
        try {
            return List.of(new ObjectMapper().readValue(i.args(), String[].class));
        } catch (Exception e) {
            throw new AssertionError(i.keyword() + " is not a JSON array: " + i.args(), e);
        }
    }
}
