package dev.traffic.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where a secret comes from: {@code {file: PATH}} (read by the proxy only; a trailing newline is
 * dropped) or {@code {env: NAME}}. {@link #read} never puts the value into an error message.
 */
public record SecretRef(Path file, String env) {
    public SecretRef {
        if ((file == null) == (env == null)) throw new IllegalArgumentException("exactly one of file or env");
    }

    /** Reads the value; throws {@link IOException} naming where it looked (never what it found). */
    public String read(Function<String, String> environment) throws IOException {
        String v;
        if (file != null) {
            try {
                v = Files.readString(file, StandardCharsets.UTF_8);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IOException("no such file " + file);
            } catch (IOException e) {
                throw new IOException("cannot read " + file + ": " + e.getClass().getSimpleName());
            }
        } else {
            v = environment.apply(env);
            if (v == null) throw new IOException("environment variable " + env + " is not set");
        }
        v = v.strip();
        if (v.isEmpty()) throw new IOException((file != null ? file.toString() : "environment variable " + env) + " is empty");
        return v;
    }

    @Override
    public String toString() {
        return file != null ? "file " + file : "env " + env;
    }

    static SecretRef file(Path p) {
        return new SecretRef(Objects.requireNonNull(p), null);
    }
}
