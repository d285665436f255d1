package dev.traffic.ship;

import dev.traffic.store.StoreException;
import dev.traffic.store.StoreLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A store's identity: the first 16 bytes (hex) of the SHA-256 of its public checkpoint key
 * ({@code store.pub}). It names the store everywhere a flow goes (document {@code _id}s are
 * {@code <identity>-<seq>}), and the same key verifies the store's signed checkpoints.
 */
public final class StoreIdentity {
    private StoreIdentity() {}

    public static String of(StoreLayout layout) throws IOException {
        try {
            return ofPublicKey(layout.publicKey());
        } catch (NoSuchFileException e) {
            throw new StoreException("the store at " + layout.root() + " has no " + layout.publicKey().getFileName()
                    + " yet (start the proxy once to create it)");
        }
    }

    /** The identity of the store whose public key file (a copy of store.pub) is {@code pub}. */
    public static String ofPublicKey(java.nio.file.Path pub) throws IOException {
        return digest(Files.readAllBytes(pub));
    }

    private static String digest(byte[] pub) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pub), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
