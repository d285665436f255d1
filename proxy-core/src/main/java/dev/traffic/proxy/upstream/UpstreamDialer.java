package dev.traffic.proxy.upstream;

import dev.traffic.proxy.net.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The one place the proxy opens a TCP connection towards an upstream server, for pooled HTTP
 * connections and raw tunnels alike: on the caller's event loop, with the connect timeout and
 * TCP_NODELAY, to the address admission checked, or through the upstream proxy (HTTP CONNECT, the
 * name left to that proxy to resolve) when one applies.
 * <pre>
 *   [upstream-proxy: HttpProxyHandler]  (only via an upstream proxy)
 *   [the caller's handlers]             (TLS, HTTP codec, relay, ...)
 * </pre>
 */
public final class UpstreamDialer {
    private final Transport transport;
    private final int timeoutMs;

    public UpstreamDialer(Transport transport, Duration connectTimeout) {
        this.transport = transport;
        this.timeoutMs = (int) connectTimeout.toMillis();
    }

    public int timeoutMillis() {
        return timeoutMs;
    }

    /**
     * Connects to {@code host:port} at {@code address} (null only when {@code via} is set).
     *
     * @param autoClose false keeps the channel open after a failed write (an upstream that
     *                  answered early and reset: the response already received must still be read)
     * @param handlers  adds the caller's handlers to the new channel's pipeline
     */
    public ChannelFuture dial(EventLoop loop, String host, InetAddress address, int port, InetSocketAddress via,
                              boolean autoClose, Consumer<Channel> handlers) {
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMs)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (via != null) {
                            HttpProxyHandler ph = new HttpProxyHandler(new InetSocketAddress(via.getHostString(), via.getPort()));
                            ph.setConnectTimeoutMillis(timeoutMs);
                            ch.pipeline().addLast("upstream-proxy", ph);
                        }
                        handlers.accept(ch);
                    }
                });
        if (!autoClose) b.option(ChannelOption.AUTO_CLOSE, false);
        InetSocketAddress remote;
        if (via != null) {
            b.resolver(NoopAddressResolverGroup.INSTANCE);
            remote = InetSocketAddress.createUnresolved(host, port);
        } else {
            remote = new InetSocketAddress(address, port);
        }
        return b.connect(remote);
    }
}
