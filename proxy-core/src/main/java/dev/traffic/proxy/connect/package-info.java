/**
 * Where a CONNECT becomes a tunnel: the target is resolved and checked, 200 is answered, the first
 * bytes are peeked; a TLS ClientHello is intercepted (handed to {@code dev.traffic.proxy.tls}),
 * anything else (or a passthrough host) is relayed raw.
 */
package dev.traffic.proxy.connect;
