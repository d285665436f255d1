package dev.traffic.ca;

import dev.traffic.ca.internal.Pem;
import dev.traffic.ca.internal.SecureFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Export formats of the root certificate: PEM, DER, and PKCS#12 (a trust store holding the root, or,
 * with the key, a key entry for tools that want the CA itself). Files are written atomically; a
 * PKCS#12 holding the key gets mode 0600.
 */
public final class CaExport {
    /** The export formats {@code traffic ca export --format} offers. */
    public enum Format {
        PEM("pem"), DER("der"), P12("p12");

        private final String extension;

        Format(String extension) {
            this.extension = extension;
        }

        public String extension() {
            return extension;
        }

        public static Format parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown export format '" + s + "' (pem, der or p12)");
            }
        }
    }

    private CaExport() {}

    public static byte[] pem(CertificateAuthority ca) {
        return Pem.certificates(ca.certificate());
    }

    public static byte[] der(CertificateAuthority ca) {
        try {
            return ca.certificate().getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * PKCS#12 protected by {@code password}: the root as a trusted certificate entry "traffic-ca", plus,
     * when {@code withKey}, the root key as key entry "traffic-ca-key".
     */
    public static byte[] pkcs12(CertificateAuthority ca, char[] password, boolean withKey) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            if (withKey) {
                ks.setKeyEntry("traffic-ca-key", ca.rootKey(), password, new X509Certificate[] {ca.certificate()});
            } else {
                ks.setCertificateEntry("traffic-ca", ca.certificate());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ks.store(out, password);
            return out.toByteArray();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the PKCS#12 file", e);
        }
    }

    /** Writes {@code bytes} to {@code out} atomically; secret files get mode 0600. */
    public static void write(Path out, byte[] bytes, boolean secret) {
        try {
            SecureFiles.write(out, bytes, secret);
        } catch (IOException e) {
            throw new CaException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    /** SHA-256 fingerprint as colon-separated upper-case hex (as browsers and openssl show it). */
    public static String sha256Fingerprint(X509Certificate cert) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes a minted leaf as {@code <host>.pem} (leaf then issuer chain) and {@code <host>-key.pem} (0600). */
    public static void writeLeaf(IssuedLeaf leaf, Path dir, String fileStem) {
        java.util.Map<Path, SecureFiles.Content> files = new java.util.LinkedHashMap<>();
        files.put(dir.resolve(fileStem + "-key.pem"), new SecureFiles.Content(Pem.privateKey(leaf.privateKey()), true));
        files.put(dir.resolve(fileStem + ".pem"), new SecureFiles.Content(Pem.certificates(leaf.chain()), false));
        try {
            SecureFiles.writeAll(files);
        } catch (IOException e) {
            throw new CaException("cannot write the leaf for " + fileStem + " to " + dir + ": " + e.getMessage(), e);
        }
    }
}
