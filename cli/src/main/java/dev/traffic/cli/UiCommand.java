package dev.traffic.cli;

import dev.traffic.ui.UiServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code traffic ui}: the read-only web UI over a store (post-session review; works on a copied data dir). */
@Command(name = "ui", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a read-only web UI over the recorded flows: list, filter, flow detail, session view, integrity.",
            "Loopback only unless --listen says otherwise; elsewhere every request needs a token (see --ui-token-file)."})
public final class UiCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DataDirOption data;

    @Option(names = "--listen", defaultValue = "127.0.0.1:8082", paramLabel = "HOST:PORT",
            description = "Address to serve on (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--ui-token-file", paramLabel = "FILE",
            description = "File whose first line is the access token (required in practice off loopback; without it one is generated and printed once).")
    Path tokenFile;

    @Override
    public Integer call() throws Exception {
        UiServer server = UiOptions.start(data.storeDir(), Values.hostPort("--listen", listen), tokenFile, "--listen");
        PrintWriter out = spec.commandLine().getOut();
        out.println("traffic ui serving " + data.storeDir() + " on " + server.url());
        out.println("(read-only; Ctrl-C stops)");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        ShutdownSignals.install(stopped::countDown);
        stopped.await();
        server.close();
        return 0;
    }
}
