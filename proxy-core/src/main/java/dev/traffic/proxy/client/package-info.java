/**
 * Where a client connection arrives: the pipeline of an accepted connection, the strict HTTP/1.1
 * codec, read holding, request-line parsing and the handler that validates each request head, hands
 * CONNECT to {@code dev.traffic.proxy.connect} and runs one {@code exchange.Exchange} at a time.
 */
package dev.traffic.proxy.client;
