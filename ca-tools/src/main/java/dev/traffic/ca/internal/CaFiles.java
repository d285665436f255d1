package dev.traffic.ca.internal;

import dev.traffic.ca.CaException;
import dev.traffic.ca.PasswordRequiredException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The on-disk layout of a CA directory and how to load it:
 * <pre>
 *   ca-key.pem             root private key, PKCS#8 PEM, mode 0600
 *   ca.pem                 root certificate, PEM (what clients trust)
 *   intermediate-key.pem   name-constrained intermediate's key, 0600 (only with --permitted-domain)
 *   intermediate.pem       its certificate, served after every leaf
 * </pre>
 * Also loads a combined key+certificate PEM (mitmproxy's {@code mitmproxy-ca.pem}).
 */
public final class CaFiles {
    public static final String KEY = "ca-key.pem";
    public static final String CERT = "ca.pem";
    public static final String INTERMEDIATE_KEY = "intermediate-key.pem";
    public static final String INTERMEDIATE = "intermediate.pem";
    public static final String MITMPROXY = "mitmproxy-ca.pem";

    private CaFiles() {}

    /** What was loaded; the caller builds its immutable CA from it. */
    public record Loaded(Path directory, Path certificateFile, Path keyFile, X509Certificate root, PrivateKey rootKey,
            X509Certificate intermediate, PrivateKey intermediateKey) {}

    /** True when {@code dir} holds (part of) a CA, so creating one there would replace it. */
    public static boolean holdsCa(Path dir) {
        return existingCaFile(dir) != null;
    }

    /** The first CA file found in {@code dir}, or null. */
    public static Path existingCaFile(Path dir) {
        for (String f : List.of(KEY, CERT, MITMPROXY)) {
            if (Files.exists(dir.resolve(f))) return dir.resolve(f);
        }
        return null;
    }

    public static Loaded load(Path path) {
        return load(path, null);
    }

    /** {@code password} decrypts an encrypted key or a PKCS#12 file; null when the files are not encrypted. */
    public static Loaded load(Path path, char[] password) {
        if (!Files.exists(path)) {
            throw new CaException("no CA at " + path + " (no such directory; create one with 'traffic ca init')");
        }
        if (Files.isRegularFile(path)) {
            String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".p12") || name.endsWith(".pfx")) return loadPkcs12(path, password);
            return loadCombined(path, password);
        }
        if (!Files.isReadable(path) || !Files.isExecutable(path)) {
            throw new CaException(path + ": permission denied (cannot read the CA directory)");
        }
        Path key = path.resolve(KEY);
        Path cert = path.resolve(CERT);
        if (Files.exists(key) || Files.exists(cert)) {
            if (!Files.exists(key) && Files.exists(cert)) return loadCombined(cert, password);
            if (!Files.exists(cert)) throw new CaException(cert + ": no such file (the CA key " + key + " has no certificate)");
            Pem.Contents k = Pem.read(key, password);
            Pem.Contents c = Pem.read(cert);
            if (k.key() == null) throw new CaException(key + ": holds no private key");
            if (c.certificates().isEmpty()) throw new CaException(cert + ": holds no certificate");
            X509Certificate root = c.certificates().get(0);
            requireMatch(k.key(), key, root, cert);
            requireCa(root, cert);
            return withIntermediate(new Loaded(path, cert, key, root, k.key(), null, null), password);
        }
        Path mitm = path.resolve(MITMPROXY);
        if (Files.exists(mitm)) return loadCombined(mitm, password);
        throw new CaException("no CA in " + path + " (expected " + CERT + " and " + KEY + ", or " + MITMPROXY
                + "; create one with 'traffic ca init')");
    }

    private static Loaded withIntermediate(Loaded l, char[] password) {
        Path key = l.directory().resolve(INTERMEDIATE_KEY);
        Path cert = l.directory().resolve(INTERMEDIATE);
        if (!Files.exists(key) && !Files.exists(cert)) return l;
        Pem.Contents k = Pem.read(key, password);
        Pem.Contents c = Pem.read(cert);
        if (k.key() == null) throw new CaException(key + ": holds no private key");
        if (c.certificates().isEmpty()) throw new CaException(cert + ": holds no certificate");
        X509Certificate inter = c.certificates().get(0);
        requireMatch(k.key(), key, inter, cert);
        requireCa(inter, cert);
        try {
            inter.verify(l.root().getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new CaException(cert + ": not signed by the root in " + l.certificateFile() + " (" + e.getMessage() + ")");
        }
        return new Loaded(l.directory(), l.certificateFile(), l.keyFile(), l.root(), l.rootKey(), inter, k.key());
    }

    /** A PEM holding key and certificate(s); the root is the certificate matching the key. */
    private static Loaded loadCombined(Path file, char[] password) {
        return fromContents(Pem.read(file, password));
    }

    /** A PKCS#12 file holding the CA key entry (as {@code traffic ca export --format p12 --with-key} writes it). */
    private static Loaded loadPkcs12(Path file, char[] password) {
        if (password == null) throw new PasswordRequiredException(file);
        KeyStore ks;
        try (InputStream in = Files.newInputStream(file)) {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
        } catch (AccessDeniedException e) {
            throw new CaException(file + ": permission denied");
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new CaException(file + ": wrong password (PKCS#12 integrity check failed)");
            }
            throw new CaException(file + ": not a readable PKCS#12 file (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new CaException(file + ": not a readable PKCS#12 file (" + e.getMessage() + ")", e);
        }
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (!ks.isKeyEntry(alias)) continue;
                Key key = ks.getKey(alias, password);
                Certificate[] chain = ks.getCertificateChain(alias);
                if (!(key instanceof PrivateKey pk) || chain == null) continue;
                List<X509Certificate> certs = new ArrayList<>();
                for (Certificate c : chain) certs.add((X509Certificate) c);
                return fromContents(new Pem.Contents(file, pk, certs));
            }
        } catch (GeneralSecurityException e) {
            throw new CaException(file + ": wrong password (cannot recover the private key)", e);
        }
        throw new CaException(file + ": holds no private key entry (export it with --with-key)");
    }

    private static Loaded fromContents(Pem.Contents c) {
        Path file = c.file();
        if (c.key() == null) throw new CaException(file + ": holds no private key (expected key and certificate in one PEM)");
        if (c.certificates().isEmpty()) throw new CaException(file + ": holds no certificate (expected key and certificate in one PEM)");
        X509Certificate root = c.certificates().stream()
                .filter(x -> Keys.matches(c.key(), x.getPublicKey())).findFirst()
                .orElseThrow(() -> new CaException(file + ": the private key does not match the certificate"));
        requireCa(root, file);
        return new Loaded(file.getParent(), certOnlyFile(file, root), file, root, c.key(), null, null);
    }

    /**
     * A combined PEM holds the key, so clients must be pointed at a certificate-only file: mitmproxy's
     * {@code mitmproxy-ca-cert.pem} (or {@code <name>-cert.pem}) when it holds this root, else one we write there.
     */
    private static Path certOnlyFile(Path combined, X509Certificate root) {
        String name = combined.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        Path sibling = combined.resolveSibling(stem + "-cert.pem");
        try {
            if (Files.isRegularFile(sibling)) {
                Pem.Contents s = Pem.read(sibling);
                if (s.key() == null && s.certificates().size() == 1 && s.certificates().get(0).equals(root)) return sibling;
            }
            if (!Files.exists(sibling)) {
                SecureFiles.write(sibling, Pem.certificates(root), false);
                return sibling;
            }
        } catch (IOException | CaException e) {
            // read-only directory or a foreign file of that name: fall through to a private copy
        }
        try {
            Path tmp = Files.createTempFile("traffic-ca-", ".pem");
            tmp.toFile().deleteOnExit();
            SecureFiles.write(tmp, Pem.certificates(root), false);
            return tmp;
        } catch (IOException e) {
            throw new CaException("cannot write a certificate-only copy of " + combined + ": " + e.getMessage(), e);
        }
    }

    private static void requireMatch(PrivateKey key, Path keyFile, X509Certificate cert, Path certFile) {
        if (!Keys.matches(key, cert.getPublicKey())) {
            throw new CaException(keyFile + ": the private key does not match the certificate in " + certFile);
        }
    }

    private static void requireCa(X509Certificate cert, Path file) {
        if (cert.getBasicConstraints() < 0) {
            throw new CaException(file + ": the certificate is not a CA (BasicConstraints CA:true missing)");
        }
    }

    /** A short name of this machine for the CA subject, without any DNS lookup. */
    public static String machineName() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = Files.readString(Path.of("/etc/hostname")).trim();
            } catch (IOException | RuntimeException e) {
                h = "";
            }
        }
        return h.isBlank() ? "localhost" : h;
    }
}
