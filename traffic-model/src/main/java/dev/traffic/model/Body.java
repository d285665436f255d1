package dev.traffic.model;

import java.util.Arrays;

/**
 * What was recorded of one message body: the first {@code recorded.length} bytes (capped by
 * {@code --max-body-record}), the full length seen on the wire and the SHA-256 (lowercase hex) of
 * all of it. {@code truncated} is true when {@code size > recorded.length}.
 */
public record Body(long size, String sha256, byte[] recorded, boolean truncated) {
    public static final String EMPTY_SHA256 =
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    public static final Body EMPTY = new Body(0, EMPTY_SHA256, new byte[0], false);

    public Body {
        if (recorded == null) recorded = new byte[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Body b && size == b.size && truncated == b.truncated
                && java.util.Objects.equals(sha256, b.sha256) && Arrays.equals(recorded, b.recorded);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(size) * 31 + Arrays.hashCode(recorded);
    }

    @Override
    public String toString() {
        return "Body[size=" + size + ", sha256=" + sha256 + ", recorded=" + recorded.length
                + ", truncated=" + truncated + "]";
    }
}
