package dev.traffic.detect;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The only form in which a secret leaves the detector: the first 12 hex digits of its SHA-256, plus
 * its first and last 4 characters when it is long enough (16+) for those to reveal little.
 */
public final class Fingerprint {
    private Fingerprint() {}

    public static String of(String secret) {
        String hash = sha256Prefix(secret);
        if (secret.length() < 16) return hash;
        return hash + ":" + safe(secret.substring(0, 4)) + ".." + safe(secret.substring(secret.length() - 4));
    }

    private static String safe(String s) {
        StringBuilder sb = new StringBuilder(4);
        for (char c : s.toCharArray()) sb.append(c >= 0x21 && c < 0x7f && c != '"' && c != '\\' && c != ']' ? c : '?');
        return sb.toString();
    }

    /** One digest per thread: looking the provider up on every call costs more than hashing a token. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    /** The first 12 hex digits of the SHA-256 (only the 6 bytes shown are formatted). */
    private static String sha256Prefix(String s) {
        MessageDigest md = SHA256.get();
        md.reset();
        byte[] d = md.digest(s.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d, 0, 6);
    }
}
