package dev.traffic.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

    /**
     * The jlink-ed JRE holds only the modules the Dockerfile lists: run the built jar on this JDK limited
     * to exactly those modules, start the proxy (CA generation, TLS setup, admin listener) and relay a request.
     */
    @Test
    void theJarRunsOnTheJlinkModuleSet() throws Exception {
        Path jar = root.resolve("cli/target/traffic.jar");
        assumeTrue(Files.isRegularFile(jar),
                () -> "SKIPPED: " + jar + " is not built (mvn -pl deploy-tests -am verify builds it first)");
        String jlink = df.stage("jre").last("RUN").args();
        Matcher m = Pattern.compile("--add-modules (\\S+)").matcher(jlink);
        assertThat(m.find()).as("jlink --add-modules in the jre stage").isTrue();
        String modules = m.group(1);
        HttpServer upstream = HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        upstream.createContext("/", ex -> {
            byte[] b = "via the limited JRE\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        upstream.start();
        Path data = Files.createTempDirectory("jlink-data");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (Proc.Background proxy = new Proc.Background(List.of(javaBin, "--limit-modules", modules, "-XX:-UsePerfData",
                "-jar", jar.toString(), "proxy", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
                "--data-dir", data.toString()))) {
            String listening = proxy.awaitLine("traffic proxy listening on", Duration.ofSeconds(60));
            String admin = proxy.awaitLine("traffic admin listening on", Duration.ofSeconds(30));
            int proxyPort = Integer.parseInt(listening.replaceAll(".*listening on 127\\.0\\.0\\.1:(\\d+).*", "$1"));
            String adminUrl = admin.replaceAll(".*listening on (http://\\S+).*", "$1");
            HttpClient viaProxy = HttpClient.newBuilder()
                    .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxyPort))).build();
            var r = viaProxy.send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + upstream.getAddress().getPort() + "/x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).as("proxy output:\n%s", proxy.output()).isEqualTo("via the limited JRE\n");
            var metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(adminUrl + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("traffic_flows_total{outcome=\"ok\"} 1.0");
            assertThat(data.resolve("ca/ca.pem")).exists();
            assertThat(proxy.output()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
        } finally {
            upstream.stop(0);
        }
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
