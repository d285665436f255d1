package dev.traffic.proxy.exchange;

import dev.traffic.proxy.client.ClientSession;
import dev.traffic.proxy.client.RequestLine;
import dev.traffic.proxy.net.ReadGate;
import dev.traffic.proxy.net.Target;
import dev.traffic.proxy.policy.ErrorResponses;
import dev.traffic.proxy.policy.Admission;
import dev.traffic.proxy.policy.Refusals;
import dev.traffic.proxy.policy.RefusalResponses;
import dev.traffic.proxy.record.FlowRecorder;
import dev.traffic.proxy.server.ProxyContext;
import dev.traffic.proxy.tls.AlpnPolicy;
import dev.traffic.proxy.upstream.UpstreamConnection;
import dev.traffic.proxy.upstream.UpstreamFailures;
import dev.traffic.proxy.upstream.UpstreamKey;
import dev.traffic.proxy.upstream.UpstreamListener;

import dev.traffic.proxy.stage.StageChain;
import dev.traffic.model.Header;
import dev.traffic.stage.Refusal;
import dev.traffic.stage.ResponseRewrite;
import dev.traffic.stage.StageInput;
import dev.traffic.stage.StreamRewriter;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import dev.traffic.proxy.exchange.ws.WsUpgrade;
import dev.traffic.model.Body;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.PolicyDecision;
import dev.traffic.model.TlsInfo;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One request/response relayed between a client-side channel and an upstream connection, both of
 * which carry Netty {@code HttpObject}s (HTTP/1.1 connections today; HTTP/2 stream channels with an
 * HttpObject codec fit the same way). Streams both bodies with backpressure: a side that cannot
 * write pauses reading on the other ({@link ReadGate}), so no body is ever held whole. Only while
 * the request stages ({@link StageChain}) run does it hold the request head, plus up to
 * {@code scanWindow} body bytes when a stage needs the body.
 *
 * <p>Request stages run after admission and before any byte goes upstream; their outcome rewrites
 * what is sent (head, held body prefix, the streamed rest) and the response (headers and body,
 * before any byte reaches the client), and decides what is recorded (the request as it was before
 * the CREDENTIALS stages).
 *
 * <p>Buffer ownership: every {@code HttpContent} handed to {@link #onRequestContent} or
 * {@link #onUpstreamMessage} becomes this exchange's; it is either written to the other side
 * (which then releases it) or released here. Event-loop confined (client and upstream share a loop).
 */
public final class Exchange implements UpstreamListener {
    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.TRACE, HttpMethod.PUT, HttpMethod.DELETE);

    private enum State { NEW, STAGES, CONNECTING, FORWARDING, REFUSED, DONE }

    private enum Response { NONE, INTERIM, STARTED, COMPLETE }

    private final ProxyContext px;
    private final Channel client;
    private final ReadGate clientGate;
    private final ExchangeOwner owner;
    private final ClientSession session;
    private final FlowRecorder rec;
    private final List<HttpContent> held = new ArrayList<>();
    private long heldBytes;
    private State state = State.NEW;
    private Target target;
    private HttpRequest head;
    private FlowRequest recordedHead;
    private boolean clientKeepAlive;
    private boolean requestComplete;
    /** How far the response to the client got: NONE, a 1xx passing (INTERIM), the final head sent (STARTED), COMPLETE. */
    private Response response = Response.NONE;
    private boolean closeClientAfter;
    private boolean upstreamKeepAlive;
    private boolean bodySent;
    private boolean retried;
    private boolean flushUpstream;
    private boolean flushClient;
    private UpstreamConnection up;
    private boolean teTrailers;
    private boolean stagesStarted;
    private boolean webSocket;
    /** Whether a stage asked for the body: held up to the scan window before the stages run. */
    private boolean holdBody;
    private String originForm;
    /** Rewrites the request body past the held prefix (a stage's bodyTail), or null. */
    private StreamRewriter requestTail;
    /** The stages' response rewrites (the last stage's first), or null. */
    private List<ResponseRewrite> responseRewrites;
    /** Rewrites this response's body, or null. */
    private StreamRewriter responseRewriter;

    public Exchange(ProxyContext px, Channel client, ExchangeOwner owner, ClientSession session) {
        this.px = px;
        this.client = client;
        this.clientGate = ReadGate.of(client);
        this.owner = owner;
        this.session = session;
        String addr = session.clientAddress();
        this.rec = new FlowRecorder(px, addr, dev.traffic.model.FlowKind.HTTP);
    }

    /** The final response head went to the client: the exchange can no longer answer for itself. */
    private boolean responseStarted() {
        return response == Response.STARTED || response == Response.COMPLETE;
    }

    public String flowId() {
        return rec.id();
    }

    /** The request head arrived (ownership: the head is not reference counted; it is mutated for upstream). */
    public void start(HttpRequest req, RequestLine line) {
        this.head = req;
        this.target = line.target();
        this.clientKeepAlive = HttpUtil.isKeepAlive(req);
        this.recordedHead = new FlowRequest(req.method().name(), target.scheme(), target.host(), target.port(),
                line.path(), line.query(), req.protocolVersion().text(), FlowRecorder.headers(req.headers()),
                null, null, null, line.userinfo());
        if (session.clientTls() != null) rec.tls(session.clientTls());
        StageChain stages = px.stages();
        if (!stages.isEmpty()) rec.startHeld(recordedHead); // write-ahead once the stages said what to record
        else rec.start(recordedHead);

        // inside a tunnel the CONNECT's admission covers the name (and the address: the target is resolved)
        Admission.Refused no = px.admission().checkHead(target.host(), session.tunnelTarget() != null);
        if (no != null) {
            refuse(no.status(), no.message(), no.decision());
            return;
        }
        teTrailers = head.headers().containsValue(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS, true);
        webSocket = WsUpgrade.isRequest(head);
        prepareUpstreamHead(line.originForm());
        if (stages.isEmpty()) {
            beginConnect();
            return;
        }
        state = State.STAGES;
        holdBody = stages.needsBody(new StageInput(recordedHead.withBody(Body.EMPTY), session.clientAddress(),
                px.config().session(), rec.id()));
        if (!holdBody) { // the stages decide on the head: the body (if any) waits unread meanwhile
            stagesStarted = true;
            runStages(false);
        }
    }

    private void prepareUpstreamHead(String origin) {
        originForm = origin;
        head.setUri(origin);
        head.setProtocolVersion(HttpVersion.HTTP_1_1);
        HopByHop.strip(head.headers());
        if (webSocket) WsUpgrade.restoreRequestHeaders(head);
        if (session.tunnelTarget() == null || !head.headers().contains(HttpHeaderNames.HOST)) {
            // RFC 9112 3.2.2: a proxy replaces Host with the absolute-form's authority
            boolean dflt = (target.port() == 80 && !target.tls()) || (target.port() == 443 && target.tls());
            String h = target.host().indexOf(':') >= 0 ? "[" + target.host() + "]" : target.host();
            head.headers().set(HttpHeaderNames.HOST, dflt ? h : h + ":" + target.port());
        }
    }

    /** A piece of the request body (ownership transfers here). */
    public void onRequestContent(HttpContent c) {
        if (c.decoderResult().isFailure()) {
            badBody(c);
            return;
        }
        boolean last = c instanceof LastHttpContent;
        // also while REFUSED: after an early answer the rest is drained, and the flow records all the client sent
        if (state != State.DONE) rec.requestBody().add(c.content());
        if (last) {
            requestComplete = true;
            rec.requestEnd(((LastHttpContent) c).trailingHeaders());
            clientGate.pause(ReadGate.EXCHANGE_BUSY); // the next request waits until this exchange is over
        }
        if (requestTail != null && state != State.STAGES) c = rewritePiece(c, requestTail);
        switch (state) {
            case STAGES -> {
                held.add(c);
                heldBytes += c.content().readableBytes();
                // once only: an h2 stream channel delivers buffered frames synchronously when reads
                // resume, i.e. more content can arrive here before the state leaves STAGES
                if (!stagesStarted && (last || heldBytes >= px.config().scanWindow())) {
                    stagesStarted = true;
                    runStages(!last);
                }
            }
            case NEW, CONNECTING -> held.add(c);
            case FORWARDING -> writeUpstream(c);
            default -> {
                c.release();
                if (last && state == State.REFUSED && response == Response.COMPLETE) done();
            }
        }
    }

    /** The body could not be parsed (bad chunk framing): the upstream must not see a "complete" request. */
    private void badBody(HttpContent c) {
        String why = "bad request body: " + c.decoderResult().cause().getMessage();
        c.release();
        requestComplete = true;
        clientKeepAlive = false;
        if (state == State.DONE) return;
        if (state == State.REFUSED) {
            done();
            return;
        }
        if (responseStarted()) {
            rec.error(why);
            abort();
            client.close();
            return;
        }
        refuse(400, why, null);
    }

    /** The client side finished a read burst: push what was written upstream. */
    public void flushUpstream() {
        if (flushUpstream && up != null) {
            flushUpstream = false;
            up.channel().flush();
        }
    }

    public void clientWritabilityChanged(boolean writable) {
        if (up == null) return;
        ReadGate g = ReadGate.of(up.channel());
        if (writable) g.resume(ReadGate.PEER_UNWRITABLE);
        else g.pause(ReadGate.PEER_UNWRITABLE);
    }

    /** The client connection went away. */
    public void clientClosed() {
        if (state == State.DONE) return;
        if (px.draining() && response != Response.COMPLETE) {
            // the grace period ran out and shutdown closed the connection (or the client left meanwhile)
            rec.error("proxy shut down before the response completed");
        } else {
            rec.error(response == Response.COMPLETE ? "client closed the connection" : "client closed the connection before the response completed");
        }
        abort();
    }

    // ---- request stages ----------------------------------------------------------------

    private void runStages(boolean bodyGoesOn) {
        int window = px.config().scanWindow();
        FlowRequest fr;
        boolean truncated = false;
        int bodyLen = 0;
        if (holdBody) {
            byte[] bytes = new byte[(int) Math.min(heldBytes, window)];
            int at = 0;
            for (HttpContent c : held) {
                int n = Math.min(c.content().readableBytes(), bytes.length - at);
                c.content().getBytes(c.content().readerIndex(), bytes, at, n);
                at += n;
                if (at == bytes.length) break;
            }
            truncated = bodyGoesOn || heldBytes > window;
            fr = recordedHead.withBody(new Body(heldBytes, null, bytes, truncated));
            bodyLen = bytes.length;
        } else {
            fr = recordedHead.withBody(Body.EMPTY);
        }
        StageInput in = new StageInput(fr, session.clientAddress(), px.config().session(), rec.id());
        boolean cut = truncated;
        if (headBytes() + bodyLen <= px.config().inlineInspectionLimit()) {
            runInline(in, cut);
            return;
        }
        clientGate.pause(ReadGate.INSPECTING);
        Channel ch = client;
        StageChain chain = px.stages();
        CompletableFuture.supplyAsync(() -> chain.run(in), px.inspectionExecutor())
                .thenCompose(s -> s)
                .whenComplete((r, e) -> ch.eventLoop().execute(() -> staged(in, r, e, cut)));
    }

    /**
     * Runs the stages of a small request right here on the event loop: scanning a few KiB costs
     * less than the two thread hops of an offload. A stage that answers asynchronously gets the
     * same hop back to the loop as an offloaded one.
     */
    private void runInline(StageInput in, boolean truncated) {
        CompletableFuture<StageChain.Result> f = px.stages().run(in).toCompletableFuture();
        if (!f.isDone()) {
            clientGate.pause(ReadGate.INSPECTING);
            Channel ch = client;
            f.whenComplete((r, e) -> ch.eventLoop().execute(() -> staged(in, r, e, truncated)));
            return;
        }
        StageChain.Result r = null;
        Throwable err = null;
        try {
            r = f.join();
        } catch (RuntimeException e) {
            err = e;
        }
        staged(in, r, err, truncated);
    }

    /** Approximate size of the request head as the stages see it (target and headers). */
    private int headBytes() {
        int n = recordedHead.path() == null ? 0 : recordedHead.path().length();
        if (recordedHead.query() != null) n += recordedHead.query().length();
        if (recordedHead.userinfo() != null) n += recordedHead.userinfo().length();
        for (var h : recordedHead.headers()) n += h.name().length() + h.value().length() + 4;
        return n;
    }

    private void staged(StageInput in, StageChain.Result r, Throwable e, boolean truncated) {
        if (state != State.STAGES) return;
        clientGate.resume(ReadGate.INSPECTING);
        if (e != null) {
            rec.withholdUnscanned(); // the failed stages are not asked again what to record
            Throwable c = UpstreamFailures.unwrap(e);
            refuse(503, c instanceof StageChain.StageFailure ? c.getMessage() : "request stages failed: " + c, null);
            return;
        }
        if (truncated) rec.scanWindowExceeded(px.config().scanWindow());
        if (r.recordTaken()) {
            rec.inspected(r.findings(), r.record());
            rec.announce(r.record() != null ? r.record().withBody(null) : recordedHead);
        } else {
            rec.findings(r.findings()); // refused before INSPECTION saw it: nothing is written ahead
        }
        rec.decisions(r.decisions());
        rec.credentials(r.credentials());
        if (r.refused()) {
            Refusal f = r.refusal();
            String rule = f.rule() == null ? f.stage() : f.rule();
            String message = f.reason() + " (flow " + rec.id() + ")";
            boolean close = !requestComplete || !clientKeepAlive;
            refuse(RefusalResponses.of(f, message, recordedHead.method(), recordedHead.path(), head.headers(),
                    in.request().body().recorded(), close), message,
                    new PolicyDecision(PolicyDecision.Action.BLOCK, rule));
            return;
        }
        if (!r.findings().isEmpty()) {
            rec.policy(new PolicyDecision(PolicyDecision.Action.FLAG, r.findings().get(0).rule()));
        }
        forward(in.request(), r);
        beginConnect();
    }

    /** Applies the stages' rewrites to what goes upstream: the head, the held body, the rewriters for what follows. */
    private void forward(FlowRequest seen, StageChain.Result r) {
        FlowRequest f = r.forward();
        if (f != seen) {
            if (f.headers() != seen.headers()) {
                HttpHeaders h = head.headers();
                h.clear();
                for (Header x : f.headers()) h.add(x.name(), x.value());
            }
            String origin = (f.path() == null || f.path().isEmpty() ? "/" : f.path())
                    + (f.query() == null ? "" : "?" + f.query());
            // userinfo is never forwarded (see RequestLine): a stage that must authenticate sets a header
            prepareUpstreamHead(origin);
        }
        requestTail = r.bodyTail();
        boolean newPrefix = f.body() != seen.body() && f.body() != null;
        if (newPrefix || (requestTail != null && !held.isEmpty())) {
            rebuildHeld(newPrefix ? f.body().recorded() : null);
        } else if (requestTail != null && requestTail.changesLength() && !requestComplete) {
            chunkRequest();
        }
        if (!r.responses().isEmpty()) {
            responseRewrites = r.responses();
            for (ResponseRewrite w : responseRewrites) {
                if (w.body() != null) {
                    // the body rewriter needs the bytes as sent, not a content coding of them
                    head.headers().set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
                    break;
                }
            }
        }
    }

    /**
     * Replaces the held body: the prefix the stages saw becomes {@code prefix} (when a stage rewrote
     * it), the held bytes past it go through the body-tail rewriter; Content-Length is fixed when the
     * whole body was held, else the rest is chunked.
     */
    private void rebuildHeld(byte[] prefix) {
        int seen = holdBody ? (int) Math.min(heldBytes, px.config().scanWindow()) : 0;
        byte[] all = new byte[(int) heldBytes];
        int at = 0;
        HttpHeaders trailers = null;
        for (HttpContent c : held) {
            int n = c.content().readableBytes();
            c.content().getBytes(c.content().readerIndex(), all, at, n);
            at += n;
            if (c instanceof LastHttpContent l) trailers = l.trailingHeaders();
        }
        boolean last = trailers != null;
        byte[] front = prefix != null ? prefix : java.util.Arrays.copyOfRange(all, 0, seen);
        byte[] rest = java.util.Arrays.copyOfRange(all, seen, all.length);
        if (requestTail != null && (rest.length > 0 || last)) rest = requestTail.rewrite(rest, last);
        HttpContent c = last ? new DefaultLastHttpContent(Unpooled.wrappedBuffer(front, rest))
                : new DefaultHttpContent(Unpooled.wrappedBuffer(front, rest));
        if (last) ((LastHttpContent) c).trailingHeaders().set(trailers);
        for (HttpContent old : held) old.release();
        held.clear();
        held.add(c);
        heldBytes = c.content().readableBytes();
        if (last) {
            if (!HttpUtil.isTransferEncodingChunked(head) && (heldBytes > 0 || HttpUtil.isContentLengthSet(head))) {
                HttpUtil.setContentLength(head, heldBytes);
            }
        } else if (prefix != null || requestTail.changesLength()) {
            chunkRequest();
        }
    }

    /** The request body's length is no longer known: send it chunked. */
    private void chunkRequest() {
        head.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        HttpUtil.setTransferEncodingChunked(head, true);
    }

    /** {@code c} through {@code w} (ownership of {@code c} ends here; the returned content is the caller's). */
    private static HttpContent rewritePiece(HttpContent c, StreamRewriter w) {
        boolean last = c instanceof LastHttpContent;
        byte[] in = new byte[c.content().readableBytes()];
        c.content().getBytes(c.content().readerIndex(), in);
        byte[] out = w.rewrite(in, last);
        HttpContent r;
        if (last) {
            LastHttpContent l = new DefaultLastHttpContent(Unpooled.wrappedBuffer(out));
            l.trailingHeaders().set(((LastHttpContent) c).trailingHeaders());
            r = l;
        } else {
            r = new DefaultHttpContent(Unpooled.wrappedBuffer(out));
        }
        c.release();
        return r;
    }

    // ---- connecting ------------------------------------------------------------------------

    private void beginConnect() {
        state = State.CONNECTING;
        CompletableFuture<Admission.Destination> f = px.admission().checkDestination(target);
        if (f.isDone()) { // no lookup, or a cached answer (every plain-HTTP request after the first): no hop
            admitted(f.join());
            return;
        }
        clientGate.pause(ReadGate.WAITING_UPSTREAM);
        Channel ch = client;
        f.whenComplete((d, e) -> ch.eventLoop().execute(() -> admitted(d)));
    }

    private void admitted(Admission.Destination d) {
        if (state != State.CONNECTING) return;
        if (d.refused() != null) {
            refuse(d.refused().status(), d.refused().message(), d.refused().decision());
            return;
        }
        target = d.target();
        acquire(true);
    }

    private void acquire(boolean pooledOk) {
        Future<UpstreamConnection> f = px.pool(client.eventLoop()).acquire(upstreamKey(px, target, webSocket), pooledOk);
        // A pooled connection completes at once: no need to stop reading (each toggle is a syscall).
        if (!f.isDone()) clientGate.pause(ReadGate.WAITING_UPSTREAM);
        f.addListener(this::connected);
    }

    /** The pool key for requests to {@code t} (a WebSocket upgrade needs an HTTP/1.1-only connection). */
    public static UpstreamKey upstreamKey(ProxyContext px, Target t, boolean webSocket) {
        InetSocketAddress via = px.config().upstreamProxy().proxyFor(t.host(), t.tls());
        return new UpstreamKey(t.host(), t.address(), t.port(), t.tls(), AlpnPolicy.upstreamKeyAlpn(t.tls(), webSocket), via);
    }

    private void connected(Future<? super UpstreamConnection> f) {
        if (state != State.CONNECTING) {
            if (f.isSuccess()) ((UpstreamConnection) f.getNow()).channel().close();
            return;
        }
        if (!f.isSuccess()) {
            fail(UpstreamFailures.describe(f.cause(), target));
            return;
        }
        up = (UpstreamConnection) f.getNow();
        up.attach(this);
        recordTls();
        state = State.FORWARDING;
        if (teTrailers && up.h2()) head.headers().set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS); // gRPC needs it
        up.channel().write(head);
        for (HttpContent c : held) writeUpstream(c);
        held.clear();
        heldBytes = 0;
        up.channel().flush();
        flushUpstream = false;
        if (!client.isWritable()) ReadGate.of(up.channel()).pause(ReadGate.PEER_UNWRITABLE);
        else ReadGate.of(up.channel()).resume(ReadGate.PEER_UNWRITABLE);
        if (!up.channel().isWritable()) clientGate.pause(ReadGate.PEER_UNWRITABLE);
        clientGate.resume(ReadGate.WAITING_UPSTREAM);
    }

    private void recordTls() {
        if (!target.tls()) return;
        TlsInfo c = session.clientTls();
        rec.tls(new TlsInfo(c == null ? null : c.sni(), c == null ? null : c.clientVersion(),
                c == null ? null : c.clientCipher(), c == null ? null : c.clientAlpn(),
                up.tlsVersion(), up.tlsCipher(), up.alpn(), up.certSubject(), up.certIssuer(), up.certSha256()));
    }

    private void writeUpstream(HttpContent c) {
        if (up == null) { // cannot happen: the upstream is detached only when the state leaves FORWARDING
            c.release();
            return;
        }
        if (c.content().isReadable()) bodySent = true;
        boolean last = c instanceof LastHttpContent;
        up.channel().write(c);
        flushUpstream = true;
        if (last) {
            up.channel().flush();
            flushUpstream = false;
        }
        if (!up.channel().isWritable()) { // pause, then flush: see onUpstreamMessage
            clientGate.pause(ReadGate.PEER_UNWRITABLE);
            flushUpstream = false;
            up.channel().flush();
        }
    }

    // ---- upstream events -------------------------------------------------------------------

    @Override
    public void onUpstreamMessage(HttpObject msg) {
        if (state != State.FORWARDING) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse r) {
            if (r.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                upstreamBroken("invalid response from upstream " + target.authority() + ": " + r.decoderResult().cause());
                return;
            }
            if (r.status().codeClass() == HttpStatusClass.INFORMATIONAL && r.status().code() != 101) {
                response = Response.INTERIM;
                HopByHop.strip(r.headers());
                r.setProtocolVersion(HttpVersion.HTTP_1_1);
                client.write(r);
                flushClient = true;
                return;
            } else if (webSocket && r.status().code() == 101) {
                switchToWebSocket(r);
                return;
            } else {
                startResponse(r);
            }
        }
        if (msg instanceof HttpContent c) {
            if (response == Response.INTERIM) {
                if (c instanceof LastHttpContent) response = Response.NONE;
                client.write(c);
                flushClient = true;
                return;
            }
            if (responseRewriter != null) c = rewritePiece(c, responseRewriter);
            rec.responseBody().add(c.content());
            boolean last = c instanceof LastHttpContent;
            if (last) rec.responseEnd(((LastHttpContent) c).trailingHeaders());
            client.write(c);
            flushClient = true;
            if (last) {
                client.flush();
                flushClient = false;
                response = Response.COMPLETE;
                finishResponse();
                return;
            }
            if (!client.isWritable()) {
                // pause first, then flush: unflushed bytes keep the client unwritable (the
                // read-complete flush may not come once paused), and a flush can make it writable
                // again synchronously, whose event must find the gate already closed
                ReadGate.of(up.channel()).pause(ReadGate.PEER_UNWRITABLE);
                flushClient = false;
                client.flush();
            }
        }
    }

    private void startResponse(HttpResponse r) {
        response = Response.STARTED;
        upstreamKeepAlive = HttpUtil.isKeepAlive(r);
        boolean bodyless = head.method().equals(HttpMethod.HEAD) || r.status().code() == 204
                || r.status().code() == 304;
        boolean framed = HttpUtil.isContentLengthSet(r) || HttpUtil.isTransferEncodingChunked(r);
        if (responseRewrites != null) rewriteResponseHead(r, bodyless);
        // recorded as the client gets it: a stage's rewrite (the broker's placeholders) included
        rec.response(r.status().code(), r.status().reasonPhrase(), r.protocolVersion().text(), r.headers());
        r.setProtocolVersion(HttpVersion.HTTP_1_1); // our own version towards the client (h2 streams ignore it)
        HopByHop.strip(r.headers());
        boolean http10Client = recordedHead.httpVersion().equals("HTTP/1.0");
        if (!bodyless && !framed) {
            upstreamKeepAlive = false; // the upstream ends this body by closing
            if (http10Client) closeClientAfter = true;
            else HttpUtil.setTransferEncodingChunked(r, true);
        } else if (!bodyless && responseRewriter != null && responseRewriter.changesLength() && HttpUtil.isContentLengthSet(r)) {
            r.headers().remove(HttpHeaderNames.CONTENT_LENGTH); // re-framed: the rewritten length is not known yet
            if (http10Client) closeClientAfter = true;
            else HttpUtil.setTransferEncodingChunked(r, true);
        }
        if (http10Client && HttpUtil.isTransferEncodingChunked(r)) {
            r.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
            closeClientAfter = true;
        }
        if (!clientKeepAlive || closeClientAfter) r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        else if (http10Client) r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        client.write(r);
        flushClient = true;
    }

    /** Applies the stages' response rewrites to the head and makes the body rewriter (none for a bodyless response). */
    private void rewriteResponseHead(HttpResponse r, boolean bodyless) {
        List<Header> received = FlowRecorder.headers(r.headers());
        List<Header> hs = received;
        List<StreamRewriter> bodies = new ArrayList<>(1);
        for (ResponseRewrite w : responseRewrites) {
            if (w.headers() != null) hs = w.headers().apply(hs);
            if (w.body() != null && !bodyless) {
                StreamRewriter b = w.body().apply(received);
                if (b != null) bodies.add(b);
            }
        }
        if (hs != received) {
            r.headers().clear();
            for (Header h : hs) r.headers().add(h.name(), h.value());
        }
        responseRewriter = StageChain.chain(bodies);
    }

    /** 101 to a WebSocket upgrade: answer the client, then both connections become a frame relay. */
    private void switchToWebSocket(HttpResponse r) {
        rec.response(101, r.status().reasonPhrase(), r.protocolVersion().text(), r.headers());
        rec.responseEnd(null);
        rec.kind(dev.traffic.model.FlowKind.WEBSOCKET);
        UpstreamConnection c = up;
        up = null;
        c.attach(null);
        state = State.DONE;
        response = Response.COMPLETE;
        WsUpgrade.relay(px, client, c.channel(), r, rec);
    }

    private void finishResponse() {
        UpstreamConnection c = up;
        up = null;
        c.attach(null);
        ReadGate.of(c.channel()).resume(ReadGate.PEER_UNWRITABLE);
        clientGate.resume(ReadGate.PEER_UNWRITABLE);
        if (upstreamKeepAlive && requestComplete) px.pool(client.eventLoop()).release(c);
        else c.channel().close();
        if (requestComplete) {
            done();
        } else {
            // The upstream answered before the request body ended: drop the rest, then close.
            state = State.REFUSED;
            clientKeepAlive = false;
            clientGate.resume(ReadGate.WAITING_UPSTREAM);
        }
    }

    @Override
    public void onUpstreamReadComplete() {
        if (flushClient) {
            flushClient = false;
            client.flush();
        }
    }

    @Override
    public void onUpstreamWritabilityChanged(boolean writable) {
        if (writable) clientGate.resume(ReadGate.PEER_UNWRITABLE);
        else clientGate.pause(ReadGate.PEER_UNWRITABLE);
    }

    @Override
    public void onUpstreamClosed(Throwable cause) {
        if (state != State.FORWARDING) return;
        UpstreamConnection c = up;
        up = null;
        // no gate is resumed before the state changes: a resume delivers buffered content at once
        if (!responseStarted() && c != null && c.reused() && !retried && !bodySent && IDEMPOTENT.contains(head.method())) {
            // A pooled connection the server had already closed: try once on a fresh one.
            retried = true;
            state = State.CONNECTING;
            clientGate.pause(ReadGate.WAITING_UPSTREAM);
            if (requestComplete) held.add(LastHttpContent.EMPTY_LAST_CONTENT);
            clientGate.resume(ReadGate.PEER_UNWRITABLE);
            acquire(false);
            return;
        }
        String why = cause == null ? "upstream " + target.authority() + " closed the connection"
                : "upstream " + target.authority() + " failed: " + cause;
        if (!responseStarted()) fail(new UpstreamFailures.Failure(502, why + " before responding"));
        else upstreamBroken(why + " mid-response");
    }

    @Override
    public void onUpstreamIdle() {
        if (state != State.FORWARDING) return;
        String why = "upstream timeout: no data from " + target.authority() + " for "
                + px.config().upstreamIdleTimeout().toSeconds() + "s";
        if (!responseStarted()) fail(new UpstreamFailures.Failure(504, why));
        else upstreamBroken(why);
    }

    // ---- endings ---------------------------------------------------------------------------

    private void fail(UpstreamFailures.Failure f) {
        refuse(f.status(), f.message(), null);
    }

    /** Answers the client ourselves (before any upstream response started) and records why. */
    private void refuse(int status, String message, PolicyDecision decision) {
        boolean close = !requestComplete || !clientKeepAlive;
        refuse(ErrorResponses.of(status, message, close), message, decision);
    }

    /** Answers the client with {@code resp} (before any upstream response started) and records why. */
    private void refuse(io.netty.handler.codec.http.FullHttpResponse resp, String message, PolicyDecision decision) {
        int status = resp.status().code();
        dropUpstreamAndHeld();
        boolean close = !requestComplete || !clientKeepAlive;
        Refusals.record(px, rec, status, message, decision, resp.headers(), resp.content());
        if (close) clientKeepAlive = false;
        state = State.REFUSED;
        response = Response.COMPLETE;
        client.writeAndFlush(resp);
        if (requestComplete) {
            done();
            return;
        }
        // drain the rest of the request body (released as it comes); done() when it ends
        clientGate.resume(ReadGate.WAITING_UPSTREAM | ReadGate.INSPECTING | ReadGate.PEER_UNWRITABLE);
    }

    /** The upstream failed after the response head went out: the client connection cannot be saved. */
    private void upstreamBroken(String message) {
        rec.error(message);
        abort();
        client.close();
    }

    private void abort() {
        if (state == State.DONE) return;
        dropUpstreamAndHeld();
        state = State.DONE;
        rec.finish();
    }

    /** Closes the upstream connection (it cannot be reused mid-exchange) and releases held request contents. */
    private void dropUpstreamAndHeld() {
        if (up != null) {
            up.attach(null);
            up.channel().close();
            up = null;
        }
        for (HttpContent c : held) c.release();
        held.clear();
    }

    private void done() {
        if (state == State.DONE) return;
        state = State.DONE;
        // the owner's resume decides when reading restarts (after it has forgotten this exchange)
        clientGate.clear(ReadGate.WAITING_UPSTREAM | ReadGate.INSPECTING | ReadGate.PEER_UNWRITABLE);
        rec.finish();
        owner.exchangeDone(this, clientKeepAlive && !closeClientAfter);
    }
}
