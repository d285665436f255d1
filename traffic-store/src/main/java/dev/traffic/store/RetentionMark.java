package dev.traffic.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;

/**
 * A signed statement "flow records 1..{@code through} were removed by retention at {@code time}".
 * Retention writes one to the checkpoints file and the proxy's log whenever it drops segments;
 * {@code verify} counts a missing seq as expired only when a mark signed with the trusted key covers
 * it, so deleting or renaming journal segments by hand shows up as missing flows, never as expiry.
 * One line: {@code traffic-retention v1 through=N time=ISO sig=BASE64}.
 */
public record RetentionMark(long through, Instant time, byte[] signature) {
    static final String PREFIX = "traffic-retention v1 ";

    /** The exact bytes that are signed (a different first line from a checkpoint's, so one can never pass for the other). */
    static byte[] signedBytes(long through, Instant time) {
        return ("traffic-retention v1\n" + through + "\n" + time + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public static RetentionMark sign(long through, Instant time, PrivateKey key) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(signedBytes(through, time));
            return new RetentionMark(through, time, s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    public boolean verify(PublicKey key) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(signedBytes(through, time));
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    public String line() {
        return PREFIX + "through=" + through + " time=" + time + " sig=" + Base64.getEncoder().encodeToString(signature);
    }

    /** Whether a line (possibly with a log prefix) holds a retention mark. */
    public static boolean isMark(String line) {
        return line.contains(PREFIX);
    }

    /** Parses a line as written by {@link #line()}; text before the prefix (a log prefix) is ignored. */
    public static RetentionMark parse(String line) {
        int at = line.indexOf(PREFIX);
        if (at < 0) throw new IllegalArgumentException("not a retention line");
        long through = -1;
        Instant time = null;
        byte[] sig = null;
        for (String kv : line.substring(at + PREFIX.length()).trim().split("\\s+")) {
            int eq = kv.indexOf('=');
            if (eq < 0) continue;
            String v = kv.substring(eq + 1);
            switch (kv.substring(0, eq)) {
                case "through" -> through = Long.parseLong(v);
                case "time" -> time = Instant.parse(v);
                case "sig" -> sig = Base64.getDecoder().decode(v);
                default -> { }
            }
        }
        if (through < 1 || time == null || sig == null) throw new IllegalArgumentException("incomplete retention line");
        return new RetentionMark(through, time, sig);
    }
}
