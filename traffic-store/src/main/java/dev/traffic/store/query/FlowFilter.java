package dev.traffic.store.query;

import dev.traffic.model.Body;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowKind;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.FlowResponse;
import dev.traffic.model.Header;
import dev.traffic.model.WsMessage;
import dev.traffic.store.index.BodyText;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Evaluates a {@link FilterExpr} on a flow with mitmproxy's meaning of each operator. HTTP and
 * WebSocket flows are mitmproxy's HTTP flows; tunnels are its TCP flows (only {@code ~tcp ~dst
 * ~src ~e ~all} and {@code ~b}-family, which find nothing since tunnel bytes are not recorded, apply
 * to them). Bodies are searched after undoing Content-Encoding, as text (UTF-8). Stateless.
 */
public final class FlowFilter implements Predicate<Flow> {
    /** Decoded bodies are searched up to this many bytes (recorded bodies are capped lower anyway). */
    private static final int MAX_DECODED = 64 << 20;
    private static final List<Pattern> ASSET_TYPES = List.of("text/javascript", "application/x-javascript",
            "application/javascript", "text/css", "image/.*", "font/.*", "application/font.*").stream()
            .map(Pattern::compile).toList();
    private final FilterExpr expr;

    public FlowFilter(FilterExpr expr) {
        this.expr = expr;
    }

    public FilterExpr expr() {
        return expr;
    }

    @Override
    public boolean test(Flow f) {
        return eval(expr, f);
    }

    /** True when evaluating {@code e} reads bodies or WebSocket messages (so flows must be loaded with them). */
    public static boolean needsBodies(FilterExpr e) {
        if (e instanceof FilterExpr.And a) return a.items().stream().anyMatch(FlowFilter::needsBodies);
        if (e instanceof FilterExpr.Or o) return o.items().stream().anyMatch(FlowFilter::needsBodies);
        if (e instanceof FilterExpr.Not n) return needsBodies(n.item());
        FilterOp op = ((FilterExpr.Test) e).op();
        return op == FilterOp.BODY || op == FilterOp.REQUEST_BODY || op == FilterOp.RESPONSE_BODY;
    }

    private static boolean eval(FilterExpr e, Flow f) {
        if (e instanceof FilterExpr.And a) {
            for (FilterExpr x : a.items()) if (!eval(x, f)) return false;
            return true;
        }
        if (e instanceof FilterExpr.Or o) {
            for (FilterExpr x : o.items()) if (eval(x, f)) return true;
            return false;
        }
        if (e instanceof FilterExpr.Not n) return !eval(n.item(), f);
        return test((FilterExpr.Test) e, f);
    }

    private static boolean test(FilterExpr.Test t, Flow f) {
        boolean http = f.kind() == FlowKind.HTTP || f.kind() == FlowKind.WEBSOCKET;
        FlowRequest rq = f.request();
        FlowResponse rs = f.response();
        Pattern p = t.pattern();
        return switch (t.op()) {
            case ALL -> true;
            case ERROR -> f.error() != null && !f.error().isEmpty();
            case HTTP -> http;
            case WEBSOCKET -> f.kind() == FlowKind.WEBSOCKET;
            case TCP -> f.kind() == FlowKind.TUNNEL;
            case NO_RESPONSE -> http && rs == null;
            case RESPONSE -> http && rs != null;
            case CODE -> http && rs != null && rs.status() == Integer.parseInt(t.argument());
            case ASSET -> http && rs != null && ASSET_TYPES.stream().anyMatch(a -> contentType(a, rs.headers()));
            case CONTENT_TYPE -> http && ((rq != null && contentType(p, rq.headers())) || (rs != null && contentType(p, rs.headers())));
            case REQUEST_CONTENT_TYPE -> http && rq != null && contentType(p, rq.headers());
            case RESPONSE_CONTENT_TYPE -> http && rs != null && contentType(p, rs.headers());
            case HEADER -> http && ((rq != null && p.matcher(headerBlock(rq.headers())).find())
                    || (rs != null && p.matcher(headerBlock(rs.headers())).find()));
            case REQUEST_HEADER -> http && rq != null && p.matcher(headerBlock(rq.headers())).find();
            case RESPONSE_HEADER -> http && rs != null && p.matcher(headerBlock(rs.headers())).find();
            case METHOD -> http && rq != null && rq.method() != null && p.matcher(rq.method()).find();
            case DOMAIN -> http && rq != null && ((rq.host() != null && p.matcher(rq.host()).find())
                    || (rq.header("host") != null && p.matcher(rq.header("host")).find()));
            case URL -> http && rq != null && rq.host() != null && p.matcher(rq.url()).find();
            case SOURCE -> f.client() != null && p.matcher(f.client()).find();
            case DESTINATION -> rq != null && rq.host() != null && p.matcher(rq.host() + ":" + rq.port()).find();
            case BODY -> http && (body(p, rq == null ? null : rq.body(), rq == null ? null : rq.header("content-encoding"))
                    || body(p, rs == null ? null : rs.body(), rs == null ? null : rs.header("content-encoding"))
                    || messages(p, f, null));
            case REQUEST_BODY -> http && (body(p, rq == null ? null : rq.body(), rq == null ? null : rq.header("content-encoding"))
                    || messages(p, f, WsMessage.Direction.CLIENT_TO_SERVER));
            case RESPONSE_BODY -> http && (body(p, rs == null ? null : rs.body(), rs == null ? null : rs.header("content-encoding"))
                    || messages(p, f, WsMessage.Direction.SERVER_TO_CLIENT));
        };
    }

    private static boolean contentType(Pattern p, List<Header> headers) {
        for (Header h : headers) if (h.name().equalsIgnoreCase("content-type") && p.matcher(h.value()).find()) return true;
        return false;
    }

    /** Headers as mitmproxy's {@code bytes(headers)}: {@code name: value\r\n} per line, in wire order. */
    private static String headerBlock(List<Header> headers) {
        StringBuilder b = new StringBuilder();
        for (Header h : headers) b.append(h.name()).append(": ").append(h.value()).append("\r\n");
        return b.toString();
    }

    private static boolean body(Pattern p, Body b, String encoding) {
        if (b == null || b.recorded().length == 0) return false;
        return p.matcher(new String(BodyText.decode(b.recorded(), encoding, MAX_DECODED), StandardCharsets.UTF_8)).find();
    }

    private static boolean messages(Pattern p, Flow f, WsMessage.Direction only) {
        for (WsMessage m : f.messages()) {
            if (only != null && m.direction() != only) continue;
            if (p.matcher(new String(m.payload(), StandardCharsets.UTF_8)).find()) return true;
        }
        return false;
    }
}
