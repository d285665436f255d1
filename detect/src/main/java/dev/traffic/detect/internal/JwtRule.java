package dev.traffic.detect.internal;

import dev.traffic.detect.internal.Hit.Strength;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * JSON Web Tokens: header and payload must decode to JSON objects. Kubernetes service-account
 * tokens are recognised by their claims (issuer, {@code kubernetes.io} claim, service-account
 * subject); other JWTs are the weak {@code jwt} family unless the policy provisions them.
 */
final class JwtRule implements TokenRule {
    @Override
    public List<String> keywords() {
        return List.of("eyJ");
    }

    @Override
    public Hit match(String t, int at, String kw) {
        if (at > 0 && Chars.urlB64(t.charAt(at - 1))) return null;
        int h = Chars.runEnd(t, at, 2048, Chars.URL_B64);
        if (h >= t.length() || t.charAt(h) != '.' || h - at < 10) return null;
        int p = Chars.runEnd(t, h + 1, 16384, Chars.URL_B64);
        if (p - h - 1 < 10 || p >= t.length() || t.charAt(p) != '.') return null;
        int end = Chars.runEnd(t, p + 1, 4096, Chars.URL_B64);
        byte[] header = Decoders.base64(t, at, h);
        if (header == null) return null;
        String hj = new String(header, StandardCharsets.ISO_8859_1);
        if (!hj.startsWith("{") || !hj.contains("\"alg\"")) return null;
        byte[] payload = Decoders.base64(t, h + 1, p);
        if (payload == null) return null;
        String pj = new String(payload, StandardCharsets.UTF_8);
        if (!pj.startsWith("{")) return null;
        boolean k8s = pj.contains("\"kubernetes.io\"") || pj.contains("kubernetes.io/serviceaccount")
                || pj.contains("\"kubernetes/serviceaccount\"") || pj.contains("system:serviceaccount:");
        if (k8s) return Hit.format("kubernetes-sa-token", "k8s-sa", t, at, end, Strength.VALIDATED);
        if (end - p - 1 < 16) return null; // unsigned tokens carry no authority
        return Hit.format("jwt", "jwt", t, at, end, Strength.WEAK);
    }
}
