package dev.traffic.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * GitHub App installation tokens, minted by the proxy: an RS256 JWT signed with the App's private
 * key ({@code iss} = app id, 60 s back-dated, 9 min life) is exchanged at
 * {@code POST {apiUrl}/app/installations/{id}/access_tokens} for an installation token, which is
 * cached until 5 minutes before its {@code expires_at}. One exchange in flight per credential;
 * a rotated key drops the cached token. The sandbox never sees either token.
 */
public final class GitHubAppTokens {
    static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Cached(String token, Instant refreshAt) {}

    private final Vault vault;
    private final HttpClient http;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<String>> inFlight = new ConcurrentHashMap<>();

    public GitHubAppTokens(Vault vault, HttpClient http, Clock clock) {
        this.vault = vault;
        this.http = http;
        this.clock = clock;
        vault.onChange(cache::clear);
    }

    public static GitHubAppTokens create(Vault vault) {
        return new GitHubAppTokens(vault, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build(), Clock.systemUTC());
    }

    /** The cached token when it is still fresh, else null. */
    public String cached(CredentialSpec c) {
        Cached t = cache.get(c.name());
        return t != null && clock.instant().isBefore(t.refreshAt) ? t.token : null;
    }

    /** A fresh token: the cached one, or one exchange (shared by concurrent callers). */
    public CompletableFuture<String> token(CredentialSpec c) {
        String t = cached(c);
        if (t != null) return CompletableFuture.completedFuture(t);
        return inFlight.computeIfAbsent(c.name(), n -> mint(c).whenComplete((x, e) -> inFlight.remove(n)));
    }

    private CompletableFuture<String> mint(CredentialSpec c) {
        CredentialSpec.GitHubApp app = c.githubApp();
        String jwt;
        try {
            jwt = jwt(app.appId(), parseKey(vault.get(c.name()).privateKeyPem()), clock.instant());
        } catch (IOException | java.security.GeneralSecurityException e) {
            return CompletableFuture.failedFuture(new IOException("cannot sign the App JWT: " + e.getMessage()));
        }
        String base = app.apiUrl().toString().replaceAll("/+$", "");
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/app/installations/" + app.installationId() + "/access_tokens"))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + jwt)
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
                .header("User-Agent", "traffic-credential-broker")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
            if (r.statusCode() != 201 && r.statusCode() != 200) {
                throw new IllegalStateException("installation token exchange answered " + r.statusCode());
            }
            JsonNode n;
            try {
                n = JSON.readTree(r.body());
            } catch (IOException e) {
                throw new IllegalStateException("installation token exchange: response is not JSON");
            }
            String token = n.path("token").asText("");
            if (token.isEmpty()) throw new IllegalStateException("installation token exchange: no token in the response");
            Instant expires;
            try {
                expires = Instant.parse(n.path("expires_at").asText());
            } catch (RuntimeException e) {
                expires = clock.instant().plus(Duration.ofMinutes(10)); // unknown: assume short, refresh soon
            }
            cache.put(c.name(), new Cached(token, expires.minus(REFRESH_BEFORE)));
            return token;
        });
    }

    /** An RS256 JWT for the App: iat 60 s in the past (clock drift), exp 9 minutes ahead (GitHub allows 10). */
    static String jwt(String appId, PrivateKey key, Instant now) throws java.security.GeneralSecurityException {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String iss = appId.matches("[0-9]+") ? appId : JSON.valueToTree(appId).toString();
        String payload = b64.encodeToString(("{\"iat\":" + (now.getEpochSecond() - 60) + ",\"exp\":" + (now.getEpochSecond() + 540)
                + ",\"iss\":" + iss + "}").getBytes(StandardCharsets.UTF_8));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + b64.encodeToString(s.sign());
    }

    /** Reads a PEM private key, PKCS#1 ("BEGIN RSA PRIVATE KEY", what GitHub hands out) or PKCS#8. */
    static PrivateKey parseKey(String pem) throws IOException {
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) return conv.getKeyPair(kp).getPrivate();
            if (o instanceof PrivateKeyInfo ki) return conv.getPrivateKey(ki);
            throw new IOException("not a PEM private key");
        } catch (RuntimeException e) {
            throw new IOException("not a PEM private key");
        }
    }
}
