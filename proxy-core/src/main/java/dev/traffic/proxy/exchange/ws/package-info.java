/**
 * A WebSocket exchange after 101: the frame relay, the recording of messages and the inspection of
 * client messages.
 */
package dev.traffic.proxy.exchange.ws;
