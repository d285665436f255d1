package dev.traffic.proxy.internal;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import java.util.List;

/**
 * The one place that decides which application protocols are offered on each side. For now both
 * sides speak HTTP/1.1 only; HTTP/2 support changes this class (offer the client what the
 * upstream negotiated) and the pipelines that read {@code SslHandler.applicationProtocol()}.
 */
public final class AlpnPolicy {
    private AlpnPolicy() {}

    /** Protocols we offer to upstream servers. */
    public static List<String> upstreamProtocols() {
        return List.of(ApplicationProtocolNames.HTTP_1_1);
    }

    /** Protocols we accept from intercepted clients. */
    public static List<String> clientProtocols() {
        return List.of(ApplicationProtocolNames.HTTP_1_1);
    }

    static ApplicationProtocolConfig config(List<String> protocols) {
        return new ApplicationProtocolConfig(Protocol.ALPN, SelectorFailureBehavior.NO_ADVERTISE,
                SelectedListenerFailureBehavior.ACCEPT, protocols);
    }
}
