package dev.traffic.detect.internal;

import dev.traffic.detect.Fingerprint;
import dev.traffic.model.Finding;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.Header;
import dev.traffic.model.Severity;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Splits a request into {@link Segment}s at every place a secret can ride: host labels, path,
 * userinfo, each query parameter, each header (Authorization schemes and cookies split apart), and
 * the body (decompressed per Content-Encoding, then JSON strings at any depth, form fields,
 * multipart parts, or plain text). Only the first {@code window} body bytes are scanned.
 */
public final class RequestWalker {
    private static final int MAX_DECOMPRESSED = 8 << 20;
    private static final int DEDUP_SLOTS = 256;

    private RequestWalker() {}

    public static void walk(RequestScan rs, FlowRequest req, int window) {
        HostScan.scan(rs, rs.host());
        String[] known = knownHeaders(req);
        String hostHeader = known[0];
        if (hostHeader != null) {
            String hh = stripPort(Texts.lowerCase(hostHeader.trim()));
            if (!hh.equals(rs.host())) HostScan.scan(rs, hh);
        }
        if (req.userinfo() != null) userinfo(rs, req.userinfo());
        if (req.path() != null && !req.path().isEmpty()) path(rs, req.path());
        if (req.query() != null && !req.query().isEmpty()) pairs(rs, req.query(), "query:", null, 0);
        for (Header h : req.headers()) header(rs, h);
        body(rs, req, window, known[1], known[2]);
    }

    /**
     * The first Host, Content-Encoding and Content-Type values ({@link FlowRequest#header}'s
     * answers) in one pass over the headers: most names are ruled out by their length.
     */
    private static String[] knownHeaders(FlowRequest req) {
        String[] v = new String[3];
        for (Header h : req.headers()) {
            String n = h.name();
            int k = switch (n.length()) {
                case 4 -> n.equalsIgnoreCase("host") ? 0 : -1;
                case 16 -> n.equalsIgnoreCase("content-encoding") ? 1 : -1;
                case 12 -> n.equalsIgnoreCase("content-type") ? 2 : -1;
                default -> -1;
            };
            if (k >= 0 && v[k] == null) v[k] = h.value();
        }
        return v;
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
        // (an indexOf walk; a quiet segment's string is never built: see pairs)
        for (int from = 0, slash; from <= path.length(); from = slash + 1) {
            slash = path.indexOf('/', from);
            if (slash < 0) slash = path.length();
            if (slash - from < 4 || rs.skipsPlainValue(path, from, slash)) continue;
            String seg = path.substring(from, slash);
            if (!rs.insideAddress(seg)) {
                String dec = Decoders.percent(seg, false);
                rs.scan(new Segment(dec, "path", "plain", 1, true, dec.equals(seg) ? null : seg));
            }
        }
    }

    /**
     * {@code a=b&c=d} query strings and form bodies; names and values percent-decoded. {@code bytes}
     * (a form body's bytes, or null): {@code s.charAt(i)} is {@code bytes.charAt(off + i)}, so
     * the values' quiet tests read the bytes.
     */
    private static void pairs(RequestScan rs, String s, String prefix, Latin1View bytes, int off) {
        // an indexOf walk rather than split("&"): no array and list per query string or form body
        boolean named = prefix.endsWith(":"); // query:<name>; a form body's fields share one location
        for (int from = 0, amp; from < s.length(); from = amp + 1) {
            amp = s.indexOf('&', from);
            if (amp < 0) amp = s.length();
            if (amp == from) continue;
            int eq = from;
            while (eq < amp && s.charAt(eq) != '=') eq++; // bounded by the pair: linear on "a&a&a...=" too
            int nameEnd = eq == amp ? amp : eq;
            int valueFrom = eq == amp ? amp : eq + 1;
            // most names are short and most values quiet: build their strings only when they are scanned
            boolean scanValue = valueFrom < amp && !(bytes == null ? rs.skipsPlainValue(s, valueFrom, amp)
                    : rs.skipsFormValue(bytes, off + valueFrom, off + amp));
            boolean scanName = nameEnd - from >= 16; // decoding never lengthens a name
            if (!scanValue && !scanName) continue;
            String rawName = named || scanName ? s.substring(from, nameEnd) : null;
            String name = rawName == null ? "" : Decoders.percent(rawName, true);
            String loc = named ? prefix + name : prefix;
            if (scanValue) {
                String rawValue = s.substring(valueFrom, amp);
                String value = Decoders.percent(rawValue, true);
                boolean same = value.equals(rawValue); // then no '+' either: the pre-test's classes agree with scan's
                // a form body's value is Latin-1: a piece of its ISO-8859-1 text, or that percent-decoded
                int hints = (same ? RequestScan.NOT_QUIET : 0) | (bytes != null ? RequestScan.LATIN1 : 0);
                rs.scan(new Segment(value, loc, "plain", 0, true, same ? null : rawValue), hints);
            }
            if (name.length() >= 16) rs.scan(new Segment(name, loc, "plain", 0, true, name.equals(rawName) ? null : rawName));
        }
    }

