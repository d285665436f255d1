package dev.traffic.model;

/**
 * One detection result. Never holds the secret itself: {@code fingerprint} is a SHA-256 prefix plus
 * the first/last 4 characters, {@code location} e.g. "header:authorization", "query:token", "body-json".
 */
public record Finding(
        String rule,
        String family,
        Severity severity,
        String location,
        String host,
        String fingerprint,
        String encoding,
        String detail) {}
