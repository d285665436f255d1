package dev.traffic.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --dir} for the {@code traffic ca} commands: the CA directory, default {@code <data-dir>/ca}. */
public final class CaDirOption {
    @Mixin DataDirOption data;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "CA directory, or a key+certificate PEM such as mitmproxy-ca.pem (default: <data-dir>/ca)")
    Path dir;

    public Path caDir() {
        return dir != null ? dir.toAbsolutePath() : data.caDir();
    }
}
