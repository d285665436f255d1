package dev.traffic.detect;

import dev.traffic.detect.internal.Checksums;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * Synthetic, format-valid credentials for tests, generated from a seeded RNG (with correct
 * checksums where the format has one). None of them was ever issued by anybody.
 */
final class Tokens {
    static final String B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private final Random rnd;

    Tokens(long seed) {
        rnd = new Random(seed);
    }

    String chars(String alphabet, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        return sb.toString();
    }

    /** ghp_/ghs_/npm_ + 30 random + base62(CRC32) checksum. */
    String github(String prefix) {
        String body = chars(B62, 30);
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        return prefix + body + Checksums.base62(crc.getValue(), 6);
    }

    /** Same shape with a wrong checksum. */
    String githubLookalike(String prefix) {
        String good = github(prefix);
        char last = good.charAt(good.length() - 1);
        return good.substring(0, good.length() - 1) + (last == 'a' ? 'b' : 'a');
    }

    String fineGrained() {
        return "github_pat_11" + chars(B62, 20) + "_" + chars(B62, 59);
    }

    String anthropic() {
        return "sk-ant-api03-" + chars(B62 + "-_", 93) + "AA";
    }

    String openai() {
        return "sk-proj-" + chars(B62 + "-_", 74) + "T3BlbkFJ" + chars(B62 + "-_", 74);
    }

    String huggingface() {
        return "hf_" + chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 34);
    }

    String slackBot() {
        return "xoxb-" + chars("0123456789", 11) + "-" + chars("0123456789", 13) + "-" + chars(B62, 24);
    }

    String stripe() {
        return "sk_live_51" + chars(B62, 97);
    }

    String akid() {
        return "AKIA" + chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
    }

    String awsSecret() {
        String s;
        do {
            s = chars(B62 + "+/", 40);
        } while (!s.matches(".*[A-Z].*") || !s.matches(".*[a-z].*") || !s.matches(".*[0-9].*"));
        return s;
    }

    String telegram() {
        return chars("123456789", 10) + ":AA" + chars(B62 + "_-", 33);
    }

    String discordBot() {
        String id = chars("123456789", 18);
        String first = Base64.getEncoder().withoutPadding().encodeToString(id.getBytes(StandardCharsets.US_ASCII));
        return first + "." + chars(B62 + "_-", 6) + "." + chars(B62 + "_-", 38);
    }

    /** age secret key: 32 random bytes, Bech32 with hrp "age-secret-key-", upper case. */
    String age() {
        byte[] key = new byte[32];
        rnd.nextBytes(key);
        int[] data = new int[52];
        int acc = 0, bits = 0, o = 0;
        for (byte b : key) {
            acc = (acc << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                data[o++] = (acc >> bits) & 31;
            }
        }
        data[o] = (acc << (5 - bits)) & 31;
        return Checksums.bech32Encode("age-secret-key-", data).toUpperCase();
    }

    String k8sToken() {
        String header = b64url("{\"alg\":\"RS256\",\"kid\":\"" + chars(B62, 20) + "\"}");
        String payload = b64url("{\"aud\":[\"https://kubernetes.default.svc\"],\"iss\":\"https://kubernetes.default.svc\","
                + "\"kubernetes.io\":{\"namespace\":\"ci\",\"serviceaccount\":{\"name\":\"runner\"}},"
                + "\"sub\":\"system:serviceaccount:ci:runner\"}");
        return header + "." + payload + "." + chars(B62 + "-_", 342);
    }

    String pemPrivateKey() {
        StringBuilder sb = new StringBuilder("-----BEGIN PRIVATE KEY-----\n");
        for (int i = 0; i < 10; i++) sb.append(chars(B62 + "+/", 64)).append('\n');
        return sb.append("-----END PRIVATE KEY-----\n").toString();
    }

    static String b64url(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
