package dev.traffic.detect.internal;

/**
 * One raw match inside a segment's text, before destination rules turn it into a finding.
 * {@code secret} is the credential's canonical value (kept in memory only, to fingerprint and
 * redact; never written out). {@code start}/{@code end} index the segment text.
 */
public record Hit(
        String rule,
        String family,
        String secret,
        int start,
        int end,
        Strength strength,
        String detail,
        boolean provisioned,
        boolean canary,
        boolean address,
        String extraEncoding) {

    /** How sure the match is that it is a live credential. */
    public enum Strength {
        /** identifiers or generic shapes: only alarming at sinks */
        WEAK,
        /** distinctive issuer format without an offline check */
        FORMAT,
        /** checksum, claims or pairing verified */
        VALIDATED
    }

    static Hit format(String rule, String family, CharSequence text, int start, int end, Strength s) {
        return new Hit(rule, family, text.subSequence(start, end).toString(), start, end, s, null, false, false, false, null);
    }

    Hit asAddress() {
        return new Hit(rule, family, secret, start, end, strength, detail, provisioned, canary, true, extraEncoding);
    }

    Hit withDetail(String d) {
        return new Hit(rule, family, secret, start, end, strength, d, provisioned, canary, address, extraEncoding);
    }
}
