package dev.traffic.ship;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * How the shipper authenticates: {@code none}, {@code basic:FILE} (one line {@code user:password})
 * or {@code bearer:FILE} (one line, the token). The secret stays in its file (a mounted Secret) and
 * is read when the header is built, so a rotated Secret is picked up; it never appears in
 * {@link #toString()}, a log line or an error.
 */
public final class Auth {
    public enum Kind { NONE, BASIC, BEARER }

    private final Kind kind;
    private final Path file;

    private Auth(Kind kind, Path file) {
        this.kind = kind;
        this.file = file;
    }

    public static final Auth NONE = new Auth(Kind.NONE, null);

    /** Parses {@code none}, {@code basic:FILE}, {@code bearer:FILE}; IllegalArgumentException names what is wrong. */
    public static Auth parse(String spec) {
        if (spec == null || spec.equals("none")) return NONE;
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        String file = colon < 0 ? "" : spec.substring(colon + 1);
        Kind k = switch (kind) {
            case "basic" -> Kind.BASIC;
            case "bearer" -> Kind.BEARER;
            default -> throw new IllegalArgumentException("unknown auth kind '" + kind + "' (use basic:FILE, bearer:FILE or none)");
        };
        if (file.isEmpty()) throw new IllegalArgumentException(kind + ": needs a file (" + kind + ":FILE)");
        return new Auth(k, Path.of(file));
    }

    public Kind kind() {
        return kind;
    }

    /** Checks the file is readable and well-formed now (at start, so a typo fails fast). */
    public void check() throws IOException {
        header();
    }

    /** The Authorization header value, or null for none. */
    public String header() throws IOException {
        if (kind == Kind.NONE) return null;
        String secret;
        try {
            secret = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IOException("cannot read the " + kind.name().toLowerCase() + " credentials file " + file + ": "
                    + e.getClass().getSimpleName());
        }
        if (secret.isEmpty()) throw new IOException("the credentials file " + file + " is empty");
        if (kind == Kind.BASIC) {
            if (secret.indexOf(':') <= 0) throw new IOException("the basic credentials file " + file + " must hold one line user:password");
            return "Basic " + Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
        }
        return "Bearer " + secret;
    }

    @Override
    public String toString() {
        return kind == Kind.NONE ? "none" : kind.name().toLowerCase() + ":" + file;
    }
}
