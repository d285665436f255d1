package dev.traffic.proxy.upstream;

import dev.traffic.proxy.net.Target;
import dev.traffic.proxy.tls.NamingTrustManager;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;

/**
 * Maps why an upstream could not be reached to the status and one-line reason the client gets in
 * the body (and the flow records as its error): 502 {@code cannot resolve <host>}, 502
 * {@code connection refused <host:port>}, 504 on timeouts, 502 with the certificate problem.
 */
public final class UpstreamFailures {
    private UpstreamFailures() {}

    /** Status and message for a client-facing error. */
    public record Failure(int status, String message) {}

    public static Failure describe(Throwable t, Target target) {
        Throwable c = unwrap(t);
        String hp = target.authority();
        for (Throwable x = c; x != null; x = x.getCause()) {
            if (x instanceof NamingTrustManager.UpstreamCertificateException) return new Failure(502, x.getMessage());
        }
        if (c instanceof UnknownHostException) {
            // the resolver's own reasons ("resolver busy", "lookup timed out") say more than "cannot resolve"
            String m = String.valueOf(c.getMessage());
            String why = m.startsWith(target.host() + ": ") ? " (" + m.substring(target.host().length() + 2) + ")" : "";
            return new Failure(502, "cannot resolve " + target.host() + why);
        }
        if (c instanceof ConnectTimeoutException) return new Failure(504, "upstream connect timeout " + hp);
        if (c instanceof SslHandshakeTimeoutException) return new Failure(504, "upstream TLS handshake timeout " + hp);
        if (c instanceof ProxyConnectException) return new Failure(502, "upstream proxy refused " + hp + ": " + c.getMessage());
        if (c instanceof NoRouteToHostException) return new Failure(502, "no route to host " + hp);
        if (c instanceof ConnectException) {
            String m = String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (m.contains("refused")) return new Failure(502, "connection refused " + hp);
            if (m.contains("timed out")) return new Failure(504, "upstream connect timeout " + hp);
            return new Failure(502, "cannot connect to " + hp + ": " + c.getMessage());
        }
        if (c instanceof SSLException) return new Failure(502, "upstream TLS handshake failed with " + hp + ": " + c.getMessage());
        return new Failure(502, "upstream error " + hp + ": " + c);
    }

    public static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
