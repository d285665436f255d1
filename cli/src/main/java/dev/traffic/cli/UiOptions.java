package dev.traffic.cli;

import dev.traffic.ui.UiAccess;
import dev.traffic.ui.UiServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code traffic proxy --ui HOST:PORT}: the web UI served live beside the proxy, on its own threads,
 * reading the store's files like {@code traffic ui} (it never touches the proxy's event loops).
 */
public final class UiOptions {
    @Option(names = "--ui", paramLabel = "HOST:PORT",
            description = "Also serve the read-only web UI here (e.g. 127.0.0.1:8082); off by default.")
    String ui;

    @Option(names = "--ui-token-file", paramLabel = "FILE",
            description = "Access token for --ui off loopback (first line of FILE); without it one is generated and printed once.")
    Path tokenFile;

    /** Starts the UI when --ui was given (null otherwise) and prints where it is. */
    public UiServer start(Path storeDir, PrintWriter out) throws IOException {
        if (ui == null) return null;
        UiServer s = start(storeDir, Values.hostPort("--ui", ui), tokenFile, "--ui");
        out.println("traffic ui on " + s.url());
        out.flush();
        return s;
    }

    static UiServer start(Path storeDir, InetSocketAddress listen, Path tokenFile, String option) throws IOException {
        if (tokenFile != null && !Files.isReadable(tokenFile)) throw new UsageException("--ui-token-file: cannot read " + tokenFile);
        UiAccess access;
        try {
            access = UiAccess.forListen(listen, tokenFile);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        try {
            return UiServer.start(storeDir, listen, access);
        } catch (java.net.BindException e) {
            throw new IOException(option + " " + listen.getHostString() + ":" + listen.getPort() + ": " + e.getMessage(), e);
        }
    }
}
