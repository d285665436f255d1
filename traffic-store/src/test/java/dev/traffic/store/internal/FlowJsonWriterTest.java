package dev.traffic.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.store.FlowJson;
import dev.traffic.store.Flows;
import dev.traffic.model.Body;
import dev.traffic.model.Decision;
import dev.traffic.model.Finding;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowKind;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.FlowResponse;
import dev.traffic.model.Header;
import dev.traffic.model.PolicyDecision;
import dev.traffic.model.TlsInfo;
import dev.traffic.model.TunnelInfo;
import dev.traffic.model.WsMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streaming writer against the databind mapper it replaced: same bytes, same flow read back. */
class FlowJsonWriterTest {
    private static List<Flow> flows() {
        Instant t = Instant.parse("2026-11-26T10:00:00.000000001Z");
        Flow rich = Flows.rich(3);
        List<Flow> out = new ArrayList<>();
        // every field set, with escapes, non-ASCII, control characters, empty and binary bytes
        out.add(rich.toBuilder().seq(Long.MAX_VALUE).kind(FlowKind.WEBSOCKET).error("boom \"x\"\n\t\u0001 é ✓ \uD83D\uDE00")
                .request(rich.request().withUserinfo("us%40er:p\\w").withHeaders(List.of(new Header("X-Ü", "\"q\" \\ </script>"),
                        new Header("Empty", ""))))
                .response(new FlowResponse(rich.response().status(), rich.response().reason(), rich.response().httpVersion(),
                        rich.response().headers(), rich.response().body(), List.of(new Header("grpc-status", "0"), new Header("grpc-message", "ok")),
                        rich.response().start(), rich.response().end()))
                .messages(List.of(new WsMessage(WsMessage.Direction.CLIENT_TO_SERVER, t, true, "hi".getBytes(StandardCharsets.UTF_8), 2, false),
                        new WsMessage(WsMessage.Direction.SERVER_TO_CLIENT, t.plusSeconds(1), false, new byte[0], 70_000, true),
                        new WsMessage(null, null, false, new byte[] {0, -1, 2}, 3, false)))
                .tunnel(new TunnelInfo(1, Long.MAX_VALUE, true, "closed"))
                .findings(List.of(rich.findings().get(0), new Finding("r2", null, null, null, null, null, null, null)))
                .decisions(List.of(new Decision("rules", "protect-main", "block", "main is \"protected\" \u00e9"),
                        new Decision("credentials", null, "inject", null)))
                .credentials(List.of("github", "k8s-token"))
                .build());
        // all optional parts absent
        out.add(Flow.builder().id("x").start(Instant.EPOCH).build());
        out.add(Flow.builder().id("y").kind(FlowKind.TUNNEL).start(t).end(t).tunnel(new TunnelInfo(0, 0, false))
                .tls(new TlsInfo("sni.test", null, null, null, null, null, null, null, null, null))
                .policy(new PolicyDecision(PolicyDecision.Action.BLOCK, "deny *.test")).build());
        // empty bodies (left out), a body with a hash but no bytes (as the journal stores it), trailers only
        out.add(rich.toBuilder().request(new FlowRequest("GET", "http", "::1", 0, "/", null, null, List.of(), Body.EMPTY,
                        List.of(new Header("t", "v")), null))
                .response(new FlowResponse(204, null, null, List.of(), new Body(10, "ab", null, false), null, null, null)).build());
        out.add(Flows.get("api.github.com", "/x", 200, "{}"));
        return out;
    }

    /**
     * Guards the hand-written writer against a model field added later: the first test flow must set
     * every component of every model record (so its databind JSON names them all), and the byte
     * comparison below then fails until {@link FlowJsonWriter} writes the new field too.
     */
    @Test
    void theFullTestFlowSetsEveryModelField() throws Exception {
        com.fasterxml.jackson.databind.JsonNode full = FlowJson.mapper().readTree(FlowJson.mapper().writeValueAsBytes(flows().get(0)));
        java.util.Map<Class<?>, com.fasterxml.jackson.databind.JsonNode> parts = new java.util.LinkedHashMap<>();
        parts.put(Flow.class, full);
        parts.put(FlowRequest.class, full.get("request"));
        parts.put(FlowResponse.class, full.get("response"));
        parts.put(Body.class, full.get("request").get("body"));
        parts.put(Header.class, full.get("request").get("headers").get(0));
        parts.put(TlsInfo.class, full.get("tls"));
        parts.put(WsMessage.class, full.get("messages").get(0));
        parts.put(TunnelInfo.class, full.get("tunnel"));
        parts.put(PolicyDecision.class, full.get("policy"));
        parts.put(Finding.class, full.get("findings").get(0));
        parts.put(Decision.class, full.get("decisions").get(0));
        for (var e : parts.entrySet()) {
            for (java.lang.reflect.RecordComponent c : e.getKey().getRecordComponents()) {
                assertThat(e.getValue().has(c.getName())).as(e.getKey().getSimpleName() + "." + c.getName() + " set in the full test flow").isTrue();
            }
        }
    }

    @Test
    void writesTheSameBytesAsTheDatabindMapper() throws Exception {
        for (Flow f : flows()) {
            byte[] databind = FlowJson.mapper().writeValueAsBytes(f);
            assertThat(new String(FlowJson.toBytes(f), StandardCharsets.UTF_8)).isEqualTo(new String(databind, StandardCharsets.UTF_8));
            // the output form is the record plus the flow's absolute URL after the id
            String withoutUrl = FlowJson.toJson(f).replaceFirst(",\"url\":\"[^\"]*\"", "");
            assertThat(withoutUrl).isEqualTo(FlowJson.mapper().writeValueAsString(f));
            assertThat(FlowJson.toJson(f)).contains("\"url\":\"" + f.url() + "\"");
            assertThat(FlowJson.fromJson(FlowJson.toJson(f))).isEqualTo(f);
        }
    }
}
