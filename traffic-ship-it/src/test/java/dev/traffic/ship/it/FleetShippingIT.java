package dev.traffic.ship.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.traffic.cli.Main;
import dev.traffic.ship.ShipCursor;
import dev.traffic.store.FlowQuery;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipper against a real OpenSearch: 100,000 flows and a table of queries compared with the
 * local search; rejected documents parked without stalling the rest; kill -9 of the shipper ten
 * times and of the cluster once for 30 s, after which the cluster holds every flow exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetShippingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private OpenSearchNode node;
    @TempDir Path tmp;

    @BeforeAll
    void startCluster() throws Exception {
        node = OpenSearchNode.create();
        node.start();
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (node != null) node.close();
    }

    /** The table: the store's query language, then mitmproxy filters where the parser has them. */
    static final List<String> QUERIES = List.of(
            "host:api.github.com", "method:POST", "status:>=400", "status:[500 TO 599]", "body:\"BEGIN PRIVATE KEY\"",
            "flag:true", "severity:critical", "header.authorization:*", "session:sess-1", "host:pypi.org AND method:GET",
            "host:example.com OR host:pypi.org", "host:pypi.org -status:200", "path:\"/v2/repos/item1\"", "error:timed",
            "url:upload", "upload", "ctype:\"text/html\"", "header.user-agent:pip*", "header.x-trace:trace-1?", "port:443",
            "duration:>=200", "respsize:[1 TO 40]", "client:10.0.0.3", "rule:aws-key", "policy:block",
            "method:put OR method:delete", "since:2026-12-01T00:05 until:2026-12-01T00:10", "version:\"HTTP/2\"",
            "host:/.*npm.*/", "body:\"not allowed here\" AND headername:x-trace",
            "~d pypi.org", "~m POST & ~c 404", "!~d pypi.org & ~u upload", "~b \"PRIVATE KEY\"", "~h authorization");

    @Test
    @Order(1)
    void shipsOneHundredThousandFlowsAndSearchesLikeTheLocalStore() throws Exception {
        Path data = tmp.resolve("big");
        FleetFlows.record(data.resolve("store"), 0, 100_000);
        long t0 = System.nanoTime();
        Result ship = cli("ship", "--data-dir", data.toString(), "--to", node.url().toString(), "--index-prefix", "big",
                "--sandbox-id", "pod-a", "--exit-when-caught-up");
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("shipped 100000 flows in %.1f s (%.0f flows/s, cluster on the same cores)%n", secs, 100_000 / secs);
        assertThat(ship.code).as(ship.err).isZero();
        refresh("big");
        assertThat(count("big")).isEqualTo(100_000);
        assertThat(cli("search", "--data-dir", data.toString(), "--count").out.strip()).isEqualTo("100000");
        assertThat(cli("search", "--opensearch", node.url().toString(), "--index-prefix", "big", "--count").out.strip()).isEqualTo("100000");

        int compared = 0;
        List<String> skipped = new ArrayList<>();
        for (String q : QUERIES) {
            try {
                FlowQuery.parse(q);
            } catch (FlowQuery.BadQueryException e) {
                assertThat(q).as("a query of the store's own language must parse: " + e.getMessage()).matches("^!?~.*");
                skipped.add(q);
                continue;
            }
            Result localCount = cli("search", "--data-dir", data.toString(), "--count", q);
            Result fleetCount = cli("search", "--opensearch", node.url().toString(), "--index-prefix", "big", "--count", q);
            assertThat(localCount.code).as(q + ": " + localCount.err).isZero();
            assertThat(Long.parseLong(localCount.out.strip())).as("the table's queries each match something: " + q).isPositive();
            assertThat(fleetCount.out.strip()).as("count of " + q + " " + fleetCount.err).isEqualTo(localCount.out.strip());
            Result local = cli("search", "--data-dir", data.toString(), "-n", "40", q);
            Result fleet = cli("search", "--opensearch", node.url().toString(), "--index-prefix", "big", "-n", "40", q);
            assertThat(fleet.code).as(q + ": " + fleet.err).isZero();
            List<String> fleetLines = fleet.out.lines().collect(Collectors.toList());
            for (String l : fleetLines) assertThat(l).startsWith("pod-a ");
            assertThat(fleetLines.stream().map(l -> l.substring("pod-a ".length())).collect(Collectors.toList()))
                    .as("search --opensearch vs local search for " + q).isEqualTo(local.out.lines().collect(Collectors.toList()));
            compared++;
        }
        System.out.println("compared " + compared + " queries; not in the parser yet: " + skipped);
        // sandbox:ID is the fleet's own term, combined with either language
        assertThat(cli("search", "--opensearch", node.url().toString(), "--index-prefix", "big", "--count", "sandbox:pod-a", "host:pypi.org").out.strip())
                .isEqualTo(cli("search", "--data-dir", data.toString(), "--count", "host:pypi.org").out.strip());
        assertThat(cli("search", "--opensearch", node.url().toString(), "--index-prefix", "big", "--count", "sandbox:pod-b", "host:pypi.org").out.strip())
                .isEqualTo("0");
        send("DELETE", "/big-flows-*", null); // the next tests restart the cluster: less to recover
        assertThat(compared).isGreaterThanOrEqualTo(30);
    }

    @Test
    @Order(2)
    void aRejectedDocumentIsParkedWithItsSeqAndTheRestShips() throws Exception {
        Path data = tmp.resolve("reject");
        FleetFlows.record(data.resolve("store"), 0, 2000);
        // the day's index exists with "error" as a number: every flow with an error text is refused
        send("PUT", "/_index_template/rj-flows", dev.traffic.ship.IndexTemplate.body("rj").toString());
        send("PUT", "/rj-flows-2026.12.01", "{\"mappings\":{\"properties\":{\"error\":{\"type\":\"long\"}}}}");
        Result ship = cli("ship", "--data-dir", data.toString(), "--to", node.url().toString(), "--index-prefix", "rj",
                "--exit-when-caught-up");
        assertThat(ship.code).as(ship.err).isZero();
        List<Long> withErrors = new ArrayList<>();
        for (int i = 0; i < 2000; i++) if (FleetFlows.flow(i).error() != null) withErrors.add(i + 1L);
        ShipCursor c = ShipCursor.read(data.resolve("ship/cursor"));
        assertThat(c.seq()).isEqualTo(2000);
        assertThat(c.parked()).isEqualTo(withErrors.size());
        List<Long> parkedSeqs = new ArrayList<>();
        for (String line : Files.readAllLines(data.resolve("ship/cursor.parked"))) {
            JsonNode n = JSON.readTree(line);
            parkedSeqs.add(n.path("seq").asLong());
            assertThat(n.path("reason").asText()).contains("mapper_parsing_exception");
        }
        assertThat(parkedSeqs).containsExactlyElementsOf(withErrors);
        refresh("rj");
        assertThat(count("rj")).isEqualTo(2000 - withErrors.size());
        assertThat(cli("ship", "--data-dir", data.toString(), "--status").out).contains("shipped through seq 2000 of 2000", "parked " + withErrors.size());
        // the parked flows are missing from the cluster: it does not hold the signed log
        Result verify = cli("ship", "--data-dir", data.toString(), "--to", node.url().toString(), "--index-prefix", "rj", "--verify");
        assertThat(verify.code).as(verify.out + verify.err).isEqualTo(1);
        assertThat(verify.out).contains("NOT VERIFIED", "is not in the cluster");
        send("DELETE", "/rj-flows-*", null);
    }

    @Test
    @Order(3)
    void killNineOfShipperAndClusterLosesAndDuplicatesNothing() throws Exception {
        Path data = tmp.resolve("crash");
        Path cursor = data.resolve("ship/cursor");
        int total = 20_000 + 10 * 3_000;
        FleetFlows.record(data.resolve("store"), 0, 20_000);
        long last = 0;
        for (int round = 1; round <= 10; round++) {
            int from = 20_000 + (round - 1) * 3_000;
            FleetFlows.record(data.resolve("store"), from, from + 3_000); // the proxy records on between crashes
            Path log = data.resolve("shipper-" + round + ".log");
            Process p = shipper(data, log);
            if (round == 6) {
                node.kill();
                long down = System.nanoTime();
                // the shipper must notice (and back off) while the cluster is away for 30 s
                await(() -> Files.exists(log) && Files.readString(log).contains("cluster not accepting flows"), Duration.ofSeconds(60));
                await(() -> System.nanoTime() - down >= TimeUnit.SECONDS.toNanos(30) && p.isAlive(), Duration.ofSeconds(60));
                node.start();
            }
            long before = last;
            await(() -> ShipCursor.read(cursor).seq() > before || !p.isAlive(), Duration.ofSeconds(120));
            assertThat(p.isAlive()).as("shipper exited early:\n" + Files.readString(log)).isTrue();
            p.waitFor(ThreadLocalRandom.current().nextInt(0, 200), TimeUnit.MILLISECONDS); // somewhere in a later batch
            p.destroyForcibly().waitFor();
            last = ShipCursor.read(cursor).seq();
            System.out.println("round " + round + ": killed at cursor " + last + " of " + (from + 3_000));
        }
        Result finish = cli("ship", "--data-dir", data.toString(), "--to", node.url().toString(), "--index-prefix", "kc",
                "--exit-when-caught-up");
        assertThat(finish.code).as(finish.err).isZero();
        refresh("kc");
        assertThat(count("kc")).isEqualTo(total);
        JsonNode aggs = send("POST", "/kc-flows-*/_search",
                "{\"size\":0,\"aggs\":{\"sum\":{\"sum\":{\"field\":\"seq\"}},\"min\":{\"min\":{\"field\":\"seq\"}},\"max\":{\"max\":{\"field\":\"seq\"}},"
                        + "\"ids\":{\"cardinality\":{\"field\":\"seq\",\"precision_threshold\":40000}}}}").path("aggregations");
        assertThat(aggs.path("min").path("value").asLong()).isEqualTo(1);
        assertThat(aggs.path("max").path("value").asLong()).isEqualTo(total);
        assertThat(aggs.path("sum").path("value").asDouble()).isEqualTo(total * (total + 1.0) / 2);
        ShipCursor c = ShipCursor.read(cursor);
        System.out.println("after 10 kills and a cluster outage: " + c);
        assertThat(c.seq()).isEqualTo(total);
        assertThat(c.shipped() + c.duplicates()).isGreaterThanOrEqualTo(total);
        // a cursor that lost its last 5,000 acknowledgements (an old backup, a crash before its fsync):
        // everything is sent again and the cluster answers 409 for each, keeping one copy
        new ShipCursor(total - 5_000, c.shippedAt(), c.shipped(), c.duplicates(), c.parked(), c.lost(), c.store()).write(cursor);
        assertThat(cli("ship", "--data-dir", data.toString(), "--to", node.url().toString(), "--index-prefix", "kc",
                "--exit-when-caught-up").code).isZero();
        assertThat(ShipCursor.read(cursor).duplicates()).isEqualTo(c.duplicates() + 5_000);
        refresh("kc");
        assertThat(count("kc")).isEqualTo(total);
        // the shipped flows are the recorded ones: their Merkle root is the store's last signed checkpoint
        Result verify = cli("ship", "--data-dir", data.toString(), "--to", node.url().toString(), "--index-prefix", "kc", "--verify");
        assertThat(verify.code).as(verify.out + verify.err).isZero();
        assertThat(verify.out).contains("verified: the cluster holds flows 1.." + total + " of store");
        // and an altered document is caught
        JsonNode hit = send("POST", "/kc-flows-*/_search", "{\"query\":{\"term\":{\"seq\":1234}}}").path("hits").path("hits").get(0);
        var src = (com.fasterxml.jackson.databind.node.ObjectNode) hit.path("_source");
        src.put("leaf_hash", "00" + src.path("leaf_hash").asText().substring(2));
        send("PUT", "/" + hit.path("_index").asText() + "/_doc/" + hit.path("_id").asText() + "?refresh=true", JSON.writeValueAsString(src));
        Result tampered = cli("ship", "--data-dir", data.toString(), "--to", node.url().toString(), "--index-prefix", "kc", "--verify");
        assertThat(tampered.code).isEqualTo(1);
        assertThat(tampered.out).contains("NOT VERIFIED", "Merkle root");
    }

    @Test
    @Order(4)
    void proxyShipsInProcessAndReportsLagOnMetrics() throws Exception {
        Path data = tmp.resolve("inproc");
        Path log = data.resolve("proxy.log");
        Files.createDirectories(data);
        int proxyPort = freePort();
        int adminPort = freePort();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process proxy = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m", "-cp", cp,
                "dev.traffic.cli.Main", "proxy", "--data-dir", data.toString(), "--listen", "127.0.0.1:" + proxyPort,
                "--admin", "127.0.0.1:" + adminPort, "--ship", node.url().toString(), "--ship-index-prefix", "inproc",
                "--sandbox-id", "pod-in", "--ship-required")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            URI admin = URI.create("http://127.0.0.1:" + adminPort);
            await(() -> get(admin.resolve("/readyz")) == 200 || !proxy.isAlive(), Duration.ofSeconds(120));
            assertThat(proxy.isAlive()).as(Files.readString(log)).isTrue();
            // each request is a recorded flow: the proxy answers 502 for the closed upstream port
            HttpClient viaProxy = HttpClient.newBuilder().proxy(java.net.ProxySelector.of(new java.net.InetSocketAddress("127.0.0.1", proxyPort))).build();
            int closed = freePort();
            for (int i = 0; i < 50; i++) {
                viaProxy.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closed + "/item/" + i)).build(), HttpResponse.BodyHandlers.discarding());
            }
            await(() -> metric(admin, "traffic_ship_shipped_total") >= 50, Duration.ofSeconds(120));
            await(() -> metric(admin, "traffic_ship_lag_flows") == 0, Duration.ofSeconds(60));
            assertThat(metric(admin, "traffic_ship_retention_risk")).isZero();
            assertThat(get(admin.resolve("/readyz"))).as("--ship-required: nothing at risk, ready").isEqualTo(200);
            refresh("inproc");
            assertThat(count("inproc")).isEqualTo(50);
            Result fleet = cli("search", "--opensearch", node.url().toString(), "--index-prefix", "inproc", "-n", "1", "sandbox:pod-in");
            assertThat(fleet.out).startsWith("pod-in #50 ").contains("/item/49");
        } finally {
            proxy.destroyForcibly().waitFor();
        }
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private int get(URI u) {
        try {
            return http.send(HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private double metric(URI admin, String name) throws Exception {
        String body = http.send(HttpRequest.newBuilder(admin.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return -1;
    }

    private Process shipper(Path data, Path log) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp", cp,
                "dev.traffic.cli.Main", "ship", "--data-dir", data.toString(), "--to", node.url().toString(), "--index-prefix", "kc",
                "--batch-flows", "250")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition c, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        Object monitor = new Object();
        while (!c.holds()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within " + limit);
            synchronized (monitor) {
                monitor.wait(20); // poll the condition: nothing signals a file change
            }
        }
    }

    record Result(int code, String out, String err) {}

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Result(code, out.toString(), err.toString() + " (args " + Arrays.toString(args) + ")");
    }

    private JsonNode send(String method, String path, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(node.url() + path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(resp.statusCode()).as(method + " " + path + ": " + resp.body()).isBetween(200, 299);
        return JSON.readTree(resp.body());
    }

    private void refresh(String prefix) throws Exception {
        send("POST", "/" + prefix + "-flows-*/_refresh", null);
    }

    private long count(String prefix) throws Exception {
        return send("GET", "/" + prefix + "-flows-*/_count", null).path("count").asLong();
    }
}
