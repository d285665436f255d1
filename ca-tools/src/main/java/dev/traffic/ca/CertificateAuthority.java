package dev.traffic.ca;

import dev.traffic.ca.internal.CaFiles;
import dev.traffic.ca.internal.CertProfiles;
import dev.traffic.ca.internal.HostName;
import dev.traffic.ca.internal.Keys;
import dev.traffic.ca.internal.Pem;
import dev.traffic.ca.internal.KeyPermissions;
import dev.traffic.ca.internal.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraints;

/**
 * The interception CA as it sits on disk (see {@link CaFiles} for the layout): the root the sandboxes
 * trust and, when created with permitted domains, a name-constrained intermediate that issues the
 * leaves. Immutable once loaded; {@link LeafMinter} mints from it.
 */
public final class CertificateAuthority {
    private final Path directory;
    private final X509Certificate root;
    private final PrivateKey rootKey;
    private final Path certificateFile;
    private final Path keyFile;
    private final X509Certificate issuer;
    private final PrivateKey issuerKey;
    private final byte[] issuerKeyId;
    private final List<X509Certificate> issuerChain;

    private CertificateAuthority(Path directory, Path certificateFile, Path keyFile, X509Certificate root,
            PrivateKey rootKey, X509Certificate intermediate, PrivateKey intermediateKey) {
        this.directory = directory;
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        this.root = root;
        this.rootKey = rootKey;
        this.issuer = intermediate != null ? intermediate : root;
        this.issuerKey = intermediate != null ? intermediateKey : rootKey;
        this.issuerKeyId = CertProfiles.keyId(issuer);
        this.issuerChain = intermediate != null ? List.of(intermediate) : List.of();
    }

    /**
     * Loads a CA: {@code path} is a CA directory ({@code ca.pem} + {@code ca-key.pem}, optionally
     * {@code intermediate.pem} + {@code intermediate-key.pem}; or a directory holding mitmproxy's
     * {@code mitmproxy-ca.pem}), or one PEM file holding key and certificate (mitmproxy's format).
     * Throws {@link CaException} naming the file when something is missing, unreadable or mismatched.
     */
    public static CertificateAuthority load(Path path) {
        return load(path, null);
    }

    /**
     * Like {@link #load(Path)}, also accepting a password-protected key (encrypted PEM) or a PKCS#12 file
     * with the CA key entry. A wrong password is a {@link CaException} naming the file; a missing one a
     * {@link PasswordRequiredException}.
     */
    public static CertificateAuthority load(Path path, char[] password) {
        CaFiles.Loaded l = CaFiles.load(path.toAbsolutePath(), password);
        KeyPermissions.requirePrivate(l);
        return of(l);
    }

    /** Loads a CA only to copy it ({@link #importFrom}): its source may be any file the user can read. */
    private static CertificateAuthority loadSource(Path path, char[] password) {
        CaFiles.Loaded l = CaFiles.load(path.toAbsolutePath(), password);
        return of(l);
    }

    private static CertificateAuthority of(CaFiles.Loaded l) {
        return new CertificateAuthority(l.directory(), l.certificateFile(), l.keyFile(), l.root(), l.rootKey(),
                l.intermediate(), l.intermediateKey());
    }

    /**
     * Loads the CA in {@code dir} (or the combined PEM file {@code dir} names), creating one with
     * {@code options} when the directory holds none.
     */
    public static CertificateAuthority loadOrCreate(Path dir, CaOptions options) {
        Path d = dir.toAbsolutePath();
        if (Files.isRegularFile(d) || CaFiles.holdsCa(d)) return load(d);
        return create(dir, options, false);
    }

    /**
     * Creates a new CA in {@code dir} (made 0700 when new). Refuses to replace an existing CA unless
     * {@code force}. All files are written to temp files first and renamed, so a failure leaves the
     * directory as it was.
     */
    public static CertificateAuthority create(Path dir, CaOptions options, boolean force) {
        Path d = dir.toAbsolutePath();
        requireReplaceable(d, force);
        List<String> domains = new ArrayList<>();
        for (String raw : options.permittedDomains()) {
            HostName h = HostName.parse(raw);
            if (h.ip()) throw new IllegalArgumentException("permitted domain must be a DNS name, got '" + raw + "'");
            domains.add(h.value());
        }
        Instant now = Instant.now();
        String label = CaFiles.machineName() + " " + LocalDate.ofInstant(now, ZoneOffset.UTC);
        KeyPair rootKeys = Keys.generate(options.keyType());
        X509Certificate root = CertProfiles.root(rootKeys, "traffic CA " + label, now, !domains.isEmpty());
        X509Certificate intermediate = null;
        KeyPair interKeys = null;
        if (!domains.isEmpty()) {
            interKeys = Keys.generate(KeyType.EC);
            intermediate = CertProfiles.intermediate(interKeys.getPublic(), "traffic intermediate " + label,
                    domains, root, rootKeys.getPrivate(), now);
        }
        return write(d, root, rootKeys.getPrivate(), intermediate, interKeys == null ? null : interKeys.getPrivate());
    }

