package dev.traffic.ca;

/** Key algorithm of a CA: EC P-256 (the default) or RSA-3072 for old clients. Leaves are always EC P-256. */
public enum KeyType {
    EC("EC", "SHA256withECDSA"),
    RSA("RSA", "SHA256withRSA");

    private final String jcaName;
    private final String signatureAlgorithm;

    KeyType(String jcaName, String signatureAlgorithm) {
        this.jcaName = jcaName;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** The JCA key algorithm name ("EC" or "RSA"). */
    public String jcaName() {
        return jcaName;
    }

    /** The algorithm a key of this type signs certificates with. */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /** The type of an existing key, by its JCA algorithm name. */
    public static KeyType of(java.security.Key key) {
        switch (key.getAlgorithm()) {
            case "EC": case "ECDSA": return EC;
            case "RSA": return RSA;
            default: throw new CaException("unsupported CA key algorithm " + key.getAlgorithm() + " (EC or RSA only)");
        }
    }
}
