/**
 * The HTTP/2 server side of an intercepted client connection that negotiated h2: every stream
 * becomes an HttpObject channel running the same client handler as HTTP/1.1.
 */
package dev.traffic.proxy.client.h2;
