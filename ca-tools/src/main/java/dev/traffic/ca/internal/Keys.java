package dev.traffic.ca.internal;

import dev.traffic.ca.KeyType;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/** Key generation (EC P-256, RSA-3072) and the key/certificate match check. */
public final class Keys {
    /** One process-wide SecureRandom (thread-safe); never java.util.Random, never seeded. */
    public static final SecureRandom RANDOM = new SecureRandom();

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
