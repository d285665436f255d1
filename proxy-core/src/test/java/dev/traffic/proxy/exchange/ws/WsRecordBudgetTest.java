package dev.traffic.proxy.exchange.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.ProxyConfig;
import dev.traffic.proxy.record.FlowRecorder;
import dev.traffic.proxy.server.ProxyContext;
import dev.traffic.proxy.tls.TlsContexts;
import dev.traffic.proxy.net.Transport;
import dev.traffic.store.FlowSink;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowKind;
import dev.traffic.model.WsMessage;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A long-lived socket cannot make its flow hold unbounded payloads or message lists. */
class WsRecordBudgetTest {
    @Test
    void payloadsStopAtSixteenBodyCapsAndMessagesAtTheLimit() throws Exception {
        List<Flow> ended = new ArrayList<>();
        FlowSink sink = new FlowSink() {
            @Override public void started(Flow head) {}
            @Override public void ended(Flow flow) { ended.add(flow); }
        };
        ProxyConfig cfg = ProxyConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0)).sink(sink).maxBodyRecord(10).build();
        try (ProxyContext px = new ProxyContext(cfg, new TlsContexts(cfg), Transport.detect(false))) {
            FlowRecorder rec = new FlowRecorder(px, "test", FlowKind.WEBSOCKET);
            WsRecordBudget budget = new WsRecordBudget(rec, 10);
            int total = WsRecordBudget.MAX_MESSAGES + 5;
            for (int i = 0; i < total; i++) {
                budget.accept(new WsMessage(WsMessage.Direction.SERVER_TO_CLIENT, Instant.now(), true, new byte[10], 10, false));
            }
            budget.finish();
            rec.finish();
        }
        Flow f = ended.get(0);
        assertThat(f.messages()).hasSize(WsRecordBudget.MAX_MESSAGES);
        assertThat(f.messages().get(15).payload()).hasSize(10); // 16 x 10 bytes of budget
        assertThat(f.messages().get(16).payload()).isEmpty();
        assertThat(f.messages().get(16).size()).isEqualTo(10);
        assertThat(f.messages().get(16).truncated()).isTrue();
        assertThat(f.error()).contains("5 message(s)");
    }
}
