package dev.traffic.model;

import java.util.Objects;

/** One header line as it appeared on the wire; lists of these keep order and duplicates. */
public record Header(String name, String value) {
    public Header {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
