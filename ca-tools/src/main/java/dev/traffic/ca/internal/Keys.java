package dev.traffic.ca.internal;

import dev.traffic.ca.KeyType;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Key generation (EC P-256, RSA-3072) and the key/certificate match check. Leaf keys are generated and
 * leaves signed with BouncyCastle's P-256 (precomputed fixed-base tables: several times faster than the
 * JDK 17 SunEC code on the mint path), through a private provider instance that is never registered
 * globally; the keys handed out are converted to plain JDK key objects so JSSE and Netty treat them as usual.
 */
public final class Keys {
    /** One process-wide SecureRandom (thread-safe); never java.util.Random, never seeded. */
    public static final SecureRandom RANDOM = new SecureRandom();
    /** Not registered with java.security.Security: used only where named explicitly. */
    public static final Provider BC = new BouncyCastleProvider();

    private Keys() {}

    public static KeyPair generate(KeyType type) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(type.jcaName());
            if (type == KeyType.EC) g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            else g.initialize(3072, RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + type + " key", e);
        }
    }

    /** A fresh EC P-256 leaf key pair, as JDK key objects. */
    public static KeyPair generateLeaf() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair bc = g.generateKeyPair();
            KeyFactory jdk = KeyFactory.getInstance("EC");
            return new KeyPair(jdk.generatePublic(new X509EncodedKeySpec(bc.getPublic().getEncoded())),
                    jdk.generatePrivate(new PKCS8EncodedKeySpec(bc.getPrivate().getEncoded())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an EC leaf key", e);
        }
    }

    /**
     * The issuer key in the form that signs fastest: EC keys as BouncyCastle keys (so its P-256 tables
     * apply), RSA keys unchanged. Convert once per minter, not per leaf.
     */
    public static PrivateKey forSigning(PrivateKey key) {
        if (!"EC".equals(key.getAlgorithm())) return key;
        try {
            return KeyFactory.getInstance("EC", BC).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            return key;
        }
    }

    /** The provider that signs with {@code key}: BC for its own keys, else the JDK's. */
    public static Provider providerFor(PrivateKey key) {
        return key.getClass().getName().startsWith("org.bouncycastle.") ? BC : null;
    }

    /** True when {@code key} is the private half of {@code pub}: signs a random challenge and verifies it. */
    public static boolean matches(PrivateKey key, PublicKey pub) {
        if (!key.getAlgorithm().equals(pub.getAlgorithm())) return false;
        try {
            String alg = KeyType.of(key).signatureAlgorithm();
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(challenge);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(challenge);
            return v.verify(sig);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
