package dev.traffic.cli.doctor;

import java.net.URI;

/**
 * What the sandbox builder told {@code doctor} to expect beyond the defaults: whether the sandbox
 * keeps a (read-only) service-account token, a request the proxy's rules must refuse, and a canary
 * from the policy with a sink it must not reach. Nulls mean "not configured" (those checks skip).
 */
public record Sandbox(boolean keepsServiceAccount, String refusedMethod, URI refusedUrl, String canary, URI canarySink,
        java.util.List<java.net.InetSocketAddress> udpTargets, java.util.List<java.net.InetSocketAddress> ipv6Targets) {
    /** QUIC to a public resolver that speaks it. */
    public static final java.util.List<java.net.InetSocketAddress> UDP_TARGETS =
            java.util.List.of(java.net.InetSocketAddress.createUnresolved("1.1.1.1", 443));
    /** A public IPv6 address that accepts TCP 443. */
    public static final java.util.List<java.net.InetSocketAddress> IPV6_TARGETS =
            java.util.List.of(java.net.InetSocketAddress.createUnresolved("2606:4700:4700::1111", 443));
    public static final Sandbox NONE = new Sandbox(false, null, null, null, null, UDP_TARGETS, IPV6_TARGETS);
}
