package dev.traffic.model;

import java.security.SecureRandom;

/**
 * Flow ids: 26 characters of Crockford base32, a 48-bit millisecond time then 80 random bits
 * (the ULID layout), so ids sort by creation time and are unique across processes.
 */
public final class FlowId {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private FlowId() {}

    public static String next() {
        byte[] rnd = new byte[10];
        RANDOM.nextBytes(rnd);
        long time = System.currentTimeMillis();
        char[] out = new char[26];
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        // 80 random bits -> 16 characters
        long hi = 0;
        for (int i = 0; i < 5; i++) hi = (hi << 8) | (rnd[i] & 0xff);
        long lo = 0;
        for (int i = 5; i < 10; i++) lo = (lo << 8) | (rnd[i] & 0xff);
        for (int i = 17; i >= 10; i--) { out[i] = ALPHABET[(int) (hi & 31)]; hi >>>= 5; }
        for (int i = 25; i >= 18; i--) { out[i] = ALPHABET[(int) (lo & 31)]; lo >>>= 5; }
        return new String(out);
    }
}
