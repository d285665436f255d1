package dev.traffic.ui.internal;

import com.sun.net.httpserver.HttpExchange;
import dev.traffic.ui.UiAccess;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;

/**
 * The one place that decides whether a request is served: read-only methods only; on loopback the
 * Host header must name loopback (a DNS-rebinding page cannot read the UI); requests a browser marks
 * as cross-site are refused; with a token, the cookie set from the one-time URL is required.
 */
final class AccessGate {
    static final String COOKIE = "traffic_ui_token";
    private final UiAccess access;
    private final boolean loopback;

    AccessGate(UiAccess access, boolean loopback) {
        this.access = access;
        this.loopback = loopback;
    }

    /** True when the request may go on; otherwise the refusal has been sent. */
    boolean admit(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            Responses.text(ex, 405, "this UI is read-only: " + method + " is not served (only GET and HEAD)\n");
            return false;
        }
        if (loopback && !loopbackHost(ex.getRequestHeaders().getFirst("Host"))) {
            Responses.text(ex, 421, "the Host header must name the loopback address this UI listens on\n");
            return false;
        }
        String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
        if (site != null && site.equalsIgnoreCase("cross-site")) {
            Responses.text(ex, 403, "cross-site requests are refused\n");
            return false;
        }
        if (!access.required()) return true;
        URI uri = ex.getRequestURI();
        String offered = Params.of(uri).get("token");
        if (offered != null) {
            if (!same(offered, access.token())) {
                Responses.text(ex, 401, "wrong token\n");
                return false;
            }
            // the one-time URL: set the cookie, then drop the token from the address bar and history
            ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + access.token() + "; Path=/; HttpOnly; SameSite=Strict");
            ex.getResponseHeaders().set("Location", uri.getRawPath());
            Responses.text(ex, 303, "");
            return false;
        }
        if (!same(cookie(ex.getRequestHeaders().get("Cookie")), access.token())) {
            Responses.text(ex, 401, "this UI needs its token: open the URL with ?token= that traffic printed at start\n");
            return false;
        }
        return true;
    }

    private static String cookie(List<String> headers) {
        if (headers == null) return null;
        for (String h : headers) {
            for (String part : h.split(";")) {
                String p = part.trim();
                if (p.startsWith(COOKIE + "=")) return p.substring(COOKIE.length() + 1);
            }
        }
        return null;
    }

    private static boolean same(String a, String b) {
        if (a == null || b == null) return false;
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    static boolean loopbackHost(String host) {
        if (host == null) return false;
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 && h.substring(1, end).equals("::1");
        }
        int colon = h.lastIndexOf(':');
        if (colon >= 0) h = h.substring(0, colon);
        return h.equals("localhost") || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
