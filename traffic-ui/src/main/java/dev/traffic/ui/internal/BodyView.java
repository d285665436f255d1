package dev.traffic.ui.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.traffic.model.Body;
import dev.traffic.store.index.BodyText;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * One body as the detail view shows it: decoded (gzip, deflate, br, zstd, with the store's decoder)
 * up to {@link #DISPLAY_LIMIT}, then classified: JSON (pretty), form, server-sent events, image
 * (served from its own sandboxed URL, raster types only), text (HTML, SVG and XML are text too) or
 * a hex dump. Everything goes to the browser as JSON strings, never as markup.
 */
final class BodyView {
    /** Decoded bytes shown at most (a small compressed body can expand to gigabytes). */
    static final int DISPLAY_LIMIT = 1024 * 1024;
    static final int HEX_LIMIT = 4096;
    /** Raster images the browser may decode from its own URL; never SVG (it can carry script). */
    static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/x-icon",
            "image/vnd.microsoft.icon", "image/avif");

    private BodyView() {}

    static ObjectNode of(Body b, String encoding, String contentType) {
        ObjectNode n = Responses.JSON.createObjectNode();
        n.put("size", b.size());
        n.put("sha256", b.sha256());
        n.put("recorded", b.recorded().length);
        n.put("truncated", b.truncated());
        if (encoding != null) n.put("encoding", encoding);
        if (contentType != null) n.put("contentType", contentType);
        if (b.recorded().length == 0) {
            n.put("kind", "empty");
            return n;
        }
        byte[] bytes = decoded(b, encoding);
        boolean cut = bytes.length > DISPLAY_LIMIT;
        if (cut) bytes = java.util.Arrays.copyOf(bytes, DISPLAY_LIMIT);
        n.put("decodedCut", cut);
        n.put("shown", bytes.length);
        String media = mediaType(contentType);
        if (IMAGE_TYPES.contains(media) && !cut) {
            n.put("kind", "image");
            return n;
        }
        if (!BodyText.looksTextual(bytes)) {
            n.put("kind", "binary");
            n.put("hex", hex(bytes));
            return n;
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (media.equals("text/event-stream")) {
            n.put("kind", "sse");
            n.set("events", sse(text));
            n.put("text", text);
            return n;
        }
        if (media.equals("application/x-www-form-urlencoded")) {
            n.put("kind", "form");
            n.set("form", form(text));
            n.put("text", text);
            return n;
        }
        if (!cut && (media.contains("json") || text.stripLeading().startsWith("{") || text.stripLeading().startsWith("["))) {
            try {
                JsonNode j = Responses.JSON.readTree(text);
                if (j != null && (j.isObject() || j.isArray())) {
                    n.put("kind", "json");
                    n.put("text", Responses.JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(j));
                    return n;
                }
            } catch (java.io.IOException e) {
                // not JSON after all: text
            }
        }
        n.put("kind", "text");
        n.put("text", text);
        return n;
    }

    static byte[] decoded(Body b, String encoding) {
        return BodyText.decode(b.recorded(), encoding, DISPLAY_LIMIT + 1);
    }

    static String mediaType(String contentType) {
        if (contentType == null) return "";
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    private static ArrayNode form(String text) {
        ArrayNode a = Responses.JSON.createArrayNode();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            ArrayNode kv = a.addArray();
            kv.add(decode(eq < 0 ? pair : pair.substring(0, eq)));
            kv.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return a;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** Server-sent events in order: event type, id, data lines joined (WHATWG event-stream parsing, simplified). */
    static ArrayNode sse(String text) {
        ArrayNode a = Responses.JSON.createArrayNode();
        String event = null;
        String id = null;
        StringBuilder data = null;
        for (String line : text.split("\r\n|\r|\n", -1)) {
            if (line.isEmpty()) {
                if (data != null || event != null) {
                    ObjectNode e = a.addObject();
                    e.put("event", event == null ? "message" : event);
                    if (id != null) e.put("id", id);
                    e.put("data", data == null ? "" : data.toString());
                }
                event = null;
                data = null;
                continue;
            }
            if (line.startsWith(":")) continue;
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) value = value.substring(1);
            switch (field) {
                case "event" -> event = value;
                case "id" -> id = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> { }
            }
        }
        if (data != null) {
            ObjectNode e = a.addObject();
            e.put("event", event == null ? "message" : event);
            if (id != null) e.put("id", id);
            e.put("data", data.toString());
            e.put("incomplete", true);
        }
        return a;
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        int n = Math.min(b.length, HEX_LIMIT);
        for (int i = 0; i < n; i += 16) {
            s.append(String.format(Locale.ROOT, "%08x  ", i));
            int end = Math.min(n, i + 16);
            s.append(HexFormat.ofDelimiter(" ").formatHex(b, i, end));
            s.append(" ".repeat((16 - (end - i)) * 3 + 1)).append('|');
            for (int j = i; j < end; j++) s.append(b[j] >= 32 && b[j] < 127 ? (char) b[j] : '.');
            s.append("|\n");
        }
        if (b.length > n) s.append("... ").append(b.length - n).append(" more bytes (download the body for all of it)\n");
        return s.toString();
    }
}
