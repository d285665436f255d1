package dev.traffic.proxy.exchange.ws;

import dev.traffic.proxy.record.FlowRecorder;
import dev.traffic.model.WsMessage;
import java.util.function.Consumer;

/**
 * Bounds what one WebSocket flow keeps in memory until it ends (a socket can live for hours):
 * payloads are kept while the flow's total stays under {@code 16 x --max-body-record}, after that
 * messages are recorded with size only (marked truncated); after {@link #MAX_MESSAGES} messages
 * none are added and the flow's error says how many were left out. Both directions share one
 * budget. Event-loop confined.
 */
final class WsRecordBudget implements Consumer<WsMessage> {
    static final int MAX_MESSAGES = 100_000;

    private final FlowRecorder rec;
    private long payloadLeft;
    private int messages;
    private long dropped;

    WsRecordBudget(FlowRecorder rec, int maxBodyRecord) {
        this.rec = rec;
        this.payloadLeft = 16L * Math.max(0, maxBodyRecord);
    }

    @Override
    public void accept(WsMessage m) {
        if (messages >= MAX_MESSAGES) {
            dropped++;
            return;
        }
        messages++;
        if (m.payload().length > payloadLeft) {
            m = new WsMessage(m.direction(), m.time(), m.text(), new byte[0], m.size(), m.size() > 0);
        }
        payloadLeft -= m.payload().length;
        rec.message(m);
    }

    /** Called once when the flow ends. */
    void finish() {
        if (dropped > 0) {
            rec.error("websocket: " + dropped + " message(s) after the first " + MAX_MESSAGES + " were not recorded");
        }
    }
}
