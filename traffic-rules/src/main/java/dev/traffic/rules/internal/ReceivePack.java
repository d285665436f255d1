package dev.traffic.rules.internal;

import dev.traffic.rules.GitUpdate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Reads the update request of a git smart-HTTP push ({@code POST .../git-receive-pack}): optional
 * {@code shallow} lines, the ref-update commands ({@code old-id SP new-id SP ref}, the first with
 * NUL and capabilities), a flush packet, push options when negotiated, then the pack
 * (gitprotocol-pack(5), "Reference Update Request and Packfile Transfer"). Anything it cannot read
 * completely is {@link Unreadable}: the caller refuses the push rather than forwarding it unchecked.
 */
public final class ReceivePack {
    /** The longest pkt-line git writes (LARGE_PACKET_MAX). */
    static final int MAX_PKT = 65520;

    private ReceivePack() {}

    /** Why a push body cannot be checked: {@code status} 400 (malformed or cut short) or 403 (past the scan window). */
    public static final class Unreadable extends Exception {
        private final int status;

        public Unreadable(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** The commands and the pack bytes that followed them in the held prefix. */
    public record Request(List<GitUpdate> updates, String capabilities) {}

    /** True for a push request head: POST to a path ending in /git-receive-pack. */
    public static boolean isPush(String method, String[] pathSegments) {
        return "POST".equalsIgnoreCase(method) && pathSegments.length > 0
                && pathSegments[pathSegments.length - 1].equals("git-receive-pack");
    }

    /**
     * Parses the held body prefix. {@code truncated}: the body goes on past it (the scan window);
     * {@code contentEncoding} may be gzip (decoded here) or identity.
     */
    public static Request parse(byte[] held, boolean truncated, String contentEncoding) throws Unreadable {
        byte[] body = held;
        if (contentEncoding != null && !contentEncoding.isBlank() && !contentEncoding.trim().equalsIgnoreCase("identity")) {
            String enc = contentEncoding.trim().toLowerCase(Locale.ROOT);
            if (!enc.equals("gzip") && !enc.equals("x-gzip")) {
                throw new Unreadable(400, "git push body in content-encoding '" + contentEncoding + "' cannot be checked");
            }
            Gunzipped g = gunzip(held);
            body = g.bytes;
            if (!g.complete && !truncated) throw new Unreadable(400, "git push body: gzip stream cut short");
            truncated = truncated || !g.complete;
        }
        int pos = 0;
        List<String[]> cmds = new ArrayList<>();
        String caps = "";
        int hashLen = -1;
        while (true) {
            String line;
            if (body.length - pos < 4) throw cut(truncated, body.length, "before the end of its command list");
            int len = hex4(body, pos);
            if (len < 0) throw new Unreadable(400, "git push body is not a pkt-line command list (bad length at byte " + pos + ")");
            if (len == 0) {
                pos += 4;
                break;
            }
            if (len < 4 || len > MAX_PKT) throw new Unreadable(400, "git push body: bad pkt-line length " + len + " at byte " + pos);
            if (body.length - pos < len) throw cut(truncated, body.length, "inside its command list");
            line = new String(body, pos + 4, len - 4, StandardCharsets.ISO_8859_1);
            pos += len;
            if (line.endsWith("\n")) line = line.substring(0, line.length() - 1);
            if (line.startsWith("shallow ")) continue;
            int nul = line.indexOf('\0');
            if (nul >= 0) {
                if (cmds.isEmpty()) caps = line.substring(nul + 1);
                line = line.substring(0, nul);
            }
            if (line.startsWith("push-cert")) {
                throw new Unreadable(403, "signed pushes (push certificates) are not checked by the request rules; push without --signed");
            }
            String[] parts = line.split(" ", -1);
            if (parts.length != 3 || !isId(parts[0]) || parts[0].length() != parts[1].length() || !isId(parts[1])
                    || parts[2].isEmpty() || (hashLen >= 0 && parts[0].length() != hashLen)) {
                throw new Unreadable(400, "git push body: malformed ref-update command '" + printable(line) + "'");
            }
            hashLen = parts[0].length();
            cmds.add(parts);
        }
        if (cmds.isEmpty()) return new Request(List.of(), caps);
        // push options (only when both sides asked for them) come as pkt-lines until a flush
        if ((" " + caps + " ").contains(" push-options ")) {
            while (true) {
                if (body.length - pos < 4) throw cut(truncated, body.length, "inside its push options");
                int len = hex4(body, pos);
                if (len < 0 || (len > 0 && len < 4) || len > MAX_PKT) throw new Unreadable(400, "git push body: bad push-option pkt-line");
                if (len == 0) {
                    pos += 4;
                    break;
                }
                if (body.length - pos < len) throw cut(truncated, body.length, "inside its push options");
                pos += len;
            }
        }
        PackCommits pack = PackCommits.read(body, pos, body.length, hashLen == 64);
        List<GitUpdate> out = new ArrayList<>(cmds.size());
        for (String[] c : cmds) out.add(pack.classify(c[0], c[1], c[2]));
        return new Request(out, caps);
    }

    private static Unreadable cut(boolean truncated, int held, String where) {
        return truncated
                ? new Unreadable(403, "git push command list goes on past the " + held + "-byte scan window; refused unchecked")
                : new Unreadable(400, "git push body ends " + where + " (truncated)");
    }

    static int hex4(byte[] b, int pos) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(b[pos + i], 16);
            if (d < 0) return -1;
            v = v * 16 + d;
        }
        return v;
    }

    static boolean isId(String s) {
        if (s.length() != 40 && s.length() != 64) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }

    /** For error messages: printable ASCII only, capped. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 120; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    private record Gunzipped(byte[] bytes, boolean complete) {}

    private static Gunzipped gunzip(byte[] held) throws Unreadable {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(held))) {
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                // enough to read any command list the scan window could hold
                if (out.size() > 16 * 1024 * 1024) return new Gunzipped(out.toByteArray(), false);
            }
            return new Gunzipped(out.toByteArray(), true);
        } catch (EOFException e) {
            return new Gunzipped(out.toByteArray(), false);
        } catch (IOException e) {
            throw new Unreadable(400, "git push body: bad gzip data (" + e.getMessage() + ")");
        }
    }
}
