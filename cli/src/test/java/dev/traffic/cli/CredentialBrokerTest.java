package dev.traffic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.traffic.broker.internal.SigV4;
import dev.traffic.model.Body;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.Header;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The credential broker end to end through a real {@code traffic proxy --policy FILE} process:
 * real clients (curl, git, the AWS SDK v2 signer + JDK HttpClient) against real loopback servers
 * (a Bearer-echoing API, git http-backend behind a Basic-checking server, a SigV4-verifying server,
 * a fake of GitHub's App token endpoint). Each upstream has its own loopback address so each
 * credential has its own destination. The last test stops the proxy and greps every file under
 * the data directory and the process output for every real secret.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CredentialBrokerTest {
    static final String ECHO_REAL = "echo-real-Secret-0001";
    static final String ECHO_REAL_2 = "echo-real-Secret-0002";
    static final String ECHO_REAL_3 = "echo-real-Secret-0003";
    static final String GIT_REAL = "git-real-Secret-0001";
    static final String AWS_REAL_KEY = "AKIAREALKEYID0000001";
    static final String AWS_REAL_SECRET = "aws-real-Secret-key-0001";
    static final String AWS_PH_KEY = "AKIATRAFFICPLACEHOLDR";
    static final String AWS_PH_SECRET = "traffic-placeholder-aws-secret";
    static final String APP_TOKEN = "ghs_appMintedReal0001";

    private Path dir;
    private Path data;
    private Path secrets;
    private Process proxy;
    private int proxyPort;
    private final List<HttpServer> servers = new ArrayList<>();
    private HttpServer echo;   // 127.0.0.1
    private HttpServer aws;    // 127.0.0.2
    private HttpServer git;    // 127.0.0.3
    private HttpServer other;  // 127.0.0.4
    private HttpServer github; // 127.0.0.5
    private final BlockingQueue<String> echoSaw = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> otherSaw = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> gitSaw = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> awsSaw = new LinkedBlockingQueue<>();
    private final AtomicInteger exchanges = new AtomicInteger();
    private KeyPair appKey;
    private Path repos;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        dir = tmp;
        data = dir.resolve("data");
        secrets = dir.resolve("secrets");
        Files.createDirectories(secrets);
        // a Kubernetes-style secret volume: token -> ..data/token, ..data -> ..v1
        Files.createDirectories(secrets.resolve("..v1"));
        Files.writeString(secrets.resolve("..v1/token"), ECHO_REAL + "\n");
        Files.createSymbolicLink(secrets.resolve("..data"), Path.of("..v1"));
        Files.createSymbolicLink(secrets.resolve("token"), Path.of("..data/token"));
        Files.writeString(dir.resolve("git-token"), GIT_REAL);
        Files.writeString(dir.resolve("aws-secret"), AWS_REAL_SECRET);
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        appKey = g.generateKeyPair();
        Files.writeString(dir.resolve("app.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(appKey.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");

        echo = server("127.0.0.1", this::echo);
        aws = server("127.0.0.2", this::aws);
        git = server("127.0.0.3", this::git);
        other = server("127.0.0.4", ex -> {
            otherSaw.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            respond(ex, 200, Map.of(), "ok".getBytes());
        });
        github = server("127.0.0.5", this::github);
        repos = dir.resolve("repos");
        Files.createDirectories(repos);
        run(repos, "git", "init", "-q", "--bare", "-b", "main", "repo.git");
        run(repos.resolve("repo.git"), "git", "config", "http.receivepack", "true");

        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                secrets: []
                credentials:
                  - name: echo
                    valueFrom: {file: %s}
                    placeholder: traffic-placeholder-echo
                    hosts: [127.0.0.1]
                    methods: [GET, POST]
                    paths: ["/api/*"]
                    inject: {header: Authorization, format: "Bearer {value}"}
                  - name: git
                    valueFrom: {file: %s}
                    placeholder: traffic-placeholder-git
                    hosts: [127.0.0.3]
                  - name: aws
                    aws: {accessKeyIdFrom: {env: TEST_AWS_KEY_ID}, secretKeyFrom: {file: %s}}
                    placeholder: {accessKeyId: %s, secretKey: %s}
                    hosts: [127.0.0.2]
                  - name: app
                    githubApp: {appId: 12345, installationId: 678, privateKeyFrom: {file: %s}, apiUrl: "http://127.0.0.5:%d"}
                    placeholder: traffic-placeholder-gh-app
                    hosts: [127.0.0.5]
                """.formatted(secrets.resolve("token"), dir.resolve("git-token"), dir.resolve("aws-secret"), AWS_PH_KEY, AWS_PH_SECRET,
                dir.resolve("app.pem"), github.getAddress().getPort()));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.traffic.cli.Main",
                "proxy", "--listen", "127.0.0.1:0", "--data-dir", data.toString(), "--policy", policy.toString(), "--grace", "2s",
                "--admin", "off")
                .redirectError(dir.resolve("proxy-stderr.txt").toFile());
        pb.environment().put("TEST_AWS_KEY_ID", AWS_REAL_KEY);
        proxy = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as(Files.readString(dir.resolve("proxy-stderr.txt"))).startsWith("traffic proxy listening on 127.0.0.1:");
        proxyPort = Integer.parseInt(line.replaceAll(".*listening on 127\\.0\\.0\\.1:(\\d+).*", "$1"));
        Thread drain = new Thread(() -> {
            try (OutputStream f = Files.newOutputStream(dir.resolve("proxy-stdout.txt"))) {
                f.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                proxy.getInputStream().transferTo(f);
            } catch (IOException e) {
                // process gone
            }
        });
        drain.setDaemon(true);
        drain.start();
    }

    @AfterAll
    void stop() {
        if (proxy != null) proxy.destroyForcibly();
        for (HttpServer s : servers) s.stop(0);
    }

    // ---- the servers ------------------------------------------------------------------------

    private HttpServer server(String host, com.sun.net.httpserver.HttpHandler h) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(host, 0), 0);
        s.createContext("/", ex -> {
            try {
                h.handle(ex);
            } catch (RuntimeException e) {
                respond(ex, 500, Map.of(), e.toString().getBytes());
            }
        });
        s.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        s.start();
        servers.add(s);
        return s;
    }

    private static void respond(HttpExchange ex, int status, Map<String, String> headers, byte[] body) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) ex.getResponseBody().write(body);
        ex.close();
    }

    /** Requires Bearer with the current real token; echoes the Authorization header in a header and a JSON body. */
    private void echo(HttpExchange ex) throws IOException {
        String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
        byte[] body = ex.getRequestBody().readAllBytes();
        echoSaw.add(auth + " " + new String(body, StandardCharsets.UTF_8));
        if (!auth.startsWith("Bearer echo-real-")) {
            respond(ex, 401, Map.of(), "no".getBytes());
            return;
        }
        byte[] json = ("{\"authorization\":\"" + auth + "\",\"body\":\"" + new String(body, StandardCharsets.UTF_8) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        if (ex.getRequestURI().getPath().endsWith("/gzip")) {
            // gzip even though the proxy asked for identity: the broker decodes, replaces, re-encodes
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            try (GZIPOutputStream o = new GZIPOutputStream(z)) {
                o.write(json);
            }
            respond(ex, 200, Map.of("X-Echo", auth, "Content-Type", "application/json", "Content-Encoding", "gzip"), z.toByteArray());
        } else {
            respond(ex, 200, Map.of("X-Echo", auth, "Content-Type", "application/json"), json);
        }
    }

    /** Accepts only requests SigV4-signed by the real key pair; echoes the key id. */
    private void aws(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        List<Header> hs = new ArrayList<>();
        ex.getRequestHeaders().forEach((k, vs) -> vs.forEach(v -> hs.add(new Header(k, v))));
        URI u = ex.getRequestURI();
        FlowRequest r = new FlowRequest(ex.getRequestMethod(), "http", "127.0.0.2", aws.getAddress().getPort(), u.getRawPath(),
                u.getRawQuery(), "HTTP/1.1", hs, new Body(body.length, null, body, false), null, null);
        String authz = ex.getRequestHeaders().getFirst("Authorization");
        SigV4.Auth a = SigV4.parse(authz);
        awsSaw.add(String.valueOf(authz));
        String payload = ex.getRequestHeaders().getFirst("x-amz-content-sha256");
        if (a == null || !a.keyId().equals(AWS_REAL_KEY)
                || SigV4.verify(r, a, payload != null ? payload : SigV4.sha256Hex(body), AWS_REAL_SECRET) == null) {
            respond(ex, 403, Map.of(), "<Error><Code>SignatureDoesNotMatch</Code></Error>".getBytes());
            return;
        }
        respond(ex, 200, Map.of("Content-Type", "text/xml"), ("<Ok><AccessKeyId>" + a.keyId() + "</AccessKeyId></Ok>").getBytes());
    }

    /** Basic x-access-token:GIT_REAL in front of git http-backend (CGI). */
    private void git(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        gitSaw.add(String.valueOf(auth));
        String want = "Basic " + Base64.getEncoder().encodeToString(("x-access-token:" + GIT_REAL).getBytes());
        if (!want.equals(auth)) {
            ex.getRequestBody().readAllBytes();
            respond(ex, 401, Map.of("WWW-Authenticate", "Basic realm=\"git\""), new byte[0]);
            return;
        }
        ProcessBuilder pb = new ProcessBuilder("git", "http-backend");
        Map<String, String> env = pb.environment();
        env.put("GIT_PROJECT_ROOT", repos.toString());
        env.put("GIT_HTTP_EXPORT_ALL", "1");
        env.put("REMOTE_USER", "x-access-token");
        env.put("REQUEST_METHOD", ex.getRequestMethod());
        env.put("PATH_INFO", ex.getRequestURI().getPath());
        env.put("QUERY_STRING", ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery());
        String ct = ex.getRequestHeaders().getFirst("Content-Type");
        if (ct != null) env.put("CONTENT_TYPE", ct);
        String ce = ex.getRequestHeaders().getFirst("Content-Encoding");
        if (ce != null) env.put("HTTP_CONTENT_ENCODING", ce);
        byte[] in = ex.getRequestBody().readAllBytes();
        env.put("CONTENT_LENGTH", Integer.toString(in.length));
        Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream o = p.getOutputStream()) {
            o.write(in);
        }
        byte[] out = p.getInputStream().readAllBytes();
        int split = indexOf(out, "\r\n\r\n".getBytes());
        int sepLen = 4;
        if (split < 0) {
            split = indexOf(out, "\n\n".getBytes());
            sepLen = 2;
        }
        int status = 200;
        for (String l : new String(out, 0, split, StandardCharsets.ISO_8859_1).split("\r?\n")) {
            int c = l.indexOf(':');
            if (c < 0) continue;
            String k = l.substring(0, c).trim();
            String v = l.substring(c + 1).trim();
            if (k.equalsIgnoreCase("Status")) status = Integer.parseInt(v.substring(0, 3));
            else ex.getResponseHeaders().add(k, v);
        }
        byte[] body = java.util.Arrays.copyOfRange(out, split + sepLen, out.length);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) ex.getResponseBody().write(body);
        ex.close();
    }

    /** The two GitHub endpoints: the installation token exchange (checks the RS256 JWT) and an API call needing the token. */
    private void github(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
        if (path.equals("/app/installations/678/access_tokens") && ex.getRequestMethod().equals("POST")) {
            String jwt = auth.startsWith("Bearer ") ? auth.substring(7) : "";
            String[] parts = jwt.split("\\.");
            boolean ok = false;
            try {
                Signature s = Signature.getInstance("SHA256withRSA");
                s.initVerify(appKey.getPublic());
                s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
                String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
                ok = s.verify(Base64.getUrlDecoder().decode(parts[2])) && claims.contains("\"iss\":12345");
            } catch (Exception e) {
                ok = false;
            }
            if (!ok) {
                respond(ex, 401, Map.of(), "bad jwt".getBytes());
                return;
            }
            exchanges.incrementAndGet();
            respond(ex, 201, Map.of("Content-Type", "application/json"), ("{\"token\":\"" + APP_TOKEN + "\",\"expires_at\":\""
                    + Instant.now().plus(Duration.ofHours(1)).toString() + "\"}").getBytes());
            return;
        }
        if (!auth.equals("Bearer " + APP_TOKEN)) {
            respond(ex, 401, Map.of(), "{\"message\":\"Bad credentials\"}".getBytes());
            return;
        }
        respond(ex, 200, Map.of("Content-Type", "application/json"), ("{\"you_sent\":\"" + auth + "\"}").getBytes());
    }

    // ---- clients ----------------------------------------------------------------------------

    /** curl through the proxy; returns [status, headers, body]. */
    private String[] curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30", "-x", "http://127.0.0.1:" + proxyPort,
                "-D", dir.resolve("h.txt").toString(), "-o", dir.resolve("b.txt").toString(), "-w", "%{http_code}"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
        Process p = pb.redirectErrorStream(true).start();
        String status = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(40, TimeUnit.SECONDS)).isTrue();
        return new String[] {status, Files.readString(dir.resolve("h.txt")), Files.readString(dir.resolve("b.txt"))};
    }

    private String echoUrl(String path) {
        return "http://127.0.0.1:" + echo.getAddress().getPort() + path;
    }

    private void waitFor(String what, BooleanSupplier ok) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what + "; proxy alive " + proxy.isAlive() + "; stderr:\n"
                        + Files.readString(dir.resolve("proxy-stderr.txt")) + "\nstdout:\n" + Files.readString(dir.resolve("proxy-stdout.txt"))
                        + "\nupstream saw: " + echoSaw);
            }
            Thread.onSpinWait();
        }
    }

    // ---- the tests --------------------------------------------------------------------------

    @Test
    @Order(1)
    void bearerIsInjectedAndTheEchoComesBackAsThePlaceholder() throws Exception {
        String[] r = curl("-H", "Authorization: Bearer traffic-placeholder-echo", "--data-binary", "token=traffic-placeholder-echo",
                echoUrl("/api/plain"));
        assertThat(r[0]).isEqualTo("200");
        assertThat(echoSaw.poll(10, TimeUnit.SECONDS)).isEqualTo("Bearer " + ECHO_REAL + " token=" + ECHO_REAL);
        assertThat(r[1]).containsIgnoringCase("X-Echo: Bearer traffic-placeholder-echo").doesNotContain(ECHO_REAL);
        assertThat(r[2]).isEqualTo("{\"authorization\":\"Bearer traffic-placeholder-echo\",\"body\":\"token=traffic-placeholder-echo\"}");

        // no header at all: inject sets it; a gzip answer is decoded, rewritten and re-encoded for the client
        r = curl("--compressed", echoUrl("/api/gzip"));
        assertThat(r[0]).isEqualTo("200");
        assertThat(echoSaw.poll(10, TimeUnit.SECONDS)).isEqualTo("Bearer " + ECHO_REAL + " ");
        assertThat(r[1]).containsIgnoringCase("X-Echo: Bearer traffic-placeholder-echo").doesNotContain(ECHO_REAL);
        assertThat(r[2]).isEqualTo("{\"authorization\":\"Bearer traffic-placeholder-echo\",\"body\":\"\"}");
    }

    @Test
    @Order(2)
    void aLargeBodyIsReplacedAcrossChunksPastTheScanWindow() throws Exception {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 3 << 20) sb.append("0123456789abcdef traffic-placeholder-echo ");
        Files.writeString(dir.resolve("big.txt"), sb);
        String[] r = curl("--data-binary", "@" + dir.resolve("big.txt"), echoUrl("/api/big"));
        assertThat(r[0]).isEqualTo("200");
        String saw = echoSaw.poll(20, TimeUnit.SECONDS);
        assertThat(saw).doesNotContain("traffic-placeholder-echo");
        assertThat(saw.substring(("Bearer " + ECHO_REAL + " ").length())).isEqualTo(sb.toString().replace("traffic-placeholder-echo", ECHO_REAL));
        assertThat(r[2]).doesNotContain(ECHO_REAL).contains("traffic-placeholder-echo");
    }

    @Test
    @Order(3)
    void methodAndPathOutsideTheNarrowingAre403() throws Exception {
        String[] r = curl("-X", "DELETE", echoUrl("/api/repos/x"));
        assertThat(r[0]).isEqualTo("403");
        assertThat(r[2]).contains("credential echo does not allow DELETE /api/repos/x");
        r = curl(echoUrl("/admin"));
        assertThat(r[0]).isEqualTo("403");
        assertThat(r[2]).contains("credential echo does not allow GET /admin");
        assertThat(echoSaw).isEmpty();
    }

    @Test
    @Order(4)
    void thePlaceholderToAnotherHostIsNotReplacedAndIsFlagged() throws Exception {
        String[] r = curl("-H", "Authorization: Bearer traffic-placeholder-echo", "http://127.0.0.4:" + other.getAddress().getPort() + "/x");
        assertThat(r[0]).isEqualTo("200");
        assertThat(otherSaw.poll(10, TimeUnit.SECONDS)).isEqualTo("Bearer traffic-placeholder-echo");
    }

    @Test
    @Order(5)
    void gitCloneAndPushWithThePlaceholderInTheCredentialHelper() throws Exception {
        Main.commandLine(); // the same CLI prints the helper the sandbox installs
        var sw = new java.io.StringWriter();
        var cmd = Main.commandLine();
        cmd.setOut(new java.io.PrintWriter(sw));
        assertThat(cmd.execute("credentials", "git-config", "--policy", dir.resolve("policy.yaml").toString())).isZero();
        Path home = dir.resolve("home");
        Files.createDirectories(home);
        Files.writeString(home.resolve(".gitconfig"), "[user]\n\tname = t\n\temail = t@example.com\n[http]\n\tproxy = http://127.0.0.1:"
                + proxyPort + "\n" + sw);
        assertThat(sw.toString()).contains("traffic-placeholder-git").doesNotContain(GIT_REAL);
        String url = "http://127.0.0.3:" + git.getAddress().getPort() + "/repo.git";
        Path work = dir.resolve("work");
        Files.createDirectories(work);
        gitRun(home, work, "clone", "-q", url, "clone");
        Path clone = work.resolve("clone");
        Files.writeString(clone.resolve("README"), "hello\n");
        gitRun(home, clone, "add", "README");
        gitRun(home, clone, "commit", "-qm", "first");
        gitRun(home, clone, "push", "-q", "origin", "HEAD:main");
        assertThat(run(repos.resolve("repo.git"), "git", "log", "--format=%s", "main")).isEqualTo("first");
        String basic = "Basic " + Base64.getEncoder().encodeToString(("x-access-token:" + GIT_REAL).getBytes());
        assertThat(gitSaw).contains(basic);
        gitRun(home, work, "clone", "-q", url, "again");
        assertThat(Files.readString(work.resolve("again/README"))).isEqualTo("hello\n");
    }

    private void gitRun(Path home, Path cwd, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy") || k.startsWith("GIT_"));
        pb.environment().put("HOME", home.toString());
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("git " + String.join(" ", args) + ": " + out).isZero();
        assertThat(out).doesNotContain(GIT_REAL);
    }

    private static String run(Path cwd, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    private HttpResponse<String> awsRequest(String keyId, String secret, String method, String path, String body, boolean presign)
            throws Exception {
        SdkHttpRequest req = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).protocol("http").host("127.0.0.2")
                .port(aws.getAddress().getPort()).encodedPath(path).putHeader("Content-Type", "application/x-amz-json-1.1").build();
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        SignedRequest s = AwsV4HttpSigner.create().sign(r -> {
            r.identity(AwsCredentialsIdentity.create(keyId, secret)).request(req)
                    .payload(() -> new java.io.ByteArrayInputStream(b))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sts")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1");
            if (presign) {
                r.putProperty(AwsV4HttpSigner.AUTH_LOCATION, AwsV4HttpSigner.AuthLocation.QUERY_STRING)
                        .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, Duration.ofMinutes(5));
            }
        });
        HttpRequest.Builder hb = HttpRequest.newBuilder(s.request().getUri()).method(method, HttpRequest.BodyPublishers.ofByteArray(b));
        s.request().forEachHeader((k, vs) -> {
            if (!k.equalsIgnoreCase("host") && !k.equalsIgnoreCase("content-length")) vs.forEach(v -> hb.header(k, v));
        });
        HttpClient c = HttpClient.newBuilder().proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxyPort))).build();
        return c.send(hb.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(6)
    void awsRequestsSignedWithThePlaceholderPairAreReSignedWithTheRealPair() throws Exception {
        HttpResponse<String> r = awsRequest(AWS_PH_KEY, AWS_PH_SECRET, "POST", "/", "{\"Action\":\"GetCallerIdentity\"}", false);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(awsSaw.poll(10, TimeUnit.SECONDS)).contains("Credential=" + AWS_REAL_KEY + "/");
        // the real key id echoed back reaches the sandbox as the placeholder id
        assertThat(r.body()).isEqualTo("<Ok><AccessKeyId>" + AWS_PH_KEY + "</AccessKeyId></Ok>");

        r = awsRequest("AKIAOTHERKEY00000000", AWS_PH_SECRET, "GET", "/", "", false);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("not signed by the placeholder key pair");
        r = awsRequest(AWS_PH_KEY, "wrong-secret", "GET", "/", "", false);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("does not verify with the placeholder key pair");
        r = awsRequest(AWS_PH_KEY, AWS_PH_SECRET, "GET", "/bucket/key", "", true);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("presigned URLs are not supported");
        assertThat(awsSaw).isEmpty();
    }

    @Test
    @Order(7)
    void gitHubAppTokensAreMintedOnceAndNeverReachTheSandbox() throws Exception {
        String url = "http://127.0.0.5:" + github.getAddress().getPort() + "/repos/acme/x";
        for (int i = 0; i < 2; i++) {
            String[] r = curl("-H", "Authorization: Bearer traffic-placeholder-gh-app", url);
            assertThat(r[0]).isEqualTo("200");
            assertThat(r[2]).isEqualTo("{\"you_sent\":\"Bearer traffic-placeholder-gh-app\"}");
        }
        assertThat(exchanges.get()).isEqualTo(1);
    }

    @Test
    @Order(8)
    void rotationBySighupAndByAKubernetesSymlinkSwap() throws Exception {
        // in-place rewrite of the file the symlinks lead to, then SIGHUP
        Path v1 = secrets.resolve("..v1/token");
        Files.writeString(dir.resolve("tmp-token"), ECHO_REAL_2);
        Files.move(dir.resolve("tmp-token"), v1, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(proxy.pid())).start().waitFor()).isZero();
        waitFor("the second token upstream", () -> sawAfterRequest(ECHO_REAL_2));
        // the kubelet's update: a new directory, ..data swapped by rename, nothing else touched
        Files.createDirectories(secrets.resolve("..v2"));
        Files.writeString(secrets.resolve("..v2/token"), ECHO_REAL_3 + "\n");
        Files.createSymbolicLink(secrets.resolve("..data_tmp"), Path.of("..v2"));
        Files.move(secrets.resolve("..data_tmp"), secrets.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
        waitFor("the third token upstream", () -> sawAfterRequest(ECHO_REAL_3));
        // a failing re-read (the secret vanishes) keeps the last value
        Files.delete(secrets.resolve("..v2/token"));
        assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(proxy.pid())).start().waitFor()).isZero();
        waitFor("the re-read failure logged", () -> {
            try {
                return Files.readString(dir.resolve("proxy-stdout.txt")).contains("keeping the previous value")
                        || Files.readString(dir.resolve("proxy-stderr.txt")).contains("keeping the previous value");
            } catch (IOException e) {
                return false;
            }
        });
        assertThat(sawAfterRequest(ECHO_REAL_3)).isTrue();
    }

    private boolean sawAfterRequest(String token) {
        try {
            echoSaw.clear();
            curl(echoUrl("/api/rotate"));
            String s = echoSaw.poll(10, TimeUnit.SECONDS);
            return s != null && s.startsWith("Bearer " + token + " ");
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    @Order(9)
    void afterTheSessionNoRealSecretIsAnywhereUnderTheDataDirectoryOrInTheOutput() throws Exception {
        assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(proxy.pid())).start().waitFor()).isZero();
        // a loaded CI machine may take a while to flush and close the store: wait for the exit, then read its output
        assertThat(proxy.waitFor(120, TimeUnit.SECONDS)).as(() -> {
            try {
                return "proxy still running after SIGTERM; stderr:\n" + Files.readString(dir.resolve("proxy-stderr.txt"));
            } catch (IOException e) {
                return e.toString();
            }
        }).isTrue();
        List<Path> files;
        try (Stream<Path> s = Files.walk(data)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        assertThat(files).isNotEmpty();
        List<String> reals = List.of(ECHO_REAL, ECHO_REAL_2, ECHO_REAL_3, GIT_REAL, AWS_REAL_KEY, AWS_REAL_SECRET, APP_TOKEN,
                Base64.getEncoder().encodeToString(("x-access-token:" + GIT_REAL).getBytes()));
        List<Path> all = new ArrayList<>(files);
        all.add(dir.resolve("proxy-stdout.txt"));
        all.add(dir.resolve("proxy-stderr.txt"));
        for (Path f : all) {
            byte[] b = Files.readAllBytes(f);
            for (String real : reals) {
                assertThat(indexOf(b, real.getBytes(StandardCharsets.UTF_8))).as(real + " in " + f).isLessThan(0);
            }
        }
        // the flows are searchable by credential name; the out-of-scope use is a finding
        var sw = new java.io.StringWriter();
        var cmd = Main.commandLine();
        cmd.setOut(new java.io.PrintWriter(sw));
        assertThat(cmd.execute("search", "--data-dir", data.toString(), "-o", "json", "credential:echo")).isZero();
        assertThat(sw.toString()).contains("/api/plain").contains("traffic-placeholder-echo").doesNotContain(ECHO_REAL);
        sw.getBuffer().setLength(0);
        assertThat(cmd.execute("search", "--data-dir", data.toString(), "-o", "json", "host:127.0.0.4")).isZero();
        assertThat(sw.toString()).contains("credential-out-of-scope");
    }

    static int indexOf(byte[] b, byte[] p) {
        outer:
        for (int i = 0; i + p.length <= b.length; i++) {
            for (int k = 0; k < p.length; k++) if (b[i + k] != p[k]) continue outer;
            return i;
        }
        return -1;
    }
}
