package dev.traffic.cli.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Reads PEM certificate bundles for the trust checks. */
final class PemBundles {
    private PemBundles() {}

    /** All certificates in a PEM bundle; throws IOException naming the file when it cannot be read. */
    static List<X509Certificate> read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) out.add((X509Certificate) c);
            return out;
        } catch (CertificateException e) {
            throw new IOException(file + ": not a PEM certificate bundle (" + e.getMessage() + ")", e);
        }
    }

    /** Null when {@code file} holds {@code ca}; else what is wrong, naming the file. */
    static String problem(Path file, X509Certificate ca) {
        if (!Files.isRegularFile(file)) return file + " does not exist";
        if (!Files.isReadable(file)) return file + " is not readable";
        try {
            return read(file).contains(ca) ? null : file + " does not contain the traffic CA";
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
