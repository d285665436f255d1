package dev.traffic.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code traffic proxy}: placeholder until proxy-core lands (prints the plan, exits 1). */
@Command(name = "proxy", mixinStandardHelpOptions = true, description = "Run the intercepting proxy.")
public final class ProxyCommand implements Callable<Integer> {
    @Mixin DataDirOption data;
    @Mixin AdminOption admin;
    @Mixin LogFormatOption logFormat;

    @Option(names = "--listen", defaultValue = "127.0.0.1:8080", paramLabel = "HOST:PORT",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String listen;

    @Override
    public Integer call() {
        System.err.println("traffic: the proxy is not built yet; it will listen on " + listen
                + " with its CA in " + data.caDir() + " and record to " + data.storeDir());
        return 1;
    }
}
