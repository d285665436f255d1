package dev.traffic.proxy.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.traffic.stage.Refusal;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A request stage's {@link Refusal} as the response the client shows best:
 * <ul>
 *   <li>a Kubernetes {@code Status} object (kind Status, status Failure, reason, code, message) for
 *       a Kubernetes API request (path {@code /api}, {@code /apis}, or a kubectl User-Agent), so
 *       kubectl prints {@code Error from server (Forbidden): ...};</li>
 *   <li>a JSON error {@code {"error":{"status","reason","stage","rule","message"}}} when the request
 *       accepts JSON;</li>
 *   <li>for a git push ({@code POST .../git-receive-pack}), a receive-pack result rejecting every
 *       ref with the reason, which {@code git push} prints ({@link GitPushRefusal});</li>
 *   <li>plain text otherwise (git's smart-HTTP client shows a text/plain error body of a refused
 *       {@code info/refs} request as {@code remote: ...} lines).</li>
 * </ul>
 * Every form carries {@code X-Traffic-Error: true} like {@link ErrorResponses}. The message never
 * holds a secret (a stage's reason must not). The caller owns the returned response.
 */
public final class RefusalResponses {
    private static final JsonFactory JSON = new JsonFactory();

    private RefusalResponses() {}

    /**
     * @param message the text to show (the refusal's reason, with the flow id appended by the caller)
     * @param path    the request path (for the Kubernetes test), may be null
     * @param headers the request headers as the client sent them
     */
    public static FullHttpResponse of(Refusal refusal, String message, String path, HttpHeaders headers, boolean close) {
        return of(refusal, message, null, path, headers, null, close);
    }

    /**
     * As above, knowing the method and the held body prefix: a refused git push gets the
     * receive-pack result git prints ({@link GitPushRefusal}; status 200, the rule and reason shown
     * as {@code ! [remote rejected] ... (reason)}).
     */
    public static FullHttpResponse of(Refusal refusal, String message, String method, String path, HttpHeaders headers,
            byte[] heldBody, boolean close) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(refusal.status());
        String type;
        byte[] body;
        if (method != null && GitPushRefusal.applies(method, path)) {
            status = HttpResponseStatus.OK;
            type = GitPushRefusal.RESULT_TYPE;
            body = GitPushRefusal.body(heldBody, message);
        } else if (kubernetes(path, headers)) {
            type = "application/json";
            body = json(g -> {
                g.writeStringField("kind", "Status");
                g.writeStringField("apiVersion", "v1");
                g.writeObjectFieldStart("metadata");
                g.writeEndObject();
                g.writeStringField("status", "Failure");
                g.writeStringField("message", message);
                g.writeStringField("reason", kubernetesReason(refusal.status()));
                g.writeNumberField("code", refusal.status());
            });
        } else if (acceptsJson(headers)) {
            type = "application/json";
            body = json(g -> {
                g.writeObjectFieldStart("error");
                g.writeNumberField("status", refusal.status());
                g.writeStringField("reason", HttpResponseStatus.valueOf(refusal.status()).reasonPhrase());
                g.writeStringField("stage", refusal.stage());
                if (refusal.rule() != null) g.writeStringField("rule", refusal.rule());
                g.writeStringField("message", message);
                g.writeEndObject();
            });
        } else {
            type = "text/plain; charset=utf-8";
            body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        r.headers().set("X-Traffic-Error", "true");
        if (type == GitPushRefusal.RESULT_TYPE) r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        if (close) r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return r;
    }

    static boolean kubernetes(String path, HttpHeaders headers) {
        if (path != null && (path.equals("/api") || path.startsWith("/api/") || path.equals("/apis") || path.startsWith("/apis/"))) {
            return true;
        }
        String ua = headers == null ? null : headers.get(HttpHeaderNames.USER_AGENT);
        return ua != null && ua.toLowerCase(Locale.ROOT).startsWith("kubectl");
    }

    static boolean acceptsJson(HttpHeaders headers) {
        if (headers == null) return false;
        for (String a : headers.getAll(HttpHeaderNames.ACCEPT)) {
            String v = a.toLowerCase(Locale.ROOT);
            if (v.contains("application/json") || v.contains("+json")) return true;
        }
        return false;
    }

    /** The Kubernetes {@code StatusReason} for a status code (as the API server uses them). */
    static String kubernetesReason(int status) {
        return switch (status) {
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 409 -> "Conflict";
            case 413 -> "RequestEntityTooLarge";
            case 429 -> "TooManyRequests";
            case 503 -> "ServiceUnavailable";
            case 504 -> "Timeout";
            default -> status >= 500 ? "InternalError" : "BadRequest";
        };
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] json(Fields f) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            f.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }
}
