package dev.traffic.cli;

import dev.traffic.ship.Auth;
import dev.traffic.ship.opensearch.OpenSearchHttp;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How {@code ship} and {@code search --opensearch} reach the cluster: index prefix, credentials, CA. */
public final class ClusterOptions {
    @Option(names = "--index-prefix", defaultValue = "traffic", paramLabel = "NAME",
            description = "Indices are NAME-flows-<day> (default: ${DEFAULT-VALUE}).")
    String indexPrefix;

    @Option(names = "--auth", defaultValue = "none", paramLabel = "basic:FILE|bearer:FILE|none",
            description = "Credentials for the cluster, read from FILE (user:password, or the token); default: ${DEFAULT-VALUE}.")
    String auth;

    @Option(names = "--ca", paramLabel = "FILE", description = "PEM CA certificate(s) to trust for an https cluster URL (besides the JDK's).")
    Path ca;

    Auth auth() {
        try {
            return Auth.parse(auth);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--auth: " + e.getMessage());
        }
    }

    static URI url(String option, String v) {
        try {
            URI u = new URI(v);
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
                throw new UsageException(option + ": expected http(s)://host[:port], got '" + v + "'");
            }
            if (u.getUserInfo() != null) throw new UsageException(option + ": put credentials in a file (--auth basic:FILE), not in the URL");
            return u;
        } catch (java.net.URISyntaxException e) {
            throw new UsageException(option + ": not a URL: '" + v + "'");
        }
    }

    OpenSearchHttp client(URI url) throws IOException {
        Auth a = auth();
        a.check();
        return new OpenSearchHttp(url, a, ca, Duration.ofSeconds(60));
    }
}
