package dev.traffic.store;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A signed statement "the log of flow records 1..size has Merkle root {@code root} at {@code time}".
 * One line of text ({@link #line()}), appended to the store's checkpoints file and printed to the
 * proxy's log so a copy can live outside the machine:
 * {@code traffic-checkpoint v1 size=N root=HEX time=ISO sig=BASE64}.
 */
public record Checkpoint(long size, byte[] root, Instant time, byte[] signature) {
    private static final String PREFIX = "traffic-checkpoint v1 ";

    /** The exact bytes that are signed. */
    public static byte[] signedBytes(long size, byte[] root, Instant time) {
        return ("traffic-checkpoint v1\n" + size + "\n" + HexFormat.of().formatHex(root) + "\n" + time + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    public static Checkpoint sign(long size, byte[] root, Instant time, PrivateKey key) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(signedBytes(size, root, time));
            return new Checkpoint(size, root.clone(), time, s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    public boolean verify(PublicKey key) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(signedBytes(size, root, time));
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    public String rootHex() {
        return HexFormat.of().formatHex(root);
    }

    public String line() {
        return PREFIX + "size=" + size + " root=" + rootHex() + " time=" + time
                + " sig=" + Base64.getEncoder().encodeToString(signature);
    }

    /** Parses a line as written by {@link #line()}; any text before the prefix (a log prefix) is ignored. */
    public static Checkpoint parse(String line) {
        int at = line.indexOf(PREFIX);
        if (at < 0) throw new IllegalArgumentException("not a checkpoint line");
        long size = -1;
        byte[] root = null;
        Instant time = null;
        byte[] sig = null;
        for (String kv : line.substring(at + PREFIX.length()).trim().split("\\s+")) {
            int eq = kv.indexOf('=');
            if (eq < 0) continue;
            String k = kv.substring(0, eq);
            String v = kv.substring(eq + 1);
            switch (k) {
                case "size" -> size = Long.parseLong(v);
                case "root" -> root = HexFormat.of().parseHex(v);
                case "time" -> time = Instant.parse(v);
                case "sig" -> sig = Base64.getDecoder().decode(v);
                default -> { }
            }
        }
        if (size < 0 || root == null || time == null || sig == null) throw new IllegalArgumentException("incomplete checkpoint line");
        return new Checkpoint(size, root, time, sig);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c && c.size == size && java.util.Arrays.equals(c.root, root)
                && c.time.equals(time) && java.util.Arrays.equals(c.signature, signature);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(size) * 31 + java.util.Arrays.hashCode(root);
    }

    @Override
    public String toString() {
        return line();
    }
}
