package dev.traffic.detect;

import dev.traffic.model.Body;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.Header;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Short request fixtures: {@code Requests.get("https://h/p?q=1").header("A", "b").build()}. */
final class Requests {
    private final String method;
    private final URI uri;
    private final List<Header> headers = new ArrayList<>();
    private byte[] body = new byte[0];

    private Requests(String method, String url) {
        this.method = method;
        this.uri = URI.create(url);
    }

    static Requests get(String url) {
        return new Requests("GET", url);
    }

    static Requests post(String url) {
        return new Requests("POST", url);
    }

    Requests header(String n, String v) {
        headers.add(new Header(n, v));
        return this;
    }

    Requests body(String contentType, String text) {
        header("Content-Type", contentType);
        body = text.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    Requests body(String contentType, byte[] bytes) {
        header("Content-Type", contentType);
        body = bytes;
        return this;
    }

    FlowRequest build() {
        Body b = body.length == 0 ? Body.EMPTY : new Body(body.length, "0".repeat(64), body, false);
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        return new FlowRequest(method, uri.getScheme(), uri.getHost(), port, uri.getRawPath(), uri.getRawQuery(),
                "HTTP/1.1", headers, b, List.of(), null, uri.getRawUserInfo());
    }
}
