package dev.traffic.ui.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Every response goes out through here, so every one carries the same security headers: a strict
 * Content-Security-Policy (scripts and styles only from this origin, nothing inline), nosniff, no
 * framing, no referrer, no caching of recorded content.
 */
final class Responses {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
            + " object-src 'none'; base-uri 'none'; frame-src 'none'; frame-ancestors 'none'; form-action 'self'";
    /** Recorded bytes served as such: a sandboxed, scriptless document if a browser ever renders one. */
    static final String BODY_CSP = "sandbox; default-src 'none'; img-src 'self'; frame-ancestors 'none'";

    private Responses() {}

    static void secure(HttpExchange ex, String csp) {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Security-Policy", csp);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Cross-Origin-Opener-Policy", "same-origin");
        h.set("Cross-Origin-Resource-Policy", "same-origin");
        h.set("Cache-Control", "no-store");
    }

    static void json(HttpExchange ex, int status, Object body) throws IOException {
        bytes(ex, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
    }

    static void text(HttpExchange ex, int status, String body) throws IOException {
        bytes(ex, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    static void bytes(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        if (ex.getResponseHeaders().getFirst("Content-Security-Policy") == null) secure(ex, PAGE_CSP);
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
        ex.close();
    }

    /** A download: attachment, sandboxed, never rendered in the UI's origin. */
    static void attachment(HttpExchange ex, String filename, String type) {
        secure(ex, BODY_CSP);
        ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + filename.replaceAll("[^A-Za-z0-9._-]", "_") + "\"");
        ex.getResponseHeaders().set("Content-Type", type);
    }

    static Object error(String message) {
        return java.util.Map.of("error", java.util.Map.of("message", message));
    }
}
