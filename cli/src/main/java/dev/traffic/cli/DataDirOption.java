package dev.traffic.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The one place that knows the data-dir layout: {@code --data-dir}, else {@code $TRAFFIC_HOME},
 * else {@code ~/.traffic}; it holds {@code ca/} and {@code store/}. Every command mixes this in.
 */
public final class DataDirOption {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory (holds ca/ and store/). Default: $TRAFFIC_HOME, else ~/.traffic")
    Path dataDir;

    public Path dataDir() {
        if (dataDir != null) return dataDir.toAbsolutePath();
        String env = System.getenv("TRAFFIC_HOME");
        if (env != null && !env.isBlank()) return Path.of(env).toAbsolutePath();
        return Path.of(System.getProperty("user.home"), ".traffic");
    }

    public Path caDir() {
        return dataDir().resolve("ca");
    }

    public Path storeDir() {
        return dataDir().resolve("store");
    }
}
