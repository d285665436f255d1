package dev.traffic.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an external client (curl, git, openssl) with a deadline and captures its output. */
public final class Cmd {
    public record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit=" + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private Cmd() {}

    public static Result run(List<String> argv, Map<String, String> env, Path dir, long timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (dir != null) pb.directory(dir.toFile());
        // the host may point clients at its own CA bundle or proxy; tests choose their own
        pb.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy") || k.startsWith("GIT_SSL_"));
        if (env != null) pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread t1 = pump(p.getInputStream(), out);
        Thread t2 = pump(p.getErrorStream(), err);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(argv.get(0) + " did not finish within " + timeoutSeconds + "s: " + argv);
        }
        t1.join();
        t2.join();
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(to);
            } catch (IOException ignored) {
                // process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
