/**
 * ca-tools: the interception CA. {@link dev.traffic.ca.CertificateAuthority} loads or creates the CA
 * directory (root, optional name-constrained intermediate), {@link dev.traffic.ca.LeafMinter} mints and
 * caches per-host leaves, and {@link dev.traffic.ca.LeafKeyManager} hands them to ONE TLS context per
 * process (proxy-core builds its Netty SslContext from it). {@link dev.traffic.ca.CaExport} writes the
 * export formats. No Netty here; file layout, PEM and certificate profiles live in {@code internal}.
 */
package dev.traffic.ca;
