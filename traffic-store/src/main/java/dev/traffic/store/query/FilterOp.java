package dev.traffic.store.query;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The operators of mitmproxy's filter expressions that a recorded flow can answer, with
 * mitmproxy's codes and help texts. {@link Arg} says what follows the code.
 */
public enum FilterOp {
    ASSET("a", Arg.NONE, "asset in the response: CSS, JavaScript, images, fonts"),
    ALL("all", Arg.NONE, "all flows"),
    BODY("b", Arg.REGEX, "body of request or response (and WebSocket messages)"),
    REQUEST_BODY("bq", Arg.REGEX, "request body (and client WebSocket messages)"),
    RESPONSE_BODY("bs", Arg.REGEX, "response body (and server WebSocket messages)"),
    CODE("c", Arg.INT, "HTTP response code"),
    DOMAIN("d", Arg.REGEX, "request domain (host or Host header)"),
    DESTINATION("dst", Arg.REGEX, "destination address host:port"),
    ERROR("e", Arg.NONE, "flow has an error"),
    HEADER("h", Arg.REGEX, "header line 'name: value' in request or response"),
    REQUEST_HEADER("hq", Arg.REGEX, "request header line"),
    RESPONSE_HEADER("hs", Arg.REGEX, "response header line"),
    HTTP("http", Arg.NONE, "HTTP flows (WebSocket included)"),
    METHOD("m", Arg.REGEX, "request method"),
    NO_RESPONSE("q", Arg.NONE, "HTTP request with no response"),
    RESPONSE("s", Arg.NONE, "HTTP flow with a response"),
    SOURCE("src", Arg.REGEX, "source (client) address ip:port"),
    CONTENT_TYPE("t", Arg.REGEX, "Content-Type header of request or response"),
    REQUEST_CONTENT_TYPE("tq", Arg.REGEX, "request Content-Type header"),
    RESPONSE_CONTENT_TYPE("ts", Arg.REGEX, "response Content-Type header"),
    TCP("tcp", Arg.NONE, "TCP flows (tunnels relayed without decryption)"),
    URL("u", Arg.REGEX, "request URL (a bare regex means this)"),
    WEBSOCKET("websocket", Arg.NONE, "WebSocket flows");

    /** What follows an operator's code. */
    public enum Arg { NONE, REGEX, INT }

    /** mitmproxy operators that mean nothing for a recorded store (marks, replays, comments, UDP, DNS). */
    static final String UNSUPPORTED = "marked marker replay replayq replays meta comment udp dns";

    private final String code;
    private final Arg arg;
    private final String help;

    FilterOp(String code, Arg arg, String help) {
        this.code = code;
        this.arg = arg;
        this.help = help;
    }

    public String code() {
        return code;
    }

    public Arg arg() {
        return arg;
    }

    public String help() {
        return help;
    }

    public static Optional<FilterOp> byCode(String code) {
        for (FilterOp op : values()) if (op.code.equals(code)) return Optional.of(op);
        return Optional.empty();
    }

    /** "~a ~all ~b ..." for error messages. */
    public static String codes() {
        return Arrays.stream(values()).map(o -> "~" + o.code).sorted().collect(Collectors.joining(" "));
    }

    @Override
    public String toString() {
        return "~" + code.toLowerCase(Locale.ROOT);
    }
}
