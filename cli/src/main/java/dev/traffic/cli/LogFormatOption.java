package dev.traffic.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * {@code --log-format text|json}: human-readable lines (logback.xml's pattern) by default, or one JSON
 * object per line (logback's own {@link JsonEncoder}) for log collectors. Call {@link #apply()} first
 * thing in the command, before anything logs.
 */
public final class LogFormatOption {
    public enum Format { text, json }

    @Option(names = "--log-format", defaultValue = "text", paramLabel = "FORMAT",
            description = "Log format on stderr: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format = Format.text;

    public Format format() {
        return format;
    }

    /** Swaps the stderr appender's encoder for the JSON one; nothing to do for text. */
    public void apply() {
        if (format != Format.json) return;
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return;
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        if (!(root.getAppender("STDERR") instanceof ConsoleAppender<ILoggingEvent> appender)) {
            throw new IllegalStateException("logback.xml has no STDERR console appender to switch to JSON");
        }
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(ctx);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        // the rendered message only: raw arguments could repeat what the message deliberately leaves out
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        appender.stop();
        appender.setEncoder(encoder);
        appender.start();
    }
}
