package dev.traffic.store.model;

/** A CONNECT tunnel relayed without decryption (not TLS, or a passthrough host). */
public record TunnelInfo(long bytesUp, long bytesDown, boolean passthrough) {}
