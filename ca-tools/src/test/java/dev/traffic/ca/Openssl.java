package dev.traffic.ca;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code openssl} binary for tests (installed by .ci/run). */
final class Openssl {
    record Result(int exit, String output) {}

    private Openssl() {}

    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("openssl " + String.join(" ", args) + " did not finish");
        }
        return new Result(p.exitValue(), out);
    }

    static String ok(Path workDir, String... args) throws IOException, InterruptedException {
        Result r = run(workDir, args);
        if (r.exit() != 0) throw new AssertionError("openssl " + String.join(" ", args) + " failed: " + r.output());
        return r.output();
    }
}
