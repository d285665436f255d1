package dev.traffic.model;

/**
 * TLS details of an intercepted (or passed-through) connection. Client side = between the agent
 * and us; upstream side = between us and the server. Any field may be null when unknown.
 */
public record TlsInfo(
        String sni,
        String clientVersion,
        String clientCipher,
        String clientAlpn,
        String upstreamVersion,
        String upstreamCipher,
        String upstreamAlpn,
        String upstreamSubject,
        String upstreamIssuer,
        String upstreamFingerprintSha256) {}
