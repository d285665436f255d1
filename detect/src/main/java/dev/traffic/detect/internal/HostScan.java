package dev.traffic.detect.internal;

import dev.traffic.detect.Fingerprint;
import dev.traffic.model.Finding;
import dev.traffic.model.Severity;

/**
 * Data packed into DNS labels: the leading labels of a host name that are hex or base32 and decode
 * to text are exfiltration (the decoded text is then scanned like any value, location "host").
 * Within a session, later hosts under a domain that already received such labels are its
 * continuation even when their own piece is too short to decode meaningfully.
 */
final class HostScan {
    private HostScan() {}

    static void scan(RequestScan rs, String host) {
        if (host == null || host.isEmpty() || host.indexOf(':') >= 0) return; // IPv6 literal
        String h = Texts.lowerCase(host);
        if (h == host && host.length() <= HostFacts.MAX_CHARS) { // a lower-case name: its facts are cached
            HostFacts.Facts f = rs.engine().hosts().of(h);
            if (f.dnsQuiet() || (f.dnsQuietWithoutSession() && (rs.session() == null || rs.state() == null))) return;
        }
        if (plain(rs, h)) return;
        String[] labels = h.split("\\.");
        if (labels.length < 3) return;
        String domain = labels[labels.length - 2] + "." + labels[labels.length - 1];
        StringBuilder data = new StringBuilder();
        int used = 0;
        for (int i = 0; i < labels.length - 2; i++) {
            if (!dataLabel(labels[i])) break;
            data.append(labels[i]);
            used++;
        }
        String d = data.toString();
        if (d.length() >= 16) {
            byte[] b = allHex(d) && (d.length() & 1) == 0 ? Decoders.hex(d, 0, d.length()) : null;
            String layer = "hex";
            if (b == null || !Decoders.mostlyText(b)) {
                b = Decoders.base32(d, 0, d.length());
                layer = "base32";
            }
            if (b != null && b.length >= 8 && Decoders.mostlyText(b)) {
                String text = Decoders.latin1(b);
                rs.addFinding(new Finding("dns-exfil", "generic", Severity.CRITICAL, "host", rs.host(),
                        Fingerprint.of(text), layer, "text encoded in " + used + " DNS label(s) under " + domain));
                if (rs.session() != null && rs.state() != null) rs.state().recordDnsExfil(rs.session(), domain);
                rs.scan(new Segment(text, "host", layer, 1, true, host));
                return;
            }
        }
        if (rs.session() != null && rs.state() != null && labels.length >= 4 && used >= 1
                && rs.state().hadDnsExfil(rs.session(), domain)) {
            rs.addFinding(new Finding("dns-exfil", "generic", Severity.CRITICAL, "host", rs.host(),
                    Fingerprint.of(labels[0] + "." + domain), "plain",
                    "continues DNS-label exfiltration to " + domain + " seen earlier in this session"));
        }
    }

    static final int QUIET = 0, QUIET_WITHOUT_SESSION = 1, LOUD = 2;

    /**
     * {@link #plain} without the session: {@link #QUIET} when it is true for any session,
     * {@link #QUIET_WITHOUT_SESSION} when it is true only without a session, else {@link #LOUD}.
     */
    static int quietness(String h) {
        if (h.isEmpty() || h.indexOf(':') >= 0) return QUIET;
        int labels = 1;
        for (int i = 0; i < h.length(); i++) if (h.charAt(i) == '.') labels++;
        if (labels < 3) return QUIET;
        int data = 0, used = 0, from = 0;
        for (int k = 0; k < labels - 2; k++) {
            int dot = h.indexOf('.', from);
            if (!dataLabel(h, from, dot)) break;
            data += dot - from;
            used++;
            from = dot + 1;
        }
        if (data >= 16) return LOUD;
        return labels < 4 || used < 1 ? QUIET : QUIET_WITHOUT_SESSION;
    }

    /**
     * The common case without splitting the name: fewer than 3 labels, or leading data labels
     * too short to decode (under 16 chars) and nothing a session could continue (fewer than 4
     * labels, no data label, or no session). Mirrors the checks below; false means run them.
     */
    private static boolean plain(RequestScan rs, String h) {
        int q = quietness(h);
        return q == QUIET || (q == QUIET_WITHOUT_SESSION && (rs.session() == null || rs.state() == null));
    }

    private static boolean dataLabel(String h, int from, int to) {
        if (to - from < 2 || to - from > 63) return false;
        for (int i = from; i < to; i++) {
            char c = h.charAt(i);
            if (!(Chars.lower(c) || Chars.digit(c))) return false;
        }
        return true;
    }

    private static boolean dataLabel(String l) {
        if (l.length() < 2 || l.length() > 63) return false;
        for (int i = 0; i < l.length(); i++) {
            char c = l.charAt(i);
            if (!(Chars.lower(c) || Chars.digit(c))) return false;
        }
        return true;
    }

    private static boolean allHex(String s) {
        for (int i = 0; i < s.length(); i++) if (!Chars.hex(s.charAt(i))) return false;
        return true;
    }
}
