package dev.traffic.proxy.client;

import dev.traffic.proxy.client.h2.H2Messages;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * Framing checks the decoder does not make, each one a way to make us and the upstream disagree
 * on where a request ends (request smuggling). A non-null result is the reason for a 400.
 */
public final class RequestChecks {
    private RequestChecks() {}

    public static String framingProblem(HttpRequest req) {
        HttpVersion version = req.protocolVersion();
        // HTTP/2 streams arrive translated, marked with the H2Messages.HTTP_2 instance (identity:
        // an HTTP/1.x request line claiming "HTTP/2.0" is still refused)
        if (!version.equals(HttpVersion.HTTP_1_1) && !version.equals(HttpVersion.HTTP_1_0) && version != H2Messages.HTTP_2) {
            return "unsupported HTTP version " + version.text();
        }
        List<String> te = req.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        List<String> cl = req.headers().getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (!te.isEmpty()) {
            if (req.protocolVersion().equals(HttpVersion.HTTP_1_0)) return "Transfer-Encoding in an HTTP/1.0 request";
            if (te.size() > 1) return "more than one Transfer-Encoding header";
            if (!te.get(0).trim().equalsIgnoreCase("chunked")) return "unsupported Transfer-Encoding '" + te.get(0) + "'";
            if (!cl.isEmpty()) return "both Content-Length and Transfer-Encoding";
        }
        if (cl.size() > 1) return "more than one Content-Length header";
        if (cl.size() == 1) {
            String v = cl.get(0);
            if (v.isEmpty() || v.length() > 18) return "invalid Content-Length";
            for (int i = 0; i < v.length(); i++) if (!Character.isDigit(v.charAt(i))) return "invalid Content-Length";
        }
        List<String> hosts = req.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) return "more than one Host header";
        if (req.protocolVersion().equals(HttpVersion.HTTP_1_1) && hosts.isEmpty()) return "missing Host header";
        return null;
    }
}
