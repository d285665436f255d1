package dev.traffic.ca;

import java.time.Duration;

/**
 * Leaf certificate validity and cache bound for {@link LeafMinter}. Validity is the whole span from
 * notBefore (backdated one hour) to notAfter: at most {@link #MAX_VALIDITY}; cached leaves are dropped
 * after half of it, so a served leaf always has plenty of life left.
 */
public record LeafOptions(Duration validity, long cacheSize) {
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(90);
    public static final Duration MAX_VALIDITY = Duration.ofDays(200);
    public static final long DEFAULT_CACHE_SIZE = 10_000;

    public LeafOptions {
        if (validity == null || validity.compareTo(Duration.ofHours(2)) < 0 || validity.compareTo(MAX_VALIDITY) > 0) {
            throw new IllegalArgumentException("leaf validity must be between 2 hours and 200 days, got " + validity);
        }
        if (cacheSize < 1) throw new IllegalArgumentException("leaf cache size must be positive, got " + cacheSize);
    }

    public static LeafOptions defaults() {
        return new LeafOptions(DEFAULT_VALIDITY, DEFAULT_CACHE_SIZE);
    }

    /** How long a minted leaf stays in the cache: half its validity. */
    public Duration cacheTtl() {
        return validity.dividedBy(2);
    }
}
