package dev.traffic.cli;

import static dev.traffic.cli.CaCommandsTest.traffic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.Body;
import dev.traffic.model.Flow;
import dev.traffic.model.FlowRequest;
import dev.traffic.model.FlowResponse;
import dev.traffic.model.Header;
import dev.traffic.model.WsMessage;
import dev.traffic.store.FlowStore;
import dev.traffic.store.StoreOptions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 items 12 and 13: agent-controlled bytes never reach the operator's terminal as control
 * sequences (clear screen, cursor up over a BLOCKED line, title, OSC 52 clipboard, 8-bit CSI), in
 * any human or JSON output; and {@code show} never decodes a compression bomb in full.
 */
class TerminalInjectionTest {
    static final String CLEAR = "\u001b[2J\u001b[H";
    static final String UP = "\u001b[1A\u001b[2K";
    static final String TITLE = "\u001b]0;pwned\u0007";
    static final String CLIPBOARD = "\u001b]52;c;Y3VybCBldmlsfHNo\u0007";
    static final String CSI8 = "\u009b2J";
    static final String ALL = CLEAR + UP + TITLE + CLIPBOARD + CSI8 + "\r\u007f";

    @TempDir Path tmp;

    String home() {
        return tmp.resolve("home").toString();
    }

    @BeforeEach
    void record() throws Exception {
        FlowRequest rq = new FlowRequest("GET", "https", "evil.test", 443, "/x" + ALL, null, "HTTP/1.1",
                List.of(new Header("X-Name" + ALL, "v" + ALL)), Body.EMPTY, List.of(), Instant.now());
        byte[] text = ("line one\r\nline two" + ALL + " and plenty of ordinary text after it".repeat(20)).getBytes(StandardCharsets.UTF_8);
        FlowResponse rs = new FlowResponse(200, "OK" + ALL, "HTTP/1.1", List.of(new Header("Content-Type", "text/plain")),
                new Body(text.length, "00", text, false), List.of(), Instant.now(), Instant.now());
        Flow f = Flow.builder().session("s" + ALL).client("127.0.0.1:1" + ALL).start(Instant.now()).end(Instant.now())
                .request(rq).response(rs).error("handshake failed: " + ALL)
                .messages(List.of(new WsMessage(WsMessage.Direction.CLIENT_TO_SERVER, Instant.now(), true,
                        ("hi" + ALL).getBytes(StandardCharsets.UTF_8), 2 + ALL.length(), false)))
                .build();
        try (FlowStore s = FlowStore.open(tmp.resolve("home/store"), StoreOptions.defaults())) {
            s.ended(f);
            s.ended(bomb());
        }
    }

    /** 64 MiB of zeros, gzip-compressed to about 64 KB. */
    private static Flow bomb() throws Exception {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(z)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) g.write(zeros);
        }
        byte[] gz = z.toByteArray();
        FlowRequest rq = new FlowRequest("GET", "https", "bomb.test", 443, "/", null, "HTTP/1.1", List.of(), Body.EMPTY,
                List.of(), Instant.now());
        FlowResponse rs = new FlowResponse(200, "OK", "HTTP/1.1", List.of(new Header("Content-Encoding", "gzip"),
                new Header("Content-Type", "text/plain")), new Body(gz.length, "00", gz, false), List.of(), Instant.now(), Instant.now());
        return Flow.builder().start(Instant.now()).end(Instant.now()).request(rq).response(rs).build();
    }

    private static void assertInert(String out) {
        assertThat(out).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u009b").doesNotContain("\u007f");
        assertThat(out.replace("\r\n", "\n")).doesNotContain("\r");
    }

    @Test
    void tailSearchAndShowPrintNoControlSequences() {
        for (String[] args : new String[][] {
                {"tail", "--data-dir", home(), "-n", "5"},
                {"tail", "--data-dir", home(), "-n", "5", "-o", "json"},
                {"search", "--data-dir", home(), "host:evil.test"},
                {"search", "--data-dir", home(), "-o", "json", "host:evil.test"},
                {"search", "--data-dir", home(), "--facet", "host"},
                {"show", "--data-dir", home(), "1"},
                {"stats", "--data-dir", home()}}) {
            CaCommandsTest.Run r = traffic(args);
            assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
            assertInert(r.out());
            assertInert(r.err());
        }
        CaCommandsTest.Run show = traffic("show", "--data-dir", home(), "1");
        assertThat(show.out()).contains("\\x1b[2J").contains("\\x1b]52;c;").contains("\\x9b2J")
                .contains("line one\nline two");
    }

    @Test
    void theProxyConsoleLineIsEscapedToo() {
        Flow f = Flow.builder().client("1.2.3.4:5").start(Instant.now()).error("bad " + ALL).build();
        assertInert(LogFlowSink.describe(f));
    }

    @Test
    void showCapsTheDecodedBodyAndSaysSo() {
        CaCommandsTest.Run r = traffic("show", "--data-dir", home(), "2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("display stopped after 4 MiB");
        assertThat(r.out().length()).isLessThan(FlowFormat.DISPLAY_LIMIT / 2); // zeros are shown as a hex summary
    }
}
