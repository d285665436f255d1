package dev.traffic.ui;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Who may use the UI. On loopback: anyone on this machine (the Host header must still name the
 * loopback address, against DNS rebinding). Anywhere else: only a browser holding the token, set
 * as a SameSite=Strict cookie by opening the one-time URL {@code /?token=...}. The token comes from
 * {@code --ui-token-file} or is generated and printed once.
 */
public record UiAccess(String token, boolean generated) {
    /** Loopback without a token. */
    public static UiAccess open() {
        return new UiAccess(null, false);
    }

    /**
     * The access rule for {@code listen}: a token file's first line when given (at least 16
     * characters), else none on loopback, else a new random token.
     */
    public static UiAccess forListen(InetSocketAddress listen, Path tokenFile) throws IOException {
        if (tokenFile != null) {
            String t = Files.readString(tokenFile, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
            if (t.length() < 16 || !t.matches("[\\x21-\\x7e]+")) {
                throw new IllegalArgumentException("--ui-token-file " + tokenFile + ": the first line must be a token of at least"
                        + " 16 printable characters without spaces");
            }
            return new UiAccess(t, false);
        }
        if (isLoopback(listen)) return open();
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return new UiAccess(HexFormat.of().formatHex(b), true);
    }

    public static boolean isLoopback(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        return ip != null && ip.isLoopbackAddress();
    }

    public boolean required() {
        return token != null;
    }
}
