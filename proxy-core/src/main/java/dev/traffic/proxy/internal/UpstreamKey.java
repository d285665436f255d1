package dev.traffic.proxy.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * What makes two upstream connections interchangeable: host (also the SNI and the name the
 * certificate is checked against), resolved address, port, TLS, ALPN and the upstream proxy used
 * (null = direct).
 */
public record UpstreamKey(String host, InetAddress address, int port, boolean tls, String alpn,
                          InetSocketAddress viaProxy) {}
