package dev.traffic.proxy.exchange.ws;

import dev.traffic.proxy.MessageInspection;
import dev.traffic.proxy.RequestInspector;
import dev.traffic.proxy.server.ProxyContext;
import dev.traffic.proxy.net.ReadGate;
import dev.traffic.model.PolicyDecision;
import dev.traffic.model.WsMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Holds the client-to-server bytes of each WebSocket data message until the inspector has seen the
 * whole message, then forwards them unchanged or, when the inspection blocks, drops them and closes
 * both sides with 1008 (policy violation) naming the rule. Messages up to
 * {@code ProxyConfig.inlineInspectionLimit} bytes (16 KiB by default, as for requests) are inspected
 * right here on the event loop (a scan of a few KB costs well under a millisecond); larger ones on
 * the proxy's inspection executor, with the client's reads paused meanwhile. A
 * message longer than the scan window is not held past it: it streams on and is inspected when it
 * completes (its findings are recorded, and blocking then closes the socket after it went out).
 *
 * <p>Buffers: slices of what the client sent are retained while held and either written to the
 * upstream (which releases them) or released here. Event-loop confined, except the inspector call.
 */
final class WsMessageGate {
    private final ProxyContext px;
    private final WsRelay.Session session;
    private final RequestInspector inspector;
    private final WsRecordBudget budget;
    private final WsFrameTap tap;
    private final int recordCap;
    private final int window;
    private final int inlineLimit;
    private final WsFrameTap toClientTap;
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private final ArrayDeque<ByteBuf> queued = new ArrayDeque<>();
    private long heldBytes;
    private boolean streaming; // the current message outgrew the window and is forwarded as it comes
    private boolean inspecting;
    private WsMessage completed;

    WsMessageGate(ProxyContext px, WsRelay.Session session, WsRecordBudget budget, WsFrameTap toClientTap) {
        this.px = px;
        this.session = session;
        this.inspector = px.config().inspector();
        this.budget = budget;
        this.recordCap = px.config().maxBodyRecord();
        this.window = px.config().scanWindow();
        this.inlineLimit = px.config().inlineInspectionLimit();
        this.toClientTap = toClientTap;
        this.tap = new WsFrameTap(WsMessage.Direction.CLIENT_TO_SERVER, Math.max(recordCap, window), m -> completed = m);
    }

    /** Bytes the client sent (ownership transfers here). */
    void read(ByteBuf b) {
        if (inspecting || session.ended) {
            if (session.ended) b.release();
            else queued.add(b);
            return;
        }
        process(b);
    }

    private void process(ByteBuf b) {
        int i = b.readerIndex();
        int end = b.writerIndex();
        try {
            while (i < end && !session.ended) {
                int j = tap.feed(b, i, end, true);
                if (j > i) hold(b.retainedSlice(i, j - i));
                i = j;
                WsMessage m = completed;
                if (m != null) {
                    completed = null;
                    if (!decide(m)) { // inspecting off the loop: the rest waits, in order
                        if (i < end) queued.addFirst(b.retainedSlice(i, end - i));
                        return;
                    }
                } else if (!tap.inMessage()) {
                    forwardHeld(); // between messages: control frames and bytes before a message go on at once
                }
            }
            if (session.ended) return;
            if (!tap.inMessage()) {
                forwardHeld();
            } else if (streaming || heldBytes > window) {
                streaming = true;
                forwardHeld();
            }
        } finally {
            b.release();
        }
    }

    private void hold(ByteBuf slice) {
        held.add(slice);
        heldBytes += slice.readableBytes();
    }

    /** Inspects a completed message; true when decided here, false when it went off the loop. */
    private boolean decide(WsMessage whole) {
        // the tap kept up to max(record cap, window): the inspector sees the window
        WsMessage m = whole.payload().length <= window ? whole : new WsMessage(whole.direction(), whole.time(),
                whole.text(), Arrays.copyOf(whole.payload(), window), whole.size(), true);
        boolean wasStreaming = streaming;
        streaming = false;
        String session = px.config().session();
        String flowId = this.session.rec.id();
        var head = this.session.rec.request();
        if (m.payload().length <= inlineLimit && !wasStreaming) {
            MessageInspection r;
            try {
                r = inspector.inspectMessage(head, m, session, flowId);
            } catch (RuntimeException e) {
                r = null;
            }
            apply(whole, r, wasStreaming);
            return true;
        }
        inspecting = true;
        Channel client = this.session.client;
        ReadGate.of(client).pause(ReadGate.INSPECTING);
        CompletableFuture.supplyAsync(() -> inspector.inspectMessage(head, m, session, flowId), px.inspectionExecutor())
                .whenComplete((r, e) -> client.eventLoop().execute(() -> inspected(whole, e == null ? r : null, wasStreaming)));
        return false;
    }

