package dev.traffic.store.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers (one digest per thread; digests are not thread-safe). */
public final class Hashing {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Hashing::newSha256);

    private Hashing() {}

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }

    public static byte[] sha256(byte[] data) {
        return sha256(data, 0, data.length);
    }

    public static byte[] sha256(byte[] data, int off, int len) {
        MessageDigest md = SHA256.get();
        md.reset();
        md.update(data, off, len);
        return md.digest();
    }

    public static String sha256Hex(byte[] data) {
        return HexFormat.of().formatHex(sha256(data));
    }
}
