package dev.traffic.broker;

import dev.traffic.broker.internal.Replacer;
import dev.traffic.broker.internal.ResponseBodies;
import dev.traffic.broker.internal.SigV4;
import dev.traffic.model.Body;
import dev.traffic.model.Decision;
import dev.traffic.model.Finding;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.Header;
import dev.traffic.model.Severity;
import dev.traffic.stage.Refusal;
import dev.traffic.stage.RequestStage;
import dev.traffic.stage.ResponseRewrite;
import dev.traffic.stage.StageInput;
import dev.traffic.stage.StageOrder;
import dev.traffic.stage.StageOutcome;
import dev.traffic.stage.StreamRewriter;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The CREDENTIALS request stage: the sandbox holds placeholders, this stage puts the real secret
 * on requests to the credential's hosts only, and puts the placeholder back wherever the response
 * echoes the secret. It runs after the flow's record is taken, so the store only ever sees the
 * placeholder.
 *
 * <ul>
 *   <li>Token credentials (and GitHub App installation tokens): the placeholder is replaced in the
 *       path, query, headers (inside {@code Authorization: Basic} too, decoded and re-encoded),
 *       userinfo (sent as Basic) and the uncompressed body (held prefix, then the rest streamed
 *       with hold-back); {@code inject} sets the header or query parameter even when the sandbox
 *       sent none. A compressed request body is forwarded unchanged and the decision trace says so.</li>
 *   <li>AWS: the request must carry a SigV4 header signature by the placeholder pair; it is
 *       verified, then re-signed with the real pair (same date, region, service, signed headers).
 *       Presigned URLs, signed streaming payloads ({@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD}, chunk
 *       signatures) and SigV4A are refused (403 with the reason); {@code STREAMING-UNSIGNED-PAYLOAD-TRAILER}
 *       (only the head is signed) is re-signed like any other request.</li>
 *   <li>The placeholder sent anywhere else is not replaced and is a {@code credential-out-of-scope}
 *       finding (high; refused when {@code blockOutOfScope}); a method or path outside the
 *       credential's narrowing is refused with 403.</li>
 * </ul>
 * Thread-safe; answers synchronously except while a GitHub App token is being minted.
 */
public final class BrokerStage implements RequestStage {
    public static final String NAME = "credentials";
    public static final String OUT_OF_SCOPE = "credential-out-of-scope";
    public static final String FAMILY = "credential-broker";

    private final Vault vault;
    private final GitHubAppTokens apps;
    private final boolean blockOutOfScope;

