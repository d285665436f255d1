/**
 * One request/response relayed between a client and an upstream connection with backpressure:
 * where the request stages run ({@code dev.traffic.proxy.stage}), the upstream head is prepared and
 * both bodies stream.
 */
package dev.traffic.proxy.exchange;
