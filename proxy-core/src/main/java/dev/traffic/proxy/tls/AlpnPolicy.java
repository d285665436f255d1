package dev.traffic.proxy.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import java.util.List;

/**
 * The one place that decides which application protocols are offered on each side.
 *
 * <p>Decision: both sides are offered {@code h2} and {@code http/1.1} independently, and the
 * proxy translates when they differ (h2 client streams become pooled HTTP/1.1 upstream requests;
 * HTTP/1.1 client requests become streams on a shared h2 upstream connection). This keeps the
 * client handshake free of an upstream round trip (the upstream is connected lazily, per request,
 * and may be a pooled connection) at the price of translating when the sides differ. WebSocket
 * upgrades (and plain-HTTP upstreams) use {@link #HTTP1_ONLY}: an h2 connection cannot carry an
 * HTTP/1.1 Upgrade.
 */
public final class AlpnPolicy {
    /** Upstream key value: offer h2 and http/1.1 (the server chooses). */
    public static final String H2_OR_HTTP1 = ApplicationProtocolNames.HTTP_2;
    /** Upstream key value: offer http/1.1 only. */
    public static final String HTTP1_ONLY = ApplicationProtocolNames.HTTP_1_1;

    private AlpnPolicy() {}

    /** Protocols we offer to upstream servers, most preferred first. */
    public static List<String> upstreamProtocols() {
        return List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);
    }

    /** Protocols offered for {@code keyAlpn} ({@link #H2_OR_HTTP1} or {@link #HTTP1_ONLY}). */
    public static List<String> upstreamProtocols(String keyAlpn) {
        return HTTP1_ONLY.equals(keyAlpn) ? List.of(ApplicationProtocolNames.HTTP_1_1) : upstreamProtocols();
    }

    /** The ALPN part of an upstream pool key for a request. */
    public static String upstreamKeyAlpn(boolean tls, boolean upgrade) {
        return tls && !upgrade ? H2_OR_HTTP1 : HTTP1_ONLY;
    }

    /** Protocols we accept from intercepted clients, server preference order. */
    public static List<String> clientProtocols() {
        return List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);
    }

    static ApplicationProtocolConfig config(List<String> protocols) {
        return new ApplicationProtocolConfig(Protocol.ALPN, SelectorFailureBehavior.NO_ADVERTISE,
                SelectedListenerFailureBehavior.ACCEPT, protocols);
    }
}
