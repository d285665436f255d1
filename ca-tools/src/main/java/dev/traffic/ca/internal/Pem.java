package dev.traffic.ca.internal;

import dev.traffic.ca.CaException;
import dev.traffic.ca.PasswordRequiredException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * PEM reading and writing. Reads PKCS#8 ("PRIVATE KEY") and traditional OpenSSL keys ("RSA PRIVATE KEY",
 * "EC PRIVATE KEY", as mitmproxy writes them) and certificates, in any order in one file; writes
 * PKCS#8 keys and certificates. Conversions use the JDK providers (no global BouncyCastle provider).
 */
public final class Pem {
    private Pem() {}

    /** What one PEM file holds. */
    public record Contents(Path file, PrivateKey key, List<X509Certificate> certificates) {}

    public static Contents read(Path file) {
        return read(file, null);
    }

    /** Reads {@code file}; {@code password} decrypts an encrypted key (null: an encrypted key is refused). */
    public static Contents read(Path file, char[] password) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new CaException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new CaException(file + ": permission denied");
        } catch (IOException e) {
            throw new CaException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        return parse(file, text, password);
    }

    static Contents parse(Path file, String text, char[] password) {
        PrivateKey key = null;
        List<X509Certificate> certs = new ArrayList<>();
        JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
        JcaX509CertificateConverter certConverter = new JcaX509CertificateConverter();
        try (Reader r = new java.io.StringReader(text); PEMParser parser = new PEMParser(r)) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof X509CertificateHolder h) {
                    certs.add(certConverter.getCertificate(h));
                } else if (o instanceof PEMKeyPair || o instanceof PrivateKeyInfo) {
                    if (key != null) throw new CaException(file + ": holds more than one private key");
                    key = o instanceof PEMKeyPair kp ? keys.getKeyPair(kp).getPrivate() : keys.getPrivateKey((PrivateKeyInfo) o);
                } else if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    if (password == null) throw new PasswordRequiredException(file);
                    if (key != null) throw new CaException(file + ": holds more than one private key");
                    key = decrypt(file, o, password, keys);
                }
                // anything else (parameters, CRLs) is ignored
            }
        } catch (CaException e) {
            throw e;
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new CaException(file + ": not a valid PEM file (" + e.getMessage() + ")", e);
        }
        return new Contents(file, key, certs);
    }

    private static PrivateKey decrypt(Path file, Object encrypted, char[] password, JcaPEMKeyConverter keys) {
        try {
            if (encrypted instanceof PEMEncryptedKeyPair kp) {
                return keys.getKeyPair(kp.decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(Keys.BC).build(password)))
                        .getPrivate();
            }
            PKCS8EncryptedPrivateKeyInfo info = (PKCS8EncryptedPrivateKeyInfo) encrypted;
            return keys.getPrivateKey(info.decryptPrivateKeyInfo(
                    new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(Keys.BC).build(password)));
        } catch (IOException | PKCSException | OperatorCreationException | RuntimeException e) {
            throw new CaException(file + ": wrong password (cannot decrypt the private key)", e);
        }
    }

    /** PKCS#8 "PRIVATE KEY" PEM. */
    public static byte[] privateKey(PrivateKey key) {
        return encode(new PemObject("PRIVATE KEY", key.getEncoded()));
    }

    /** "CERTIFICATE" PEM blocks, in order. */
    public static byte[] certificates(X509Certificate... certs) {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : certs) {
            try {
                sb.append(new String(encode(new PemObject("CERTIFICATE", c.getEncoded())), StandardCharsets.US_ASCII));
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] encode(PemObject obj) {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(obj);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a StringWriter does not fail
        }
        return sw.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
