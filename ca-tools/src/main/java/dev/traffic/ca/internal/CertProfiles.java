package dev.traffic.ca.internal;

import dev.traffic.ca.KeyType;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificate profiles: root, name-constrained intermediate, and leaf. Every profile is backdated
 * one hour (clock skew between proxy and sandbox) and carries a 159-bit random serial.
 */
public final class CertProfiles {
    public static final Duration BACKDATE = Duration.ofHours(1);
    public static final Duration CA_VALIDITY = Duration.ofDays(3652);
    private static final JcaX509ExtensionUtils EXT;
    /** Thread-safe: builds certificates with the JDK's CertificateFactory. */
    private static final JcaX509CertificateConverter CONVERTER = new JcaX509CertificateConverter();

    static {
        try {
            EXT = new JcaX509ExtensionUtils();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private CertProfiles() {}

    /** 159 random bits: positive, fits the 20-octet limit of RFC 5280 with room for the sign bit. */
    public static BigInteger serial() {
        BigInteger s;
        do {
            s = new BigInteger(159, Keys.RANDOM);
        } while (s.signum() == 0);
        return s;
    }

    /** Self-signed root: CA:true (pathLen 0, or 1 when it will sign an intermediate), keyCertSign+cRLSign, SKI. */
    public static X509Certificate root(KeyPair keys, String commonName, Instant now, boolean signsIntermediate) {
        X500Name name = name(commonName);
        Instant notBefore = now.minus(BACKDATE);
        try {
            SubjectKeyIdentifier ski = EXT.createSubjectKeyIdentifier(keys.getPublic());
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(notBefore),
                    Date.from(notBefore.plus(CA_VALIDITY)), name, keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(signsIntermediate ? 1 : 0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ski);
            b.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(ski.getKeyIdentifier()));
            return sign(b, keys.getPrivate());
        } catch (CertIOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Intermediate signed by the root, pathLen 0, with critical NameConstraints permitting only
     * {@code domains} as DNS names and excluding every IP address (IP SANs would otherwise be unconstrained).
     */
    public static X509Certificate intermediate(PublicKey key, String commonName, List<String> domains,
            X509Certificate root, PrivateKey rootKey, Instant now) {
        Instant notBefore = now.minus(BACKDATE);
        Instant notAfter = min(notBefore.plus(CA_VALIDITY), root.getNotAfter().toInstant());
        List<GeneralSubtree> permitted = new ArrayList<>();
        for (String d : domains) permitted.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, d)));
        GeneralSubtree[] excluded = {
            new GeneralSubtree(new GeneralName(GeneralName.iPAddress, new DEROctetString(new byte[8]))),
            new GeneralSubtree(new GeneralName(GeneralName.iPAddress, new DEROctetString(new byte[32]))),
        };
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(root, serial(), Date.from(notBefore),
                    Date.from(notAfter), name(commonName), key);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, EXT.createSubjectKeyIdentifier(key));
            b.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(keyId(root)));
            b.addExtension(Extension.nameConstraints, true,
                    new NameConstraints(permitted.toArray(GeneralSubtree[]::new), excluded));
            return sign(b, rootKey);
        } catch (CertIOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Leaf for one host: SAN (DNS or IP), CN = host (left out when longer than the 64 characters X.520
     * allows; the SAN is then critical), EKU serverAuth, KU digitalSignature (critical), CA:false,
     * AKI = issuer's SKI. notAfter never passes the issuer's.
     */
    public static X509Certificate leaf(HostName host, PublicKey key, X509Certificate issuer, byte[] issuerKeyId,
            PrivateKey issuerKey, Instant now, Duration validity) {
        LeafValidity v = leafValidity(now, validity, issuer.getNotAfter().toInstant());
        boolean cn = host.value().length() <= 64;
        X500Name subject = cn ? new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, host.value()).build()
                : new X500Name(new RDN[0]);
        GeneralName san = new GeneralName(host.ip() ? GeneralName.iPAddress : GeneralName.dNSName, host.value());
        try {
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(
                    X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()), serial(),
                    v.notBefore(), v.notAfter(), subject,
                    SubjectPublicKeyInfo.getInstance(key.getEncoded()));
            b.addExtension(Extension.subjectAlternativeName, !cn, new GeneralNames(san));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.basicConstraints, false, new BasicConstraints(false));
            b.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(issuerKeyId));
            return sign(b, issuerKey);
        } catch (CertIOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SKI bytes of a certificate (what a child's AKI must carry); computed when the extension is absent. */
    /** A leaf's validity period as ASN.1 times, for every leaf minted within one second (see {@link #leafValidity}). */
    private record LeafValidity(long second, Duration validity, Instant issuerNotAfter, Time notBefore, Time notAfter) {}

    private static final AtomicReference<LeafValidity> LAST_VALIDITY = new AtomicReference<>();

    /**
     * notBefore = now minus the backdate, notAfter = that plus {@code validity}, capped at the
     * issuer's. Certificate times have one-second resolution, so leaves minted in the same second
     * share the two {@link Time} objects: BouncyCastle builds each through two SimpleDateFormat
     * instances, which showed in the mint profile of a burst of new hosts.
     */
    private static LeafValidity leafValidity(Instant now, Duration validity, Instant issuerNotAfter) {
        long second = now.getEpochSecond();
        LeafValidity last = LAST_VALIDITY.get();
        if (last != null && last.second() == second && last.validity().equals(validity)
                && last.issuerNotAfter().equals(issuerNotAfter)) {
            return last;
        }
        Instant notBefore = Instant.ofEpochSecond(second).minus(BACKDATE);
        Instant notAfter = min(notBefore.plus(validity), issuerNotAfter);
        LeafValidity v = new LeafValidity(second, validity, issuerNotAfter,
                new Time(Date.from(notBefore)), new Time(Date.from(notAfter)));
        LAST_VALIDITY.set(v);
        return v;
    }

    public static byte[] keyId(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (ext != null) {
            return SubjectKeyIdentifier.getInstance(
                    ASN1OctetString.getInstance(ext).getOctets()).getKeyIdentifier();
        }
        return EXT.createSubjectKeyIdentifier(cert.getPublicKey()).getKeyIdentifier();
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "traffic").addRDN(BCStyle.CN, commonName).build();
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) {
        try {
            String alg = KeyType.of(key).signatureAlgorithm();
            JcaContentSignerBuilder signer = new JcaContentSignerBuilder(alg);
            Provider p = Keys.providerFor(key);
            if (p != null) signer.setProvider(p);
            return CONVERTER.getCertificate(b.build(signer.build(key)));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign certificate", e);
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

}
