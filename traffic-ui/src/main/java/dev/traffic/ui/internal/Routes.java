package dev.traffic.ui.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.traffic.model.Body;
import dev.traffic.model.Flow;
import dev.traffic.store.FlowJson;
import dev.traffic.store.FlowQuery;
import dev.traffic.store.FlowSeals;
import dev.traffic.store.StoreException;
import dev.traffic.store.StoreLayout;
import dev.traffic.store.StoreReader;
import dev.traffic.store.har.HarWriter;
import dev.traffic.ui.UiAccess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every URL of the UI. Pages ({@code /}, {@code /flow/ID}, {@code /session}) are the same static
 * document; the script reads its state from the URL, so any view can be shared by its address.
 * Data comes from {@code /api/...} as JSON; recorded bytes only as sandboxed attachments.
 */
public final class Routes implements HttpHandler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Routes.class);
    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 500;

    private final StoreLayout layout;
    private final AccessGate gate;
    private final StoreView view;
    /** Facets and the session view scan every match: their own reader, so a list or a flow never waits behind them. */
    private final StoreView aggregates;
    private final FlowSeals seals;
    private final Integrity integrity;
    private final LiveFeed live;

    public Routes(StoreLayout layout, UiAccess access, boolean loopback) {
        this.layout = layout;
        this.gate = new AccessGate(access, loopback);
        this.view = new StoreView(layout);
        this.aggregates = new StoreView(layout);
        this.seals = new FlowSeals(layout);
        this.integrity = new Integrity(layout, seals);
        this.live = new LiveFeed(layout, seq -> {
            view.grew();
            aggregates.grew();
        });
    }

    /** Opens the store (failing here, with the store's own message, when there is none) and starts following it. */
    public void start() throws IOException {
        live.start(view.lastSeq());
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            if (!gate.admit(ex)) return;
            route(ex);
        } catch (BadRequest e) {
            Responses.json(ex, 400, Responses.error(e.getMessage()));
        } catch (IOException | RuntimeException e) {
            log.warn("ui: {} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e.toString());
            try {
                Responses.json(ex, 500, Responses.error(e instanceof StoreException ? e.getMessage() : "reading the store failed: " + e));
            } catch (IOException | RuntimeException ignored) {
                // the response had started (a broken download): the connection is closed below
            }
        } finally {
            ex.close();
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        Map<String, String> p = Params.of(ex.getRequestURI());
        if (path.equals("/") || path.equals("/session") || path.startsWith("/flow/")) {
            asset(ex, "index.html", "text/html; charset=utf-8");
        } else if (path.equals("/static/app.js")) {
            asset(ex, "app.js", "text/javascript; charset=utf-8");
        } else if (path.equals("/static/app.css")) {
            asset(ex, "app.css", "text/css; charset=utf-8");
        } else if (path.equals("/api/flows")) {
            flows(ex, p);
        } else if (path.equals("/api/facets")) {
            FlowQuery q = query(p);
            Map<String, Map<String, Long>> f = aggregates.facets(q);
            Responses.json(ex, 200, f == null ? Map.of("unavailable", "this filter needs a per-flow test (regex or body): counts by facet are not computed") : f);
        } else if (path.equals("/api/session")) {
            Responses.json(ex, 200, aggregates.session(query(p)));
        } else if (path.equals("/api/integrity")) {
            Responses.json(ex, 200, integrity.status(p.containsKey("refresh")));
        } else if (path.equals("/api/events")) {
            events(ex, query(p));
        } else if (path.equals("/api/export")) {
            export(ex, query(p), p.getOrDefault("format", "har"));
        } else if (path.startsWith("/api/flow/")) {
            flow(ex, path.substring("/api/flow/".length()), p);
        } else {
            Responses.text(ex, 404, "not found\n");
        }
    }

    private void asset(HttpExchange ex, String name, String type) throws IOException {
        try (InputStream in = Routes.class.getResourceAsStream("/dev/traffic/ui/static/" + name)) {
            if (in == null) throw new IOException("missing resource " + name);
            Responses.bytes(ex, 200, type, in.readAllBytes());
        }
    }

    private static FlowQuery query(Map<String, String> p) {
        String text = p.getOrDefault("q", "");
        if (text.length() > 4096) throw new BadRequest("the filter is longer than 4096 characters");
        try {
            return FlowQuery.parse(text);
        } catch (FlowQuery.BadQueryException e) {
            throw new BadQueryRequest(e, text);
        }
    }

    private void flows(HttpExchange ex, Map<String, String> p) throws IOException {
        FlowQuery q;
        try {
            q = query(p);
        } catch (BadQueryRequest e) {
            ObjectNode err = Responses.JSON.createObjectNode();
            ObjectNode o = err.putObject("error");
            o.put("message", e.bad.reason());
            o.put("query", e.text);
            o.put("position", e.bad.position());
            if (e.bad.hint() != null) o.put("hint", e.bad.hint());
            Responses.json(ex, 400, err);
            return;
        }
        int limit = DEFAULT_PAGE;
        if (p.containsKey("limit")) {
            try {
                limit = Integer.parseInt(p.get("limit"));
            } catch (NumberFormatException e) {
                throw new BadRequest("limit: expected a number, got '" + p.get("limit") + "'");
            }
            if (limit < 1 || limit > MAX_PAGE) throw new BadRequest("limit: between 1 and " + MAX_PAGE + ", got " + limit);
        }
        StoreView.Page page;
        try {
            page = view.page(q, p.get("after"), limit);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        ObjectNode n = Responses.JSON.createObjectNode();
        n.put("language", q.language().name().toLowerCase(java.util.Locale.ROOT));
        if (page.total() != null) n.put("total", page.total());
        if (page.next() != null) n.put("next", page.next());
        n.put("paused", page.paused());
        ArrayNode rows = n.putArray("flows");
        for (Flow f : page.flows()) rows.add(FlowViews.row(f));
        ArrayNode w = n.putArray("warnings");
        page.warnings().forEach(w::add);
        Responses.json(ex, 200, n);
    }

    private void flow(HttpExchange ex, String rest, Map<String, String> p) throws IOException {
        String[] parts = rest.split("/", -1);
        String id = java.net.URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
        if (id.isEmpty() || id.length() > 200) throw new BadRequest("bad flow id");
        Optional<StoreReader.Located> found = view.locate(id);
        if (found.isEmpty()) {
            Responses.json(ex, 404, Responses.error("no flow with id or seq '" + id + "' in this store"));
            return;
        }
        Flow f = found.get().flow();
        if (parts.length == 1) {
            FlowSeals.Seal seal = seals.seal(f.seq(), found.get().record());
            Responses.json(ex, 200, FlowViews.detail(f, seal));
        } else if (parts.length == 2 && parts[1].equals("har")) {
            Responses.attachment(ex, "flow-" + f.seq() + ".har", "application/json; charset=utf-8");
            stream(ex, out -> HarWriter.write(List.of(f), out));
        } else if (parts.length == 3 && parts[1].equals("body") && (parts[2].equals("request") || parts[2].equals("response"))) {
            body(ex, f, parts[2].equals("request"), p.containsKey("image"));
        } else {
            Responses.text(ex, 404, "not found\n");
        }
    }

    /**
     * A body's bytes: decoded, as an attachment of type application/octet-stream, or with
     * {@code ?image} and a raster image type, as that image for an {@code <img>} (still sandboxed).
     */
    private void body(HttpExchange ex, Flow f, boolean request, boolean image) throws IOException {
        Body b;
        String enc;
        String type;
        if (request) {
            if (f.request() == null) throw new BadRequest("this flow has no request");
            b = f.request().body();
            enc = f.request().header("content-encoding");
            type = f.request().header("content-type");
        } else {
            if (f.response() == null) throw new BadRequest("this flow has no response");
            b = f.response().body();
            enc = f.response().header("content-encoding");
            type = f.response().header("content-type");
        }
        String media = BodyView.mediaType(type);
        if (image && !BodyView.IMAGE_TYPES.contains(media)) throw new BadRequest("not a raster image body (" + media + ")");
        byte[] bytes = enc == null ? b.recorded() : dev.traffic.store.index.BodyText.decode(b.recorded(), enc, 64 * 1024 * 1024);
        Responses.attachment(ex, "flow-" + f.seq() + "-" + (request ? "request" : "response") + ".bin", image ? media : "application/octet-stream");
        ex.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(bytes);
            }
        }
    }

    private void export(HttpExchange ex, FlowQuery q, String format) throws IOException {
        boolean har = switch (format) {
            case "har" -> true;
            case "ndjson" -> false;
            default -> throw new BadRequest("format: expected har or ndjson, got '" + format + "'");
        };
        // its own reader: a long export does not hold the list's reader
        try (StoreReader r = StoreReader.open(layout.root())) {
            Responses.attachment(ex, "traffic-export." + (har ? "har" : "ndjson"), har ? "application/json; charset=utf-8" : "application/x-ndjson");
            stream(ex, out -> {
                if (har) {
                    try (HarWriter w = new HarWriter(out)) {
                        r.scan(q, true, f -> write(w, f));
                    }
                } else {
                    r.scan(q, true, f -> {
                        try {
                            out.write(FlowJson.toBytes(f));
                            out.write('\n');
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                }
            });
        }
    }

    private static void write(HarWriter w, Flow f) {
        try {
            w.write(f);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private static void stream(HttpExchange ex, Writer w) throws IOException {
        ex.sendResponseHeaders(200, 0);
        try (OutputStream os = new java.io.BufferedOutputStream(ex.getResponseBody(), 64 * 1024)) {
            w.write(os);
        }
    }

    /** Server-sent events: one {@code flow} event per new matching flow, {@code reload} when the client fell behind. */
    private void events(HttpExchange ex, FlowQuery q) throws IOException {
        LiveFeed.Subscriber s = live.subscribe(q);
        if (s == null) {
            Responses.text(ex, 503, "too many live views open (at most " + LiveFeed.MAX_SUBSCRIBERS + ")\n");
            return;
        }
        try {
            Responses.secure(ex, Responses.PAGE_CSP);
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.sendResponseHeaders(200, 0);
            OutputStream os = ex.getResponseBody();
            os.write(": live\n\n".getBytes(StandardCharsets.UTF_8));
            os.flush();
            while (true) {
                String row = s.queue.poll(15, TimeUnit.SECONDS);
                String msg = row == null ? ": keep-alive\n\n" : row.equals(LiveFeed.RELOAD) ? "event: reload\ndata: {}\n\n" : "event: flow\ndata: " + row + "\n\n";
                os.write(msg.getBytes(StandardCharsets.UTF_8));
                os.flush();
                if (row != null && row.equals(LiveFeed.RELOAD)) break;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the browser went away
        } finally {
            live.unsubscribe(s);
        }
    }

    @Override
    public void close() {
        live.close();
        integrity.close();
        view.close();
        aggregates.close();
    }

    static class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    static final class BadQueryRequest extends BadRequest {
        final FlowQuery.BadQueryException bad;
        final String text;

        BadQueryRequest(FlowQuery.BadQueryException bad, String text) {
            super(bad.getMessage());
            this.bad = bad;
            this.text = text;
        }
    }
}
