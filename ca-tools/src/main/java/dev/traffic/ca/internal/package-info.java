/**
 * Implementation of ca-tools: the CA directory layout and loading ({@link dev.traffic.ca.internal.CaFiles}),
 * PEM codecs, certificate profiles, key generation, host-name validation and atomic file writes. Not API.
 */
package dev.traffic.ca.internal;
