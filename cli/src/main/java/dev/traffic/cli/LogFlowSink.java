package dev.traffic.cli;

import dev.traffic.store.FlowSink;
import dev.traffic.model.Flow;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's sink until the flow store is wired in: one log line per flow (refused or failed
 * flows at INFO, the rest at DEBUG so a busy proxy does not spend its time logging). Never blocks.
 */
final class LogFlowSink implements FlowSink {
    private static final Logger log = LoggerFactory.getLogger("traffic.flows");
    private final AtomicLong ended = new AtomicLong();

    @Override
    public void started(Flow head) {
        // nothing: the line is written when the flow ends
    }

    @Override
    public void ended(Flow f) {
        ended.incrementAndGet();
        boolean notable = f.error() != null || f.policy().action() != dev.traffic.model.PolicyDecision.Action.ALLOW;
        if (!notable && !log.isDebugEnabled()) return;
        String line = describe(f);
        if (notable) log.info(line);
        else log.debug(line);
    }

    long flows() {
        return ended.get();
    }

    static String describe(Flow f) {
        StringBuilder sb = new StringBuilder();
        sb.append(f.kind()).append(' ').append(f.client()).append(' ');
        if (f.request() != null) {
            var r = f.request();
            sb.append(r.method()).append(' ');
            if (r.host() != null) sb.append(r.path() == null ? r.host() + ":" + r.port() : r.url());
        }
        if (f.response() != null) sb.append(" -> ").append(f.response().status())
                .append(' ').append(f.response().body().size()).append('B');
        if (f.tunnel() != null) sb.append(" up=").append(f.tunnel().bytesUp()).append("B down=").append(f.tunnel().bytesDown()).append('B');
        if (f.end() != null) sb.append(' ').append(Duration.between(f.start(), f.end()).toMillis()).append("ms");
        if (f.policy().action() != dev.traffic.model.PolicyDecision.Action.ALLOW) {
            sb.append(" policy=").append(f.policy().action()).append(':').append(f.policy().rule());
        }
        if (f.error() != null) sb.append(" error=\"").append(f.error()).append('"');
        // the console is a terminal too: agent-controlled text is escaped there as in tail
        return TerminalText.field(sb.toString());
    }
}
