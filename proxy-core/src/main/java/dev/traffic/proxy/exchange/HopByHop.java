package dev.traffic.proxy.exchange;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes hop-by-hop headers (RFC 9110 7.6.1) before a message is forwarded: Connection and every
 * header it names, Proxy-Connection, Keep-Alive, Proxy-Authorization, Proxy-Authenticate, TE,
 * Trailer and Upgrade. Transfer-Encoding is kept: the proxy re-frames bodies exactly as received
 * (chunked stays chunked), so the header stays true.
 */
public final class HopByHop {
    private HopByHop() {}

    public static void strip(HttpHeaders h) {
        List<String> named = new ArrayList<>();
        for (String v : h.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : v.split(",")) {
                String t = token.trim();
                if (!t.isEmpty() && !t.equalsIgnoreCase("close") && !t.equalsIgnoreCase("keep-alive")
                        && !t.equalsIgnoreCase("transfer-encoding") && !t.equalsIgnoreCase("content-length")
                        && !t.equalsIgnoreCase("host")) {
                    named.add(t);
                }
            }
        }
        for (String n : named) h.remove(n);
        h.remove(HttpHeaderNames.CONNECTION);
        h.remove("Proxy-Connection");
        h.remove(HttpHeaderNames.KEEP_ALIVE);
        h.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
        h.remove(HttpHeaderNames.PROXY_AUTHENTICATE);
        h.remove(HttpHeaderNames.TE);
        h.remove(HttpHeaderNames.TRAILER);
        h.remove(HttpHeaderNames.UPGRADE);
    }
}