    /** Header name (as sent) -> its location string: names repeat on every request, so lower-case and concatenate once. */
    private static final java.util.concurrent.ConcurrentHashMap<String, String> HEADER_LOCATIONS = new java.util.concurrent.ConcurrentHashMap<>();

    static String headerLocation(String name) {
        String loc = HEADER_LOCATIONS.get(name);
        if (loc != null) return loc;
        loc = "header:" + name.toLowerCase(Locale.ROOT);
        if (HEADER_LOCATIONS.size() < 1024) HEADER_LOCATIONS.putIfAbsent(name, loc); // bounded: names are client-chosen
        return loc;
    }

    private static void header(RequestScan rs, Header h) {
        String v = h.value();
        if (v.isEmpty()) return;
        String loc = headerLocation(h.name());
        if (loc.equals("header:host") || loc.equals("header:content-length")) return;
        switch (loc) {
            case "header:authorization", "header:proxy-authorization" -> {
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
            case "header:cookie" -> {
                for (String c : v.split(";")) {
                    String p = c.trim();
                    int eq = p.indexOf('=');
                    String val = eq >= 0 ? p.substring(eq + 1) : p;
                    if (val.length() >= 4) rs.scan(Segment.literal(val, loc, true));
                }
            }
            default -> rs.scanRepeatable(Segment.literal(v, loc, v.indexOf(' ') < 0 && v.indexOf(',') < 0));
        }
    }

    private static void body(RequestScan rs, FlowRequest req, int window, String ce, String ct) {
        byte[] bytes = req.body().recorded();
        if (bytes.length == 0) return;
        long size = Math.max(req.body().size(), bytes.length);
        int scanned = Math.min(bytes.length, window);
        if (scanned < size) {
            rs.addFinding(new Finding("body-not-fully-scanned", "generic", Severity.LOW, "body", rs.host(),
                    Fingerprint.of("window:" + size), "plain",
                    "scanned the first " + scanned + " of " + size + " body bytes"));
        }
        String encoding = "plain";
        String wire = null;
        byte[] content = bytes;
        int n = scanned;
        if (ce != null && !ce.isBlank() && !ce.trim().equalsIgnoreCase("identity")) {
            byte[] window0 = scanned == bytes.length ? bytes : Arrays.copyOf(bytes, scanned);
            byte[] dec = Decoders.contentDecode(window0, ce, MAX_DECOMPRESSED);
            if (dec != null) {
                content = dec;
                n = dec.length;
                encoding = ce.trim().toLowerCase(Locale.ROOT);
                wire = new String(window0, StandardCharsets.ISO_8859_1);
            }
        }
        String ctl = ct == null ? "" : Texts.lowerCase(ct);
        if (ctl.contains("json") || (ctl.isEmpty() || ctl.startsWith("text/plain")) && looksJson(content, n)) {
            if (json(rs, content, n, encoding, wire)) return;
        }
        // one ISO-8859-1 copy of the (decoded) window: each byte one char, as the redactor sees it
        String text = new String(content, 0, n, StandardCharsets.ISO_8859_1);
        if (ctl.startsWith("application/x-www-form-urlencoded")) {
            if (encoding.equals("plain")) {
                String form = text.strip();
                // text.charAt(i) is content[i]: the stripped form starts after its leading whitespace
                int off = form.isEmpty() ? 0 : text.length() - text.stripLeading().length();
                pairs(rs, form, "body-form", new Latin1View(content), off);
                return;
            }
        }
        if (ctl.startsWith("multipart/")) {
            String boundary = param(ct, "boundary");
            if (boundary != null && multipart(rs, text, boundary, encoding, wire)) return;
        }
        rs.scan(new Segment(text, "body", encoding, encoding.equals("plain") ? 0 : 1, false, wire));
    }

    private static boolean looksJson(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            int c = b[i];
            if (c == '{' || c == '[') return true;
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x0b) return false;
        }
        return false;
    }

    /**
     * Scans every JSON string (names too) as a body-json value. False (nothing scanned) when the
     * body does not start as JSON; when it breaks off later (a truncated window, a syntax error),
     * what follows the last good token is scanned as plain body text, so nothing goes unread.
     */
    private static boolean json(RequestScan rs, byte[] bytes, int n, String encoding, String wire) {
        int depth = encoding.equals("plain") ? 0 : 1;
        int[] strings = {0};
        // member names (and enum-like values) repeat in every element of an array: a verbatim
        // string already scanned as the same kind of segment gives the same hits, so scan it once
        // (a direct-mapped table on length and end chars: no full hash of every string)
        String[] seen = new String[DEDUP_SLOTS];
        // the same for escape-free strings found quiet in this body, kept as (start << 32 | length)
        // of their bytes (+1, 0 = empty) in the same slots: an equal string is as quiet
        long[] quiet = new long[DEDUP_SLOTS];
        Latin1View view = new Latin1View(bytes);
        int bad = JsonStrings.walk(bytes, n, new JsonStrings.Visitor() {
            /**
             * An escape-free string that scan's quiet test would skip is skipped before its String
             * is built. The dedup table ends as if it had been scanned: its slot forgets what it
             * held (the string itself need not be remembered there: an equal one is skipped here again).
             */
            @Override
            public boolean skips(byte[] b, int from, int to) {
                int len = to - from;
                int slot = slot(len, b[from] & 0xff, b[to - 1] & 0xff, b[from + (len >>> 1)] & 0xff);
                long q = quiet[slot];
                boolean skip = q != 0 && (int) q - 1 == len && Arrays.equals(b, (int) (q >>> 32), (int) (q >>> 32) + len, b, from, to)
                        || rs.skipsPlainValue(view, from, to);
                if (!skip) return false;
                strings[0]++;
                quiet[slot] = ((long) from << 32) | (len + 1);
                if (wire == null) seen[slot] = null;
                return true;
            }

            @Override
            public void string(String v, int from, int to, boolean escaped) {
                strings[0]++;
                if (!escaped && wire == null) {
                    int len = v.length();
                    int slot = slot(len, v.charAt(0), v.charAt(len - 1), v.charAt(len >>> 1));
                    String prev = seen[slot];
                    if (prev == v || v.equals(prev)) return; // the tokenizer hands out one instance per recent text
                    seen[slot] = v;
                }
                String raw = wire != null ? wire : escaped ? new String(bytes, from, to - from, StandardCharsets.ISO_8859_1) : null;
                // an escape-free string reached here only after skips() found it not quiet: same chars
                // (every JSON string is built as ISO-8859-1 from the body's bytes: Latin-1)
                rs.scan(new Segment(v, "body-json", encoding, depth, true, raw), RequestScan.LATIN1 | (escaped ? 0 : RequestScan.NOT_QUIET));
            }
        });
        if (bad < 0) return true;
        if (strings[0] == 0) return false;
        if (bad < n) {
            rs.scan(new Segment(new String(bytes, bad, n - bad, StandardCharsets.ISO_8859_1), "body", encoding, depth, false, wire));
        }
        return true;
    }

    /** The dedup slot of a string of {@code len} chars with these first, last and middle chars. */
    private static int slot(int len, int first, int last, int mid) {
        return (len * 31 + first * 7 + last * 3 + mid) & (DEDUP_SLOTS - 1);
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
