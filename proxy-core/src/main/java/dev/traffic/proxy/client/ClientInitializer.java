package dev.traffic.proxy.client;

import dev.traffic.proxy.server.Pipelines;
import dev.traffic.proxy.server.ProxyContext;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;

/**
 * Pipeline of a newly accepted client connection: idle timer, the strict HTTP/1.1 codec,
 * {@link HeldReads} (so pausing reads also holds already-decoded messages), then
 * {@link Http1ClientHandler}. CONNECT later swaps the HTTP part for a tunnel.
 */
public final class ClientInitializer extends ChannelInitializer<Channel> {
    private final ProxyContext px;
    private final ChannelGroup clients;

    public ClientInitializer(ProxyContext px, ChannelGroup clients) {
        this.px = px;
        this.clients = clients;
    }

    @Override
    protected void initChannel(Channel ch) {
        clients.add(ch);
        px.config().events().clientConnectionOpened();
        ch.closeFuture().addListener(f -> px.config().events().clientConnectionClosed());
        ClientSession session = new ClientSession(Http1ClientHandler.describe(ch.remoteAddress()), "http", null, null);
        Pipelines.clientConnection(ch, px, session);
    }
}
