package dev.traffic.detect.internal;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.CRC32;

/** Offline validity checks defined by token issuers. */
public final class Checksums {
    private static final String B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    private Checksums() {}

    /** GitHub classic / npm scheme: last 6 chars = base62(CRC32(the 30 random chars)), zero-padded. */
    public static boolean githubCrc(CharSequence body) {
        if (body.length() != 36) return false;
        CRC32 crc = new CRC32();
        crc.update(body.subSequence(0, 30).toString().getBytes(StandardCharsets.US_ASCII));
        return base62(crc.getValue(), 6).contentEquals(body.subSequence(30, 36));
    }

    public static String base62(long v, int width) {
        char[] out = new char[width];
        for (int i = width - 1; i >= 0; i--) {
            out[i] = B62.charAt((int) (v % 62));
            v /= 62;
        }
        return new String(out);
    }

    /** Bech32 (BIP-173) checksum over a whole string "hrp1data", case-insensitive. */
    public static boolean bech32(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        int sep = lower.lastIndexOf('1');
        if (sep < 1 || sep + 7 > lower.length()) return false;
        int[] values = new int[lower.length() - sep - 1];
        for (int i = 0; i < values.length; i++) {
            int v = BECH32.indexOf(lower.charAt(sep + 1 + i));
            if (v < 0) return false;
            values[i] = v;
        }
        int chk = 1;
        for (int i = 0; i < sep; i++) chk = polymodStep(chk) ^ (lower.charAt(i) >> 5);
        chk = polymodStep(chk);
        for (int i = 0; i < sep; i++) chk = polymodStep(chk) ^ (lower.charAt(i) & 31);
        for (int v : values) chk = polymodStep(chk) ^ v;
        return chk == 1;
    }

    private static int polymodStep(int pre) {
        int b = pre >>> 25;
        return ((pre & 0x1ffffff) << 5)
                ^ (-((b) & 1) & 0x3b6a57b2)
                ^ (-((b >> 1) & 1) & 0x26508e6d)
                ^ (-((b >> 2) & 1) & 0x1ea119fa)
                ^ (-((b >> 3) & 1) & 0x3d4233dd)
                ^ (-((b >> 4) & 1) & 0x2a1462b3);
    }

    /** Bech32 checksum computation for building test fixtures: returns hrp + "1" + data + checksum. */
    public static String bech32Encode(String hrp, int[] data) {
        int[] values = new int[data.length + 6];
        System.arraycopy(data, 0, values, 0, data.length);
        int chk = 1;
        String h = hrp.toLowerCase(Locale.ROOT);
        for (int i = 0; i < h.length(); i++) chk = polymodStep(chk) ^ (h.charAt(i) >> 5);
        chk = polymodStep(chk);
        for (int i = 0; i < h.length(); i++) chk = polymodStep(chk) ^ (h.charAt(i) & 31);
        for (int v : values) chk = polymodStep(chk) ^ v;
        chk ^= 1;
        StringBuilder sb = new StringBuilder(h).append('1');
        for (int v : data) sb.append(BECH32.charAt(v));
        for (int i = 0; i < 6; i++) sb.append(BECH32.charAt((chk >>> (5 * (5 - i))) & 31));
        return sb.toString();
    }
}
