package dev.traffic.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Runs external commands for the namespace tests: one-shot with a deadline, or background until a ready line. */
final class Proc {
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private Proc() {}

    static Result run(Duration timeout, List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("timed out after " + timeout + ": " + String.join(" ", cmd));
        }
        return new Result(p.exitValue(), out.join(), err.join());
    }

    static Result run(Duration timeout, String... cmd) throws IOException, InterruptedException {
        return run(timeout, List.of(cmd));
    }

    static Result ok(String... cmd) throws IOException, InterruptedException {
        Result r = run(Duration.ofSeconds(30), cmd);
        if (r.exit() != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed: " + r);
        return r;
    }

    private static String drain(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    /** A background process; {@link #awaitLine} waits (with a deadline) for a line on its stdout or stderr. */
    static final class Background implements AutoCloseable {
        final Process process;
        private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());

        Background(List<String> cmd) throws IOException {
            process = new ProcessBuilder(cmd).start();
            process.getOutputStream().close();
            pump(process.getInputStream());
            pump(process.getErrorStream());
        }

        private void pump(java.io.InputStream in) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        log.add(line);
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "proc-pump");
            t.setDaemon(true);
            t.start();
        }

        /** Waits for a line containing {@code marker}; fails with the output so far if the process exits or time runs out. */
        String awaitLine(String marker, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.contains(marker)) return line;
                if (line == null && !process.isAlive() && lines.isEmpty()) {
                    throw new ProcessEnded(process.exitValue(), output());
                }
            }
            throw new AssertionError("no line containing '" + marker + "' within " + timeout + "; output:\n" + output());
        }

        String output() {
            synchronized (log) {
                return String.join("\n", log);
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        }
    }

    /** The background process exited before printing its ready line. */
    static final class ProcessEnded extends AssertionError {
        final int exit;
        final String output;

        ProcessEnded(int exit, String output) {
            super("process exited with " + exit + " before it was ready; output:\n" + output);
            this.exit = exit;
            this.output = output;
        }
    }
}
