package dev.traffic.store.internal;

import dev.traffic.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** The store's Ed25519 signing key: PKCS#8 in {@code store.key} (0600), X.509 in {@code store.pub}; PEM-like base64 text. */
public final class StoreKey {
    private StoreKey() {}

    public static KeyPair loadOrCreate(Path priv, Path pub) throws IOException {
        if (Files.exists(priv)) return new KeyPair(loadPublic(pub), loadPrivate(priv));
        try {
            KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Path tmp = priv.resolveSibling(priv.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
            PrivateFiles.ensureFile(pub);
            Files.writeString(pub, pem("PUBLIC KEY", kp.getPublic().getEncoded()));
            Files.move(tmp, priv, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return kp;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK without Ed25519", e);
        }
    }

    public static PublicKey loadPublic(Path pub) throws IOException {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(unpem(pub)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new StoreException(pub + ": not an Ed25519 public key: " + e.getMessage());
        }
    }

    private static PrivateKey loadPrivate(Path priv) throws IOException {
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(unpem(priv)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new StoreException(priv + ": not an Ed25519 private key");
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] unpem(Path p) throws IOException {
        String s = Files.readString(p).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(s);
    }
}