    private void inspected(WsMessage m, MessageInspection r, boolean wasStreaming) {
        inspecting = false;
        if (session.ended) {
            releaseAll();
            return;
        }
        apply(m, r, wasStreaming);
        ReadGate.of(session.client).resume(ReadGate.INSPECTING);
        while (!inspecting && !session.ended && !queued.isEmpty()) process(queued.poll());
        if (session.ended) releaseAll();
        session.upstream.flush();
    }

    private void apply(WsMessage m, MessageInspection r, boolean wasStreaming) {
        if (r == null) { // the inspector failed: fail closed, like a request whose inspection failed
            record(m, null); // before close(): ending the session finishes the flow
            close(1011, "message inspection failed", null, wasStreaming);
            return;
        }
        session.rec.findings(r.findings());
        record(m, r.redactedPayload());
        if (r.block()) {
            String rule = r.rule() == null ? "inspection" : r.rule();
            session.rec.policy(new PolicyDecision(PolicyDecision.Action.BLOCK, rule));
            close(1008, "blocked by policy rule " + rule + " (flow " + session.rec.id() + ")", rule, wasStreaming);
            return;
        }
        if (!r.findings().isEmpty()) session.rec.policy(new PolicyDecision(PolicyDecision.Action.FLAG, r.findings().get(0).rule()));
        forwardHeld();
    }

    /** Records the message as the recording cap allows (the tap kept up to the larger scan window). */
    private void record(WsMessage m, byte[] redacted) {
        byte[] p = redacted != null ? redacted : m.payload();
        boolean cut = p.length > recordCap;
        if (cut) p = Arrays.copyOf(p, recordCap);
        budget.accept(new WsMessage(m.direction(), m.time(), m.text(), p, m.size(), m.truncated() || cut));
    }

    private void forwardHeld() {
        if (held.isEmpty()) return;
        Channel up = session.upstream;
        for (ByteBuf b : held) up.write(b);
        held.clear();
        heldBytes = 0;
        up.flush();
        if (!up.isWritable()) ReadGate.of(session.client).pause(ReadGate.PEER_UNWRITABLE);
    }

    /** Drops what is held and ends the flow with a close frame each way where the stream allows one. */
    private void close(int code, String reason, String rule, boolean wasStreaming) {
        releaseAll();
        if (toClientTap.atFrameBoundary()) session.client.write(closeFrame(code, reason, false));
        if (!wasStreaming) session.upstream.write(closeFrame(code, reason, true));
        if (rule == null) session.end(reason);
        else session.end(null);
    }

    void releaseAll() {
        for (ByteBuf b : held) b.release();
        held.clear();
        heldBytes = 0;
        for (ByteBuf b : queued) b.release();
        queued.clear();
    }

    /** RFC 6455 5.5.1: FIN + close opcode, status code, UTF-8 reason (at most 123 bytes); masked towards the server. */
    static ByteBuf closeFrame(int code, String reason, boolean masked) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        if (r.length > 123) r = Arrays.copyOf(r, 123); // may cut a multi-byte char: our reasons are ASCII
        int len = 2 + r.length;
        byte[] payload = new byte[len];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(r, 0, payload, 2, r.length);
        ByteBuf f = Unpooled.buffer(2 + (masked ? 4 : 0) + len);
        f.writeByte(0x88);
        f.writeByte((masked ? 0x80 : 0) | len);
        if (masked) {
            byte[] key = new byte[4];
            java.util.concurrent.ThreadLocalRandom.current().nextBytes(key);
            f.writeBytes(key);
            for (int k = 0; k < len; k++) payload[k] ^= key[k & 3];
        }
        f.writeBytes(payload);
        return f;
    }
}
