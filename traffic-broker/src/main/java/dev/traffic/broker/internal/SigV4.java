package dev.traffic.broker.internal;

import dev.traffic.model.FlowRequest;
import dev.traffic.model.Header;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.internal.signer.CredentialScope;
import software.amazon.awssdk.http.auth.aws.internal.signer.V4CanonicalRequest;
import software.amazon.awssdk.http.auth.aws.internal.signer.util.SignerUtils;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * SigV4 header signatures: parse, verify and re-sign one request exactly as its client signed it
 * (the same signed headers, payload hash, date, region and service). Canonicalisation, key
 * derivation and HMAC are the AWS SDK for Java v2's own ({@code http-auth-aws}: V4CanonicalRequest,
 * SignerUtils); its high-level {@code AwsV4HttpSigner} is not used because it chooses the signed
 * headers and the payload hash itself, and a re-signature must reproduce the client's choice.
 * Checked against the official aws-sig-v4-test-suite vectors.
 */
public final class SigV4 {
    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final Pattern AUTH = Pattern.compile(
            "AWS4-HMAC-SHA256\\s+Credential=([^/,\\s]+)/(\\d{8})/([^/,\\s]+)/([^/,\\s]+)/aws4_request\\s*,\\s*"
                    + "SignedHeaders=([a-z0-9;_.-]+)\\s*,\\s*Signature=([0-9a-f]{64})\\s*");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private SigV4() {}

    /** The parts of an {@code Authorization: AWS4-HMAC-SHA256 ...} header. */
    public record Auth(String keyId, String date, String region, String service, List<String> signedHeaders, String signature) {
        String scope() {
            return date + "/" + region + "/" + service + "/aws4_request";
        }
    }

    /** Parses the header; null when it is not a well-formed SigV4 header signature. */
    public static Auth parse(String authorization) {
        if (authorization == null) return null;
        Matcher m = AUTH.matcher(authorization.trim());
        if (!m.matches()) return null;
        return new Auth(m.group(1), m.group(2), m.group(3), m.group(4), List.of(m.group(5).split(";")), m.group(6));
    }

    /** The canonicalisation a signature was made with (double-encoded normalised paths for most services, raw for S3). */
    public record Mode(boolean doubleUrlEncode, boolean normalizePath) {
        public static final List<Mode> ALL = List.of(new Mode(true, true), new Mode(false, false));
    }

    /**
     * The signature of {@code r} under {@code a}'s scope, signed headers and date, with the secret
     * {@code secret}, or null when the request lacks what it needs (no date, a signed header absent).
     */
    public static String sign(FlowRequest r, Auth a, List<String> signedHeaders, String payloadHash, String keyId, String secret, Mode mode) {
        String amzDate = firstHeader(r.headers(), "x-amz-date");
        Instant when;
        try {
            when = amzDate != null ? LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC) : null;
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
        if (when == null) {
            String d = firstHeader(r.headers(), "date");
            if (d == null) return null;
            try {
                when = java.time.ZonedDateTime.parse(d, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }
        if (!SignerUtils.formatDate(when).equals(a.date())) return null;
        SdkHttpRequest.Builder b = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(r.method()))
                .protocol("https".equals(r.scheme()) || "wss".equals(r.scheme()) ? "https" : "http")
                .host(r.host())
                .encodedPath(r.path() == null || r.path().isEmpty() ? "/" : r.path());
        if (r.port() > 0) b.port(r.port());
        for (Map.Entry<String, List<String>> q : query(r.query()).entrySet()) b.putRawQueryParameter(q.getKey(), q.getValue());
        for (String name : signedHeaders) {
            List<String> vs = new ArrayList<>();
            for (Header h : r.headers()) if (h.name().equalsIgnoreCase(name)) vs.add(h.value());
            if (vs.isEmpty() && name.equals("host")) vs.add(hostHeader(r));
            if (vs.isEmpty()) return null;
            b.putHeader(name, vs);
        }
        SdkHttpRequest req = b.build();
        V4CanonicalRequest creq = new V4CanonicalRequest(req, payloadHash, new V4CanonicalRequest.Options(mode.doubleUrlEncode(), mode.normalizePath()));
        if (!creq.getSignedHeadersString().equals(String.join(";", signedHeaders))) return null; // a header the SDK will not sign
        CredentialScope scope = new CredentialScope(a.region(), a.service(), when);
        String stringToSign = ALGORITHM + "\n" + SignerUtils.formatDateTime(when) + "\n" + scope.scope() + "\n"
                + SignerUtils.hashCanonicalRequest(creq.getCanonicalRequestString());
        byte[] key = SignerUtils.deriveSigningKey(AwsCredentialsIdentity.create(keyId, secret), scope);
        return HexFormat.of().formatHex(SignerUtils.computeSignature(stringToSign, key));
    }

    /** The mode under which {@code a.signature()} verifies with {@code secret}, or null when none does. */
    public static Mode verify(FlowRequest r, Auth a, String payloadHash, String secret) {
        byte[] want = a.signature().getBytes(StandardCharsets.US_ASCII);
        for (Mode m : Mode.ALL) {
            String s = sign(r, a, a.signedHeaders(), payloadHash, a.keyId(), secret, m);
            if (s != null && MessageDigest.isEqual(s.getBytes(StandardCharsets.US_ASCII), want)) return m;
        }
        return null;
    }

    public static String header(String keyId, Auth a, List<String> signedHeaders, String signature) {
        return ALGORITHM + " Credential=" + keyId + "/" + a.scope() + ", SignedHeaders=" + String.join(";", signedHeaders)
                + ", Signature=" + signature;
    }

    public static String sha256Hex(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hostHeader(FlowRequest r) {
        boolean dflt = r.port() <= 0 || ("https".equals(r.scheme()) && r.port() == 443) || ("http".equals(r.scheme()) && r.port() == 80);
        String h = r.host().indexOf(':') >= 0 ? "[" + r.host() + "]" : r.host();
        return dflt ? h : h + ":" + r.port();
    }

    private static String firstHeader(List<Header> hs, String name) {
        for (Header h : hs) if (h.name().equalsIgnoreCase(name)) return h.value();
        return null;
    }

    /** The raw query as decoded name to values (the SDK encodes them again the SigV4 way). */
    static Map<String, List<String>> query(String q) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (q == null || q.isEmpty()) return m;
        for (String p : q.split("&")) {
            if (p.isEmpty()) continue;
            int eq = p.indexOf('=');
            String k = decode(eq < 0 ? p : p.substring(0, eq));
            String v = eq < 0 ? "" : decode(p.substring(eq + 1));
            m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return m;
    }

    private static String decode(String s) {
        // percent-decoding only: '+' is a literal plus in SigV4's view of a query
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    public static boolean lowerCaseEquals(String a, String b) {
        return a != null && a.toLowerCase(Locale.ROOT).equals(b);
    }
}
