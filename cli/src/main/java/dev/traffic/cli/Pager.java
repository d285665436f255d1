package dev.traffic.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Long output on a terminal goes through a pager, as git does: {@code $PAGER} (run by {@code sh -c}),
 * else {@code less -R} (colours pass, {@code LESS=FRX} unless set: quit when it fits one screen, keep
 * the text on screen). Off when stdout is not a terminal, when {@code --no-pager} is given, and when
 * {@code PAGER} is empty or {@code cat}.
 */
final class Pager implements AutoCloseable {
    private final Process process;
    private final PrintWriter writer;

    private Pager(Process process, PrintWriter writer) {
        this.process = process;
        this.writer = writer;
    }

    /** The writer to print to: the pager's input, or {@code direct} when no pager applies. */
    PrintWriter writer() {
        return writer;
    }

    /** The command line that would page, or null for none. */
    static List<String> command(boolean terminal, Map<String, String> env) {
        if (!terminal) return null;
        String pager = env.get("PAGER");
        if (pager != null) {
            String p = pager.strip();
            if (p.isEmpty() || p.equals("cat")) return null;
            return List.of("/bin/sh", "-c", p);
        }
        return List.of("less", "-R");
    }

    /** Starts the pager, or returns one that writes to {@code direct}. A pager that cannot start is skipped. */
    static Pager open(boolean terminal, Map<String, String> env, PrintWriter direct) {
        List<String> cmd = command(terminal, env);
        if (cmd == null) return new Pager(null, direct);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putIfAbsent("LESS", "FRX");
        try {
            Process p = pb.start();
            return new Pager(p, new PrintWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            return new Pager(null, direct);
        }
    }

    /** Closes the pager's input and waits until the reader quits it. */
    @Override
    public void close() throws InterruptedException {
        writer.flush();
        if (process == null) return;
        writer.close();
        process.waitFor();
    }
}
