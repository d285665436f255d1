package dev.traffic.cli;

import dev.traffic.store.StoreReader;
import dev.traffic.model.Body;
import dev.traffic.model.Flow;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code traffic show ID|SEQ}: one whole flow, headers in order, bodies decoded. */
@Command(name = "show", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print one recorded flow: headers in wire order, bodies decoded (gzip/deflate/zstd) and pretty-printed when JSON.")
public final class ShowCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DataDirOption data;

    @Parameters(index = "0", paramLabel = "ID|SEQ", description = "Flow id, or its sequence number.")
    String which;

    @Option(names = "--body", defaultValue = "both", paramLabel = "request|response|both", description = "Which bodies to print (default: ${DEFAULT-VALUE}).")
    String body;

    @Option(names = {"-o", "--output"}, defaultValue = "short", paramLabel = "short|json",
            description = "short: headers and decoded bodies for people; json: the recorded flow as one JSON object (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--no-pager", description = "Do not page the output (a terminal pages through $PAGER, else less -R).")
    boolean noPager;

    @Option(names = "--raw", description = "Write the recorded body bytes exactly as recorded (no decoding, no hex); with --body request|response only that body.")
    boolean raw;

    @Override
    public Integer call() throws Exception {
        String part = body.toLowerCase(Locale.ROOT);
        String fmt = output.toLowerCase(Locale.ROOT);
        if (!fmt.equals("short") && !fmt.equals("json")) throw new UsageException("-o: expected short or json, got '" + output + "'");
        if (!part.equals("both") && !part.equals("request") && !part.equals("response")) {
            throw new UsageException("--body: expected request, response or both, got '" + body + "'");
        }
        Optional<Flow> found;
        try (StoreReader r = StoreReader.open(data.storeDir())) {
            found = r.show(which);
            SearchCommand.warn(r, spec.commandLine().getErr());
        }
        if (found.isEmpty()) throw new UsageException("no flow with id or seq '" + which + "' in " + data.storeDir());
        Flow f = found.get();
        PrintWriter out = spec.commandLine().getOut();
        if (raw) {
            out.flush();
            OutputStream os = System.out;
            if (!part.equals("response") && f.request() != null) os.write(bytes(f.request().body()));
            if (!part.equals("request") && f.response() != null) os.write(bytes(f.response().body()));
            os.flush();
            return 0;
        }
        if (fmt.equals("json")) {
            out.println(FlowFormat.jsonLine(f));
            out.flush();
            return 0;
        }
        try (Pager pager = Pager.open(!noPager && Terminal.isStdoutTerminal(), System.getenv(), out)) {
            FlowFormat.show(f, part, pager.writer());
        }
        return 0;
    }

    private static byte[] bytes(Body b) {
        return b.recorded();
    }
}
