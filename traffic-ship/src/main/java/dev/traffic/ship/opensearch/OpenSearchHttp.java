package dev.traffic.ship.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.traffic.ship.Auth;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The few OpenSearch REST calls traffic makes, over the JDK's HttpClient: JSON in, JSON out, one
 * Authorization header, an optional private CA. Failures that are worth retrying later (connection
 * refused or reset, timeouts, 429, 5xx) are {@link Unavailable}; any other non-2xx is
 * {@link Rejected} with the cluster's reason (never the credentials). Thread-safe.
 */
public final class OpenSearchHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final Auth auth;
    private final HttpClient http;
    private final Duration timeout;

    /** The cluster is not answering (or overloaded): try again later. */
    public static final class Unavailable extends IOException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The cluster answered with an error that a retry will not fix (bad request, auth, mapping). */
    public static final class Rejected extends IOException {
        private final int status;

        public Rejected(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    public OpenSearchHttp(URI base, Auth auth, Path caFile, Duration timeout) throws IOException {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.auth = auth;
        this.timeout = timeout;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1);
        if (caFile != null) b.sslContext(trusting(caFile));
        this.http = b.build();
    }

    public URI base() {
        return base;
    }

    private static SSLContext trusting(Path caFile) throws IOException {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) ks.setCertificateEntry("ca" + i++, c);
            if (i == 0) throw new IOException("--ca " + caFile + ": no PEM certificate in it");
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("--ca " + caFile + ": " + e.getMessage(), e);
        }
    }

    /** {@code method path} with a JSON (or NDJSON) body; returns the parsed answer of a 2xx. */
    public JsonNode send(String method, String path, byte[] body, String contentType) throws IOException {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) r.header("Content-Type", contentType);
        String h = auth.header();
        if (h != null) r.header("Authorization", h);
        HttpResponse<byte[]> resp;
        try {
            resp = http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new Unavailable(base + " refused the connection", e);
        } catch (java.net.http.HttpTimeoutException e) {
            throw new Unavailable(base + " did not answer within " + timeout.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new Unavailable(base + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while talking to " + base);
        }
        int st = resp.statusCode();
        if (st / 100 == 2) return resp.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(resp.body());
        String reason = reason(resp.body());
        if (st == 429 || st >= 500) throw new Unavailable(base + " answered " + st + ": " + reason, null);
        throw new Rejected(st, method + " " + path + " answered " + st + ": " + reason);
    }

    public JsonNode json(String method, String path, JsonNode body) throws IOException {
        return send(method, path, body == null ? null : JSON.writeValueAsBytes(body), "application/json");
    }

    /** The cluster's error type and reason, short (the body of an error answer). */
    private static String reason(byte[] body) {
        try {
            JsonNode n = JSON.readTree(body);
            JsonNode err = n.path("error");
            if (err.isObject()) return err.path("type").asText() + ": " + err.path("reason").asText();
            if (err.isTextual()) return err.asText();
        } catch (IOException | RuntimeException e) {
            // not JSON: fall through
        }
        String s = new String(body, 0, Math.min(body.length, 200), java.nio.charset.StandardCharsets.UTF_8);
        return s.isBlank() ? "(no body)" : s.replaceAll("\\s+", " ");
    }
}
