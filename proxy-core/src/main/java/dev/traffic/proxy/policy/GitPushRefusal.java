package dev.traffic.proxy.policy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A refused git push ({@code POST .../git-receive-pack}) answered the way git shows it: git prints
 * nothing of an HTTP error body on this request (only "RPC failed; HTTP 403"), but it does print a
 * receive-pack result. So the answer is 200 with, in the protocol the client asked for in its first
 * command line: a side-band message ({@code remote: traffic: ...}) and a {@code report-status} that
 * rejects every ref with the reason ({@code ! [remote rejected] main -> main (reason)}); without
 * report-status a side-band error; without side-band an {@code ERR} packet
 * ({@code fatal: remote error: ...}). Checked against git 2.39 (RequestRulesGitTest).
 */
public final class GitPushRefusal {
    /** Content-Type of a receive-pack result. */
    public static final String RESULT_TYPE = "application/x-git-receive-pack-result";
    private static final int MAX_MESSAGE = 900; // fits a side-band packet of the old 1000-byte side-band too

    private GitPushRefusal() {}

    /** Whether this request is a smart-HTTP push whose refusal should be rendered by {@link #body}. */
    public static boolean applies(String method, String path) {
        return "POST".equalsIgnoreCase(method) && path != null && path.endsWith("/git-receive-pack");
    }

    /** The result body for the held request body (its command list names the refs and capabilities). */
    public static byte[] body(byte[] held, String message) {
        String msg = oneLine(message);
        List<String> refs = new ArrayList<>();
        String caps = readCommands(held == null ? new byte[0] : held, refs);
        boolean sideBand = hasCap(caps, "side-band-64k") || hasCap(caps, "side-band");
        boolean report = hasCap(caps, "report-status") || hasCap(caps, "report-status-v2");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!sideBand) {
            if (report && !refs.isEmpty()) out.writeBytes(report(refs, msg));
            else out.writeBytes(pkt(("ERR " + msg + "\n").getBytes(StandardCharsets.UTF_8)));
            return out.toByteArray();
        }
        out.writeBytes(band(2, ("traffic: " + msg + "\n").getBytes(StandardCharsets.UTF_8)));
        if (report && !refs.isEmpty()) {
            byte[] r = report(refs, msg);
            for (int i = 0; i < r.length; i += 60000) out.writeBytes(band(1, java.util.Arrays.copyOfRange(r, i, Math.min(r.length, i + 60000))));
        } else {
            out.writeBytes(band(3, (msg + "\n").getBytes(StandardCharsets.UTF_8)));
        }
        out.writeBytes("0000".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] report(List<String> refs, String msg) {
        ByteArrayOutputStream r = new ByteArrayOutputStream();
        r.writeBytes(pkt("unpack ok\n".getBytes(StandardCharsets.US_ASCII)));
        for (String ref : refs) r.writeBytes(pkt(("ng " + ref + " " + msg + "\n").getBytes(StandardCharsets.UTF_8)));
        r.writeBytes("0000".getBytes(StandardCharsets.US_ASCII));
        return r.toByteArray();
    }

    /** Reads ref names and the first line's capabilities as far as they are readable; never throws. */
    static String readCommands(byte[] b, List<String> refs) {
        String caps = "";
        int pos = 0;
        while (b.length - pos >= 4 && refs.size() < 10_000) {
            int len = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(b[pos + i], 16);
                if (d < 0) return caps;
                len = len * 16 + d;
            }
            if (len == 0 || len < 4 || b.length - pos < len) return caps;
            String line = new String(b, pos + 4, len - 4, StandardCharsets.ISO_8859_1);
            pos += len;
            int nul = line.indexOf('\0');
            if (nul >= 0) {
                if (refs.isEmpty()) caps = line.substring(nul + 1).trim();
                line = line.substring(0, nul);
            }
            String[] p = line.trim().split(" ");
            if (p.length == 3 && p[2].startsWith("refs/") && p[2].chars().allMatch(c -> c > ' ' && c < 0x7f)) refs.add(p[2]);
        }
        return caps;
    }

    private static boolean hasCap(String caps, String cap) {
        for (String c : caps.split(" ")) if (c.equals(cap)) return true;
        return false;
    }

    private static String oneLine(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < MAX_MESSAGE; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return b.toString();
    }

    private static byte[] band(int band, byte[] payload) {
        byte[] p = new byte[payload.length + 1];
        p[0] = (byte) band;
        System.arraycopy(payload, 0, p, 1, payload.length);
        return pkt(p);
    }

    private static byte[] pkt(byte[] payload) {
        byte[] out = new byte[payload.length + 4];
        byte[] len = String.format("%04x", payload.length + 4).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(len, 0, out, 0, 4);
        System.arraycopy(payload, 0, out, 4, payload.length);
        return out;
    }
}
