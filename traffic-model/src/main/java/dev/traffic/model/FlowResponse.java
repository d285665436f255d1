package dev.traffic.model;

import java.time.Instant;
import java.util.List;

/** The response half of a flow; {@code start} is when its head arrived, {@code end} its last byte. */
public record FlowResponse(
        int status,
        String reason,
        String httpVersion,
        List<Header> headers,
        Body body,
        List<Header> trailers,
        Instant start,
        Instant end) {
    public FlowResponse {
        headers = headers == null ? List.of() : List.copyOf(headers);
        trailers = trailers == null ? List.of() : List.copyOf(trailers);
        if (body == null) body = Body.EMPTY;
    }

    public String header(String name) {
        for (Header h : headers) if (h.name().equalsIgnoreCase(name)) return h.value();
        return null;
    }

    public FlowResponse withBody(Body b) {
        return new FlowResponse(status, reason, httpVersion, headers, b, trailers, start, end);
    }

    public FlowResponse withHeaders(List<Header> h) {
        return new FlowResponse(status, reason, httpVersion, h, body, trailers, start, end);
    }
}
