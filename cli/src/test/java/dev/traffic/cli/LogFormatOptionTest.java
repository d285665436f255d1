package dev.traffic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** {@code --log-format json}: every log event is one JSON object on its own line on stderr. */
class LogFormatOptionTest {
    private final PrintStream realErr = System.err;

    @AfterEach
    void restore() throws Exception {
        System.setErr(realErr);
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        new ContextInitializer(ctx).autoConfig(); // back to logback.xml's text format for other tests
    }

    private String logWith(String format) {
        LogFormatOption opt = new LogFormatOption();
        new CommandLine(opt).parseArgs("--log-format", format);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        opt.apply();
        LoggerFactory.getLogger("traffic.test").info("flow {} \"quoted\"\nsecond line", 42);
        LoggerFactory.getLogger("traffic.test").warn("another");
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonIsOneObjectPerLine() throws Exception {
        String out = logWith("json");
        String[] lines = out.strip().split("\n");
        assertThat(lines).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(lines[0]);
        assertThat(first.get("level").asText()).isEqualTo("INFO");
        assertThat(first.get("loggerName").asText()).isEqualTo("traffic.test");
        assertThat(first.get("formattedMessage").asText()).isEqualTo("flow 42 \"quoted\"\nsecond line");
        assertThat(new ObjectMapper().readTree(lines[1]).get("level").asText()).isEqualTo("WARN");
    }

    @Test
    void textIsTheDefaultHumanFormat() {
        assertThat(new LogFormatOption().format()).isEqualTo(LogFormatOption.Format.text);
        String out = logWith("text");
        assertThat(out).contains("INFO  traffic.test - flow 42").doesNotStartWith("{");
    }

    @Test
    void anUnknownFormatIsAUsageError() {
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setErr(new java.io.PrintWriter(err));
        assertThat(cmd.execute("proxy", "--log-format", "xml")).isEqualTo(2);
        assertThat(err.toString()).contains("--log-format").contains("xml");
    }
}
