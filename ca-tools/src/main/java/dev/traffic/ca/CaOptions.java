package dev.traffic.ca;

import java.util.List;
import java.util.Objects;

/**
 * How to create a CA: its key type and, optionally, the DNS domains a name-constrained intermediate
 * may issue for. An empty {@code permittedDomains} means leaves are issued by the root directly.
 */
public record CaOptions(KeyType keyType, List<String> permittedDomains) {
    public CaOptions {
        Objects.requireNonNull(keyType, "keyType");
        permittedDomains = List.copyOf(permittedDomains);
    }

    /** EC P-256 root, no intermediate. */
    public static CaOptions defaults() {
        return new CaOptions(KeyType.EC, List.of());
    }

    public CaOptions withKeyType(KeyType type) {
        return new CaOptions(type, permittedDomains);
    }

    public CaOptions withPermittedDomains(List<String> domains) {
        return new CaOptions(keyType, domains);
    }
}
