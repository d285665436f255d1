package dev.traffic.proxy.exchange.ws;

import dev.traffic.proxy.record.FlowRecorder;
import dev.traffic.proxy.exchange.HopByHop;
import dev.traffic.proxy.server.ProxyContext;
import dev.traffic.proxy.net.ReadGate;
import dev.traffic.model.WsMessage;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The WebSocket seam of an HTTP/1.1 exchange. A request is an upgrade when it is a GET with
 * {@code Upgrade: websocket} and {@code Connection: upgrade}; those two hop-by-hop headers are put
 * back after hop-by-hop stripping (RFC 9110 7.8) and {@code Sec-WebSocket-Extensions} is removed,
 * so no compression is negotiated and recorded messages are readable. When the upstream answers
 * 101 the client gets the 101, then both connections leave HTTP: their codecs are removed and a
 * {@link WsRelay} moves the raw bytes both ways while {@link WsFrameTap}s record the messages (with
 * an inspector that inspects messages, a {@link WsMessageGate} holds client messages until inspected).
 */
public final class WsUpgrade {
    private WsUpgrade() {}

    public static boolean isRequest(HttpRequest req) {
        return req.method().equals(HttpMethod.GET)
                && req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    /** After hop-by-hop stripping: the upgrade headers go on to the upstream; extensions do not. */
    public static void restoreRequestHeaders(HttpRequest req) {
        req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        req.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        req.headers().remove(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
    }

    /**
     * Answers the client with the upstream's 101 (called on the shared event loop, from the
     * upstream's read of that response) and turns both channels into a relay recorded by {@code rec}.
     */
    public static void relay(ProxyContext px, Channel client, Channel upstream, HttpResponse switching, FlowRecorder rec) {
        HopByHop.strip(switching.headers());
        switching.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        switching.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        switching.setProtocolVersion(HttpVersion.HTTP_1_1);

        int cap = px.config().maxBodyRecord();
        WsRecordBudget budget = new WsRecordBudget(rec, cap);
        WsRelay.Session session = new WsRelay.Session(client, upstream, rec, budget);
        WsFrameTap toClientTap = new WsFrameTap(WsMessage.Direction.SERVER_TO_CLIENT, cap, budget);
        boolean inspect = px.config().inspector() != null && px.config().inspector().inspectsMessages();
        if (inspect) session.gate = new WsMessageGate(px, session, budget, toClientTap);
        WsRelay toUpstream = new WsRelay(session, upstream,
                inspect ? null : new WsFrameTap(WsMessage.Direction.CLIENT_TO_SERVER, cap, budget));
        WsRelay toClient = new WsRelay(session, client, toClientTap);

        ChannelPipeline cp = client.pipeline();
        cp.addLast("ws", toUpstream);
        client.write(switching);
        client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT); // encoded now: the codec may go
        removeIfPresent(cp, "client", "flow-control", "http");

        ChannelPipeline up = upstream.pipeline();
        up.addLast("ws", toClient);
        removeIfPresent(up, "upstream", "http"); // bytes already read past the 101 reach the relay

        int all = ReadGate.PEER_UNWRITABLE | ReadGate.WAITING_UPSTREAM | ReadGate.EXCHANGE_BUSY | ReadGate.INSPECTING;
        ReadGate.of(upstream).resume(all);
        ReadGate.of(client).resume(all);
    }

    private static void removeIfPresent(ChannelPipeline p, String... names) {
        for (String n : names) if (p.get(n) != null) p.remove(n);
    }
}