    /**
     * Copies an existing CA (anything {@link #load} accepts, e.g. mitmproxy's {@code mitmproxy-ca.pem}) into
     * {@code dir} in this project's layout, so clients that trust it keep working. Refuses to replace a CA
     * in {@code dir} unless {@code force}.
     */
    public static CertificateAuthority importFrom(Path source, Path dir, boolean force) {
        return importFrom(source, null, dir, force);
    }

    /** {@link #importFrom(Path, Path, boolean)} for a password-protected source (encrypted PEM, PKCS#12). */
    public static CertificateAuthority importFrom(Path source, char[] password, Path dir, boolean force) {
        CertificateAuthority src = loadSource(source, password);
        Path d = dir.toAbsolutePath();
        requireReplaceable(d, force);
        X509Certificate inter = src.issuerChain.isEmpty() ? null : src.issuer;
        return write(d, src.root, src.rootKey, inter, inter == null ? null : src.issuerKey);
    }

    private static void requireReplaceable(Path d, boolean force) {
        if (Files.exists(d) && !Files.isDirectory(d)) throw new CaException(d + ": not a directory");
        if (!force && CaFiles.holdsCa(d)) {
            throw new CaException(d + " already holds a CA (" + CaFiles.existingCaFile(d).getFileName()
                    + "); use --force to replace it");
        }
    }

    private static CertificateAuthority write(Path d, X509Certificate root, PrivateKey rootKey,
            X509Certificate intermediate, PrivateKey intermediateKey) {
        Map<Path, SecureFiles.Content> files = new LinkedHashMap<>();
        files.put(d.resolve(CaFiles.KEY), new SecureFiles.Content(Pem.privateKey(rootKey), true));
        files.put(d.resolve(CaFiles.CERT), new SecureFiles.Content(Pem.certificates(root), false));
        if (intermediate != null) {
            files.put(d.resolve(CaFiles.INTERMEDIATE_KEY), new SecureFiles.Content(Pem.privateKey(intermediateKey), true));
            files.put(d.resolve(CaFiles.INTERMEDIATE), new SecureFiles.Content(Pem.certificates(intermediate), false));
        }
        try {
            SecureFiles.createDirectories(d);
            SecureFiles.writeAll(files);
            if (intermediate == null) {
                Files.deleteIfExists(d.resolve(CaFiles.INTERMEDIATE));
                Files.deleteIfExists(d.resolve(CaFiles.INTERMEDIATE_KEY));
            }
        } catch (IOException e) {
            throw new CaException("cannot write the CA to " + d + ": " + e, e);
        }
        return new CertificateAuthority(d, d.resolve(CaFiles.CERT), d.resolve(CaFiles.KEY), root, rootKey,
                intermediate, intermediateKey);
    }

    /** The root certificate: what clients trust. */
    public X509Certificate certificate() {
        return root;
    }

    /** Certificates served after each leaf: {@code [intermediate]} when name-constrained, else empty. */
    public List<X509Certificate> issuerChain() {
        return issuerChain;
    }

    /** A PEM file holding only the root certificate (what clients trust). */
    public Path certificateFile() {
        return certificateFile;
    }

    /** The file holding the root's private key. */
    public Path keyFile() {
        return keyFile;
    }

    /** The CA directory (or the directory of the combined PEM it was loaded from). */
    public Path directory() {
        return directory;
    }

    public KeyType keyType() {
        return KeyType.of(rootKey);
    }

    /** DNS domains the intermediate may issue for; empty when leaves come from the root (no constraint). */
    public List<String> permittedDomains() {
        if (issuerChain.isEmpty()) return List.of();
        byte[] ext = issuer.getExtensionValue(Extension.nameConstraints.getId());
        if (ext == null) return List.of();
        NameConstraints nc = NameConstraints.getInstance(ASN1OctetString.getInstance(ext).getOctets());
        List<String> out = new ArrayList<>();
        if (nc.getPermittedSubtrees() != null) {
            for (GeneralSubtree t : nc.getPermittedSubtrees()) {
                if (t.getBase().getTagNo() == GeneralName.dNSName) out.add(t.getBase().getName().toString());
            }
        }
        return out;
    }

    /** True when leaves for {@code host} will validate (always, without name constraints). */
    public boolean permits(String host) {
        List<String> domains = permittedDomains();
        if (issuerChain.isEmpty()) return true;
        HostName h = HostName.parse(host);
        return domains.stream().anyMatch(h::within);
    }

    PrivateKey rootKey() {
        return rootKey;
    }

    X509Certificate issuerCertificate() {
        return issuer;
    }

    PrivateKey issuerKey() {
        return issuerKey;
    }

    byte[] issuerKeyId() {
        return issuerKeyId;
    }
}