    public BrokerStage(Vault vault, GitHubAppTokens apps, boolean blockOutOfScope) {
        this.vault = vault;
        this.apps = apps;
        this.blockOutOfScope = blockOutOfScope;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public StageOrder order() {
        return StageOrder.CREDENTIALS;
    }

    @Override
    public boolean needsBody(StageInput head) {
        FlowRequest r = head.request();
        String cl = r.header("content-length");
        boolean body = r.header("transfer-encoding") != null || (cl != null && !cl.trim().equals("0"));
        if (!body) return false;
        // AWS needs the whole payload to check the hash when no x-amz-content-sha256 says it; tokens
        // may sit in any uncompressed body (out-of-scope ones too)
        return true;
    }

    @Override
    public CompletionStage<StageOutcome> apply(StageInput input) {
        FlowRequest r = input.request();
        // mint missing GitHub App tokens first (the only wait), then decide synchronously
        for (CredentialSpec c : vault.specs()) {
            if (c.kind() == CredentialSpec.Kind.GITHUB_APP && c.isDestination(r.host()) && apps.cached(c) == null
                    && (c.inject() != null || mentions(r, c.placeholder()) != null) && c.allows(r.method(), r.path())) {
                return apps.token(c).handle((t, e) -> e == null ? null : e).thenCompose(e -> {
                    if (e != null) {
                        Throwable x = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                        return CompletableFuture.completedFuture(StageOutcome.refuse(new Refusal(502, NAME, c.name(),
                                "credential " + c.name() + ": could not get a GitHub App installation token (" + x.getMessage() + ")"), null, null));
                    }
                    return apply(input);
                });
            }
        }
        return CompletableFuture.completedFuture(decide(r));
    }

    /** The decision on one request, every secret at hand. */
    StageOutcome decide(FlowRequest r) {
        List<Finding> findings = new ArrayList<>(0);
        List<Decision> decisions = new ArrayList<>(0);
        List<String> used = new ArrayList<>(0);
        Map<String, String> out = new LinkedHashMap<>();   // placeholder -> real, for this request
        Map<String, String> back = new LinkedHashMap<>();  // real -> placeholder, for its response
        List<CredentialSpec> injects = new ArrayList<>(0);
        FlowRequest fwd = r;
        for (CredentialSpec c : vault.specs()) {
            boolean dest = c.isDestination(r.host());
            if (c.kind() == CredentialSpec.Kind.AWS) {
                String where = mentions(r, c.placeholderKeyId());
                if (where == null) where = mentions(r, c.placeholder());
                if (!dest) {
                    if (where != null) {
                        StageOutcome o = outOfScope(c, r, where, findings, decisions);
                        if (o != null) return o;
                    }
                    continue;
                }
                AwsResult a = aws(c, fwd);
                if (a == null) continue;
                if (a.refusal != null) return StageOutcome.refuse(a.refusal, findings, decisions);
                fwd = a.request;
                used.add(c.name());
                Vault.Values v = vault.get(c.name());
                back.put(v.awsSecret(), c.placeholder());
                back.put(v.awsKeyId(), c.placeholderKeyId());
                if (v.awsSessionToken() != null) back.put(v.awsSessionToken(), CredentialsConfig.defaultPlaceholder(c.name()) + "-session");
                decisions.add(new Decision(NAME, c.name(), "inject", "re-signed with credential " + c.name() + " (SigV4, " + a.scope + ")"));
                continue;
            }
            String where = mentions(r, c.placeholder());
            if (!dest) {
                if (where != null) {
                    StageOutcome o = outOfScope(c, r, where, findings, decisions);
                    if (o != null) return o;
                }
                continue;
            }
            if (where == null && c.inject() == null) {
                // not in the head or the held prefix; the body past the scan window may still hold it
                if (r.body().truncated() && uncompressed(r) && c.allows(r.method(), r.path())) {
                    String v = c.kind() == CredentialSpec.Kind.GITHUB_APP ? apps.cached(c) : vault.get(c.name()).token();
                    if (v != null) {
                        out.put(c.placeholder(), v);
                        back.put(v, c.placeholder());
                    }
                }
                continue;
            }
            if (!c.allows(r.method(), r.path())) {
                String reason = "credential " + c.name() + " does not allow " + r.method() + " " + (r.path() == null ? "/" : r.path())
                        + " (rule credentials." + c.name() + ")";
                return StageOutcome.refuse(new Refusal(403, NAME, "credentials." + c.name(), reason), findings,
                        List.of(new Decision(NAME, "credentials." + c.name(), "refuse", reason)));
            }
            String value = c.kind() == CredentialSpec.Kind.GITHUB_APP ? apps.cached(c) : vault.get(c.name()).token();
            if (value == null) {
                return StageOutcome.refuse(new Refusal(502, NAME, c.name(), "credential " + c.name() + ": no token available"), findings, decisions);
            }
            out.put(c.placeholder(), value);
            back.put(value, c.placeholder());
            if (c.inject() != null) {
                injects.add(c);
                if (c.inject().basic() != null) {
                    // an upstream echoing the Basic header hands back the encoded secret: map that too
                    back.put(c.inject().render(value).substring(6), c.inject().render(c.placeholder()).substring(6));
                }
            }
            used.add(c.name());
            decisions.add(new Decision(NAME, c.name(), "inject", "credential " + c.name() + " injected for " + r.host()));
        }
        if (used.isEmpty() && out.isEmpty()) return findings.isEmpty() ? StageOutcome.PROCEED : StageOutcome.proceed(findings, decisions);

        StreamRewriter tail = null;
        if (!out.isEmpty()) {
            Replacer rep = new Replacer(out);
            FlowRequest before = fwd;
            fwd = replaceHead(fwd, rep);
            // an upstream echoing the Basic header would hand back the encoded secret: map it back too
            String was = before.header("authorization");
            String now = fwd.header("authorization");
            if (was != null && now != null && !was.equals(now) && basic(was) != null && basic(now) != null) {
                back.put(now.substring(6).trim(), was.substring(6).trim());
            }
            for (CredentialSpec c : injects) fwd = inject(fwd, c.inject(), out.get(c.placeholder()));
            String coding = fwd.header("content-encoding");
            byte[] prefix = fwd.body().recorded();
            if (coding != null && !coding.trim().equalsIgnoreCase("identity")) {
                decisions.add(new Decision(NAME, null, "skip", "request body is " + coding.trim()
                        + "-encoded: placeholders in it are forwarded unchanged"));
            } else if (fwd.body().truncated()) {
                // the held prefix and the rest are one stream: what the prefix holds back goes on with the tail
                StreamRewriter s = rep.stream();
                byte[] front = s.rewrite(prefix, false);
                fwd = fwd.withBody(new Body(front.length, null, front, true));
                tail = s;
            } else if (prefix.length > 0) {
                byte[] b = rep.apply(prefix);
                if (b != prefix) fwd = fwd.withBody(new Body(b.length, null, b, false));
            }
        }
        Replacer rb = new Replacer(back);
        ResponseRewrite resp = new ResponseRewrite(hs -> replaceHeaders(hs, rb), hs -> ResponseBodies.rewriter(hs, rb));
        return new StageOutcome(null, fwd, tail, resp, null, findings, decisions, used);
    }

    private StageOutcome outOfScope(CredentialSpec c, FlowRequest r, String where, List<Finding> findings, List<Decision> decisions) {
        String detail = "placeholder of credential " + c.name() + " sent to " + r.host() + ", which is not one of its hosts; not replaced";
        findings.add(new Finding(OUT_OF_SCOPE, FAMILY, Severity.HIGH, where, r.host(), "credential:" + c.name(), null, detail));
        if (blockOutOfScope) {
            String reason = "credential " + c.name() + " may not be sent to " + r.host() + " (" + OUT_OF_SCOPE + ")";
            return StageOutcome.refuse(new Refusal(403, NAME, OUT_OF_SCOPE, reason), findings,
                    List.of(new Decision(NAME, OUT_OF_SCOPE, "refuse", reason)));
        }
        decisions.add(new Decision(NAME, OUT_OF_SCOPE, "flag", detail));
        return null;
    }

    /** Where the request carries {@code placeholder} ("path", "query", "header:NAME", "userinfo", "body"), or null. */
    static String mentions(FlowRequest r, String placeholder) {
        if (placeholder == null) return null;
        if (r.path() != null && r.path().contains(placeholder)) return "path";
        if (r.query() != null && r.query().contains(placeholder)) return "query";
        for (Header h : r.headers()) {
            if (h.value().contains(placeholder)) return "header:" + h.name().toLowerCase(Locale.ROOT);
            if (h.name().equalsIgnoreCase("authorization") && basic(h.value()) != null && basic(h.value()).contains(placeholder)) {
                return "header:authorization";
            }
        }
        if (r.userinfo() != null && decodeUserinfo(r.userinfo()).contains(placeholder)) return "userinfo";
        byte[] b = r.body().recorded();
        if (b.length >= placeholder.length() && indexOf(b, placeholder.getBytes(StandardCharsets.UTF_8)) >= 0) return "body";
        return null;
    }

    private static FlowRequest replaceHead(FlowRequest r, Replacer rep) {
        String path = rep.apply(r.path());
        String query = rep.apply(r.query());
        List<Header> hs = new ArrayList<>(r.headers().size() + 1);
        boolean changed = false;
        boolean hasAuth = false;
        for (Header h : r.headers()) {
            String v = h.value();
            String n = v;
            if (h.name().equalsIgnoreCase("authorization")) {
                hasAuth = true;
                String dec = basic(v);
                if (dec != null) {
                    String rd = rep.apply(dec);
                    if (!rd.equals(dec)) n = "Basic " + Base64.getEncoder().encodeToString(rd.getBytes(StandardCharsets.UTF_8));
                }
            }
            n = rep.apply(n);
            if (!n.equals(v)) changed = true;
            hs.add(n.equals(v) ? h : new Header(h.name(), n));
        }
        if (r.userinfo() != null) {
            String ui = decodeUserinfo(r.userinfo());
            String rui = rep.apply(ui);
            if (!rui.equals(ui) && !hasAuth) {
                // userinfo is never forwarded: carry it as the Basic credentials a client would have sent
                hs.add(new Header("Authorization", "Basic " + Base64.getEncoder().encodeToString(rui.getBytes(StandardCharsets.UTF_8))));
                changed = true;
            }
        }
        if (!changed && java.util.Objects.equals(path, r.path()) && java.util.Objects.equals(query, r.query())) return r;
        return new FlowRequest(r.method(), r.scheme(), r.host(), r.port(), path, query, r.httpVersion(), changed ? hs : r.headers(),
                r.body(), r.trailers(), r.end(), r.userinfo());
    }

    private static FlowRequest inject(FlowRequest r, Inject inj, String value) {
        if (inj.query() != null) {
            String kv = URLEncoder.encode(inj.query(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
            StringBuilder q = new StringBuilder();
            if (r.query() != null) {
                for (String p : r.query().split("&")) {
                    String k = p.indexOf('=') < 0 ? p : p.substring(0, p.indexOf('='));
                    if (URLDecoder.decode(k, StandardCharsets.UTF_8).equals(inj.query()) || p.isEmpty()) continue;
                    q.append(q.length() == 0 ? "" : "&").append(p);
                }
            }
            q.append(q.length() == 0 ? "" : "&").append(kv);
            return new FlowRequest(r.method(), r.scheme(), r.host(), r.port(), r.path(), q.toString(), r.httpVersion(), r.headers(),
                    r.body(), r.trailers(), r.end(), r.userinfo());
        }
        String name = inj.headerName();
        List<Header> hs = new ArrayList<>(r.headers().size() + 1);
        for (Header h : r.headers()) if (!h.name().equalsIgnoreCase(name)) hs.add(h);
        hs.add(new Header(name, inj.render(value)));
        return r.withHeaders(hs);
    }

    private static List<Header> replaceHeaders(List<Header> hs, Replacer rep) {
        List<Header> out = null;
        for (int i = 0; i < hs.size(); i++) {
            Header h = hs.get(i);
            String v = rep.apply(h.value());
            if (!v.equals(h.value())) {
                if (out == null) out = new ArrayList<>(hs);
                out.set(i, new Header(h.name(), v));
            }
        }
        return out == null ? hs : out;
    }

    // ---- AWS ---------------------------------------------------------------------------------

    private record AwsResult(FlowRequest request, Refusal refusal, String scope) {
        static AwsResult refuse(CredentialSpec c, String why) {
            return new AwsResult(null, new Refusal(403, NAME, "credentials." + c.name(), "credential " + c.name() + ": " + why), null);
        }
    }

    /** Verifies the placeholder signature and re-signs; null when the request carries no AWS signature at all. */
    private AwsResult aws(CredentialSpec c, FlowRequest r) {
        String auth = r.header("authorization");
        String q = r.query() == null ? "" : r.query();
        if (q.contains("X-Amz-Signature=") || q.contains("X-Amz-Credential=") || q.contains("X-Amz-Algorithm=")) {
            return AwsResult.refuse(c, "presigned URLs are not supported (the signature travels in the URL);"
                    + " sign the request with an Authorization header instead");
        }
        if (auth == null) return null; // anonymous (e.g. a public bucket): nothing to broker
        String a = auth.trim();
        if (a.startsWith("AWS4-ECDSA-P256-SHA256")) {
            return AwsResult.refuse(c, "SigV4A (AWS4-ECDSA-P256-SHA256) signatures are not supported; use SigV4 (a regional endpoint)");
        }
        SigV4.Auth sig = SigV4.parse(a);
        if (sig == null) return AwsResult.refuse(c, "the request is not signed with SigV4 (AWS4-HMAC-SHA256)");
        if (!sig.keyId().equals(c.placeholderKeyId())) {
            return AwsResult.refuse(c, "the request is not signed by the placeholder key pair (sign with the placeholder access key id)");
        }
        String declared = r.header("x-amz-content-sha256");
        // signed streaming (each chunk signed with the previous signature) cannot be re-signed here;
        // STREAMING-UNSIGNED-PAYLOAD-TRAILER (the AWS CLI v2's uploads) signs the head only, so it can
        if (declared != null && declared.trim().startsWith("STREAMING-") && !declared.trim().equals("STREAMING-UNSIGNED-PAYLOAD-TRAILER")) {
            return AwsResult.refuse(c, "streaming payload signatures (" + declared.trim() + ") are not supported;"
                    + " disable chunked signing (e.g. an unsigned or precomputed payload hash)");
        }
        if (!c.allows(r.method(), r.path())) {
            return AwsResult.refuse(c, "does not allow " + r.method() + " " + r.path() + " (rule credentials." + c.name() + ")");
        }
        String payload;
        if (declared != null) {
            payload = declared.trim();
        } else if (r.body().truncated()) {
            return AwsResult.refuse(c, "the body is larger than the scan window and no x-amz-content-sha256 header names its hash");
        } else {
            payload = SigV4.sha256Hex(r.body().recorded());
        }
        Vault.Values v = vault.get(c.name());
        SigV4.Mode mode = SigV4.verify(r, sig, payload, c.placeholder());
        if (mode == null) return AwsResult.refuse(c, "the SigV4 signature does not verify with the placeholder key pair");
        // the real session token (if any) replaces whatever token the sandbox sent, and is signed
        List<Header> hs = new ArrayList<>(r.headers().size() + 1);
        for (Header h : r.headers()) {
            if (h.name().equalsIgnoreCase("authorization") || h.name().equalsIgnoreCase("x-amz-security-token")) continue;
            hs.add(h);
        }
        List<String> signed = new ArrayList<>(sig.signedHeaders());
        if (v.awsSessionToken() != null) {
            hs.add(new Header("X-Amz-Security-Token", v.awsSessionToken()));
            if (!signed.contains("x-amz-security-token")) {
                signed.add("x-amz-security-token");
                java.util.Collections.sort(signed);
            }
        } else {
            signed.remove("x-amz-security-token");
        }
        FlowRequest unsigned = r.withHeaders(hs);
        String s = SigV4.sign(unsigned, sig, signed, payload, v.awsKeyId(), v.awsSecret(), mode);
        if (s == null) return AwsResult.refuse(c, "the request cannot be re-signed");
        hs.add(new Header("Authorization", SigV4.header(v.awsKeyId(), sig, signed, s)));
        return new AwsResult(r.withHeaders(hs), null, sig.region() + "/" + sig.service());
    }

    // ---- small helpers -------------------------------------------------------------------------

    private static boolean uncompressed(FlowRequest r) {
        String c = r.header("content-encoding");
        return c == null || c.trim().equalsIgnoreCase("identity");
    }

    /** The decoded credentials of a Basic header value, or null. */
    static String basic(String v) {
        if (v.length() < 7 || !v.regionMatches(true, 0, "Basic ", 0, 6)) return null;
        try {
            return new String(Base64.getDecoder().decode(v.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String decodeUserinfo(String u) {
        try {
            return URLDecoder.decode(u.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return u;
        }
    }

    static int indexOf(byte[] b, byte[] p) {
        outer:
        for (int i = 0; i + p.length <= b.length; i++) {
            if (b[i] != p[0]) continue;
            for (int k = 1; k < p.length; k++) if (b[i + k] != p[k]) continue outer;
            return i;
        }
        return -1;
    }
}
