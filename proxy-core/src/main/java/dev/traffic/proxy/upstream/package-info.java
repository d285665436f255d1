/**
 * Connections to upstream servers: the per-event-loop pool, dialing (direct or via an upstream
 * proxy), TLS to the server, and the translation of connection failures into 502/504 reasons.
 */
package dev.traffic.proxy.upstream;
