/**
 * Where a CONNECT becomes a TLS session: client- and upstream-side TLS contexts, minted leaves,
 * ALPN choice, upstream certificate checks, and the handler that installs the HTTP/1.1 or HTTP/2
 * pipeline once the client handshake is done.
 */
package dev.traffic.proxy.tls;
