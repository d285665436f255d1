package dev.traffic.broker;

/**
 * How a token credential is put on a request even when the sandbox sent no placeholder:
 * a header ({@code {header: Authorization, format: "Bearer {value}"}}), HTTP Basic
 * ({@code {basic: "x-access-token:{value}"}}) or a query parameter ({@code {query: key}}).
 * Exactly one of {@code header}, {@code basic} and {@code query} is set.
 */
public record Inject(String header, String format, String basic, String query) {
    public static final String VALUE = "{value}";

    /** The header value (or Basic credentials, or query value) for {@code value}. */
    String render(String value) {
        if (header != null) return (format == null ? VALUE : format).replace(VALUE, value);
        if (basic != null) return "Basic " + java.util.Base64.getEncoder()
                .encodeToString(basic.replace(VALUE, value).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return value;
    }

    /** The header this sets (Authorization for Basic), or null for a query parameter. */
    String headerName() {
        return header != null ? header : basic != null ? "Authorization" : null;
    }
}
