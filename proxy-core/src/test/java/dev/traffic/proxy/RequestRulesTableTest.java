package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.Decision;
import dev.traffic.model.Flow;
import dev.traffic.proxy.testing.Cmd;
import dev.traffic.proxy.testing.LeakCheck;
import dev.traffic.proxy.testing.ProxyFixture;
import dev.traffic.rules.Action;
import dev.traffic.rules.RuleSet;
import dev.traffic.rules.RulesMode;
import dev.traffic.rules.RulesStage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request table of traffic-rules (request-table.txt) through the real proxy with curl, over
 * HTTP/2 and HTTP/1.1 inside intercepted TLS: the rows whose hosts are plain names are sent to
 * loopback addresses standing for them (the policy rewritten the same way), and the rule recorded
 * in each flow's decision trace must be the one the table expects; a block is a 403 naming it.
 * Rows about the host language itself (wildcards, case, ports, CIDRs) stay in the engine's test.
 */
@ExtendWith(LeakCheck.class)
class RequestRulesTableTest {
    static final Path TABLE = Path.of("../traffic-rules/src/test/resources/dev/traffic/rules");
    static final Map<String, String> HOSTS = new LinkedHashMap<>();
    static {
        HOSTS.put("kubernetes.default.svc", "127.0.0.2");
        HOSTS.put("api.github.com", "127.0.0.3");
        HOSTS.put("api.test", "127.0.0.5");
        HOSTS.put("query.test", "127.0.0.6");
        HOSTS.put("noparam.test", "127.0.0.7");
        HOSTS.put("hdr.test", "127.0.0.8");
        HOSTS.put("paths.test", "127.0.0.9");
    }
    static final int PORT = 9; // nothing listens: blocked rows never go upstream, allowed ones end 502, both recorded

    @TempDir static Path dir;
    static ProxyFixture proxy;

    @BeforeAll
    static void start() throws Exception {
        String policy = Files.readString(TABLE.resolve("table-policy.yaml"));
        for (var e : HOSTS.entrySet()) policy = policy.replace("host: " + e.getKey() + ",", "host: \"" + e.getValue() + "\",");
        RuleSet rules = RuleSet.parse(policy, "table-policy.yaml", List.of());
        proxy = new ProxyFixture(dir, b -> b.stage(new RulesStage(rules, RulesMode.ENFORCE, Action.ALLOW, null)));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) proxy.close();
    }

    record Row(int line, String method, String host, String target, List<String[]> headers, String body, String expected) {}

    static List<Row> rows() throws Exception {
        List<Row> out = new ArrayList<>();
        int n = 0;
        for (String l : Files.readAllLines(TABLE.resolve("request-table.txt"), StandardCharsets.UTF_8)) {
            n++;
            if (l.isBlank() || l.startsWith("#")) continue;
            int arrow = l.lastIndexOf("=>");
            String[] parts = l.substring(0, arrow).split("\\|");
            String[] req = parts[0].trim().split(" ", 2);
            String url = req[1].trim();
            if (!url.startsWith("https://")) continue;
            String rest = url.substring(8);
            int slash = rest.indexOf('/');
            String host = slash < 0 ? rest : rest.substring(0, slash);
            if (!HOSTS.containsKey(host)) continue; // a host-language row
            List<String[]> hs = new ArrayList<>();
            String body = null;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                int c = p.indexOf(':');
                if (p.substring(0, c).trim().equals("body")) body = p.substring(c + 1).trim();
                else hs.add(new String[] {p.substring(0, c).trim(), p.substring(c + 1).trim()});
            }
            out.add(new Row(n, req[0], HOSTS.get(host), slash < 0 ? "/" : rest.substring(slash), hs, body,
                    l.substring(arrow + 2).trim()));
        }
        return out;
    }

    @Test
    void everyRowIsDecidedByTheSameRuleOverHttp2AndHttp1() throws Exception {
        List<Row> rows = rows();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(50);
        int sent = 0;
        for (String version : List.of("--http2", "--http1.1")) {
            for (Row r : rows) {
                String tag = version + "-" + r.line();
                List<String> argv = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-x", proxy.proxyUrl(),
                        "--cacert", proxy.pki.proxyCaPem().toString(), version, "--path-as-is", "-o", "/dev/null",
                        "-w", "%{http_code} %{http_version}", "-X", r.method(), "-H", "X-Table-Row: " + tag));
                boolean ua = false;
                for (String[] h : r.headers()) {
                    argv.add("-H");
                    argv.add(h[1].isEmpty() ? h[0] + ";" : h[0] + ": " + h[1]);
                    ua |= h[0].equalsIgnoreCase("User-Agent");
                }
                if (!ua && r.expected().equals("no-ua")) argv.addAll(List.of("-H", "User-Agent:"));
                if (r.body() != null) argv.addAll(List.of("--data-binary", r.body()));
                argv.add("https://" + r.host() + ":" + PORT + r.target());
                Cmd.Result res = Cmd.run(argv, null, null, 30);
                String[] codeAndVersion = res.out().trim().split(" ");
                Flow f = proxy.sink.await(x -> x.request() != null && tag.equals(x.request().header("X-Table-Row")));
                Decision d = f.decisions().stream().filter(x -> x.stage().equals("rules")).findFirst().orElse(null);
                assertThat(d).as(r + " " + version + ": " + res).isNotNull();
                assertThat(d.rule() == null ? "-" : d.rule()).as(r + " " + version + " " + f.request().path()).isEqualTo(r.expected());
                assertThat(f.request().httpVersion()).as(r.toString()).isEqualTo(version.equals("--http2") ? "HTTP/2.0" : "HTTP/1.1");
                if (d.action().equals("block")) assertThat(codeAndVersion[0]).as(r + " " + version).isEqualTo("403");
                sent++;
            }
        }
        assertThat(sent).isEqualTo(rows.size() * 2);
    }
}
