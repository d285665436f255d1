package dev.traffic.proxy.client;

import dev.traffic.proxy.net.Target;

import dev.traffic.model.TlsInfo;

/**
 * Facts about one client connection that every exchange on it shares: the client's address, the
 * scheme its requests use ("http" for plain proxy requests, "https" inside an intercepted CONNECT),
 * the tunnel's target (already policy-checked and resolved; null for plain proxy requests) and the
 * client-side TLS details.
 */
public record ClientSession(String clientAddress, String scheme, Target tunnelTarget, TlsInfo clientTls) {}
