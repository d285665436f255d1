package dev.traffic.stage;

import dev.traffic.model.Header;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * How a stage rewrites the response of the exchange it proceeded with, before any byte reaches the
 * client (the credential broker puts placeholders back where an upstream echoed a real secret).
 * {@code headers} maps the response headers (wire order) to the ones to send; {@code body}, when
 * not null, is called once per response to make the body rewriter, given the response headers as
 * received (so it can see Content-Encoding). The proxy decodes a content coding it knows before the
 * body rewriter and re-encodes after it, or asks upstream for identity; see the proxy's docs.
 */
public record ResponseRewrite(UnaryOperator<List<Header>> headers,
        java.util.function.Function<List<Header>, StreamRewriter> body) {}
