package dev.traffic.detect.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.traffic.detect.Fingerprint;
import dev.traffic.store.model.Finding;
import dev.traffic.store.model.FlowRequest;
import dev.traffic.store.model.Header;
import dev.traffic.store.model.Severity;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Splits a request into {@link Segment}s at every place a secret can ride: host labels, path,
 * userinfo, each query parameter, each header (Authorization schemes and cookies split apart), and
 * the body (decompressed per Content-Encoding, then JSON strings at any depth, form fields,
 * multipart parts, or plain text). Only the first {@code window} body bytes are scanned.
 */
public final class RequestWalker {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(2000).build()).build();
    private static final int MAX_DECOMPRESSED = 8 << 20;

    private RequestWalker() {}

    public static void walk(RequestScan rs, FlowRequest req, int window) {
        HostScan.scan(rs, rs.host());
        String hostHeader = req.header("host");
        if (hostHeader != null) {
            String hh = stripPort(hostHeader.trim().toLowerCase(Locale.ROOT));
            if (!hh.equals(rs.host())) HostScan.scan(rs, hh);
        }
        if (req.userinfo() != null) userinfo(rs, req.userinfo());
        if (req.path() != null && !req.path().isEmpty()) path(rs, req.path());
        if (req.query() != null && !req.query().isEmpty()) pairs(rs, req.query(), "query:", false);
        for (Header h : req.headers()) header(rs, h);
        body(rs, req, window);
    }

    static String stripPort(String h) {
        if (h.startsWith("[")) {
            int e = h.indexOf(']');
            return e > 0 ? h.substring(1, e) : h;
        }
        int c = h.indexOf(':');
        return c >= 0 && h.indexOf(':', c + 1) < 0 ? h.substring(0, c) : h;
    }

    /**
     * {@code user[:password]} of an absolute URL, split at the first unencoded ':' like Basic
     * credentials, each part percent-decoded and scanned as a whole value.
     */
    private static void userinfo(RequestScan rs, String raw) {
        int colon = raw.indexOf(':');
        userinfoPart(rs, colon < 0 ? raw : raw.substring(0, colon));
        if (colon >= 0) userinfoPart(rs, raw.substring(colon + 1));
    }

    private static void userinfoPart(RequestScan rs, String raw) {
        if (raw.isEmpty()) return;
        String dec = Decoders.percent(raw, false);
        rs.scan(new Segment(dec, "url-userinfo", "plain", 0, true, dec.equals(raw) ? null : raw));
    }

    private static void path(RequestScan rs, String path) {
        rs.scan(Segment.literal(path, "path", false));
        if (rs.engine().known().isEmpty() && !rs.sink()) return;
        // path segments are values too: pieces of a secret, random blobs to sinks
        for (String seg : path.split("/")) {
            if (seg.length() >= 4 && !rs.insideAddress(seg)) {
                String dec = Decoders.percent(seg, false);
                rs.scan(new Segment(dec, "path", "plain", 1, true, dec.equals(seg) ? null : seg));
            }
        }
    }

    /** {@code a=b&c=d} query strings and form bodies; names and values percent-decoded. */
    private static void pairs(RequestScan rs, String s, String prefix, boolean form) {
        for (String pair : s.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String rawValue = eq < 0 ? "" : pair.substring(eq + 1);
            String name = Decoders.percent(rawName, true);
            String value = Decoders.percent(rawValue, true);
            String loc = prefix.endsWith(":") ? prefix + name : prefix;
            if (!rawValue.isEmpty()) {
                rs.scan(new Segment(value, loc, "plain", 0, true, value.equals(rawValue) ? null : rawValue));
            }
            if (name.length() >= 16) rs.scan(new Segment(name, loc, "plain", 0, true, name.equals(rawName) ? null : rawName));
        }
    }

    private static void header(RequestScan rs, Header h) {
        String name = h.name().toLowerCase(Locale.ROOT);
        String v = h.value();
        if (v.isEmpty() || name.equals("host") || name.equals("content-length")) return;
        String loc = "header:" + name;
        switch (name) {
            case "authorization", "proxy-authorization" -> {
                int sp = v.indexOf(' ');
                String scheme = sp > 0 ? v.substring(0, sp) : "";
                String cred = sp > 0 ? v.substring(sp + 1).trim() : v.trim();
                if (scheme.equalsIgnoreCase("basic")) {
                    byte[] dec = Decoders.base64(cred, 0, cred.length());
                    if (dec != null && Decoders.mostlyText(dec)) {
                        String up = Decoders.latin1(dec);
                        Segment outer = new Segment(up, loc, "base64", 1, true, cred);
                        int colon = up.indexOf(':');
                        rs.scan(outer);
                        if (colon >= 0 && colon < up.length() - 1) {
                            rs.scan(new Segment(up.substring(colon + 1), loc, "base64", 1, true, cred));
                        }
                        return;
                    }
                }
                rs.scan(Segment.literal(scheme.isEmpty() || scheme.contains("=") ? v : cred, loc, sp < 0 || !cred.contains(" ")));
            }
            case "cookie" -> {
                for (String c : v.split(";")) {
                    String p = c.trim();
                    int eq = p.indexOf('=');
                    String val = eq >= 0 ? p.substring(eq + 1) : p;
                    if (val.length() >= 4) rs.scan(Segment.literal(val, loc, true));
                }
            }
            default -> rs.scan(Segment.literal(v, loc, v.indexOf(' ') < 0 && v.indexOf(',') < 0));
        }
    }

    private static void body(RequestScan rs, FlowRequest req, int window) {
        byte[] bytes = req.body().recorded();
        if (bytes.length == 0) return;
        long size = Math.max(req.body().size(), bytes.length);
        if (bytes.length > window) {
            bytes = Arrays.copyOf(bytes, window);
        }
        if (bytes.length < size) {
            rs.addFinding(new Finding("body-not-fully-scanned", "generic", Severity.LOW, "body", rs.host(),
                    Fingerprint.of("window:" + size), "plain",
                    "scanned the first " + bytes.length + " of " + size + " body bytes"));
        }
        String wireText = Decoders.latin1(bytes);
        String encoding = "plain";
        String ce = req.header("content-encoding");
        if (ce != null && !ce.isBlank() && !ce.trim().equalsIgnoreCase("identity")) {
            byte[] dec = Decoders.contentDecode(bytes, ce, MAX_DECOMPRESSED);
            if (dec != null) {
                bytes = dec;
                encoding = ce.trim().toLowerCase(Locale.ROOT);
            }
        }
        String text = Decoders.latin1(bytes);
        String wire = encoding.equals("plain") ? null : wireText;
        String ct = req.header("content-type");
        String ctl = ct == null ? "" : ct.toLowerCase(Locale.ROOT);
        if (ctl.contains("json") || (ctl.isEmpty() || ctl.startsWith("text/plain")) && looksJson(text)) {
            if (json(rs, bytes, text, encoding, wire)) return;
        }
        if (ctl.startsWith("application/x-www-form-urlencoded")) {
            if (encoding.equals("plain")) {
                pairs(rs, text.strip(), "body-form", true);
                return;
            }
        }
        if (ctl.startsWith("multipart/")) {
            String boundary = param(ct, "boundary");
            if (boundary != null && multipart(rs, text, boundary, encoding, wire)) return;
        }
        rs.scan(new Segment(text, "body", encoding, encoding.equals("plain") ? 0 : 1, false, wire));
    }

    private static boolean looksJson(String t) {
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '{' || c == '[') return true;
            if (!Character.isWhitespace(c)) return false;
        }
        return false;
    }

    /** Walks a JSON document; false (nothing scanned) when it does not parse at all. */
    private static boolean json(RequestScan rs, byte[] bytes, String latin, String encoding, String wire) {
        int depth = encoding.equals("plain") ? 0 : 1;
        int strings = 0;
        try (JsonParser p = JSON.createParser(bytes)) {
            JsonToken tok;
            while ((tok = p.nextToken()) != null) {
                if (tok != JsonToken.VALUE_STRING && tok != JsonToken.FIELD_NAME) continue;
                String v = tok == JsonToken.FIELD_NAME ? p.currentName() : p.getText();
                if (v.length() < 4) continue;
                strings++;
                String raw = null;
                if (wire == null) {
                    long s = p.currentTokenLocation().getByteOffset();
                    long e = p.currentLocation().getByteOffset();
                    if (tok == JsonToken.VALUE_STRING && s >= 0 && e > s + 1 && e <= latin.length()) {
                        String r = latin.substring((int) s + 1, (int) e - 1);
                        raw = r.equals(v) ? null : r;
                    } else {
                        raw = v; // best effort: field names
                    }
                }
                rs.scan(new Segment(v, "body-json", encoding, depth, true, wire != null ? wire : raw));
            }
            return true;
        } catch (IOException e) {
            if (strings > 0) {
                return true; // truncated JSON (scan window): what parsed was scanned
            }
            return false;
        }
    }

    private static boolean multipart(RequestScan rs, String text, String boundary, String encoding, String wire) {
        String delim = "--" + boundary;
        int i = text.indexOf(delim);
        if (i < 0) return false;
        int depth = encoding.equals("plain") ? 0 : 1;
        while (i >= 0) {
            int partStart = i + delim.length();
            if (text.startsWith("--", partStart)) break;
            int next = text.indexOf(delim, partStart);
            int partEnd = next < 0 ? text.length() : next;
            String part = text.substring(partStart, partEnd);
            int hdrEnd = part.indexOf("\r\n\r\n");
            int skip = 4;
            if (hdrEnd < 0) {
                hdrEnd = part.indexOf("\n\n");
                skip = 2;
            }
            String content = hdrEnd < 0 ? part : part.substring(hdrEnd + skip);
            if (content.endsWith("\r\n")) content = content.substring(0, content.length() - 2);
            String headers = hdrEnd < 0 ? "" : part.substring(0, hdrEnd).toLowerCase(Locale.ROOT);
            boolean field = !headers.contains("filename=");
            rs.scan(new Segment(content, field ? "body-form" : "body", encoding, depth, field && content.length() <= 4096, wire));
            i = next;
        }
        return true;
    }

    static String param(String header, String name) {
        for (String p : header.split(";")) {
            String t = p.trim();
            if (t.toLowerCase(Locale.ROOT).startsWith(name + "=")) {
                String v = t.substring(name.length() + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) v = v.substring(1, v.length() - 1);
                return v;
            }
        }
        return null;
    }
}
