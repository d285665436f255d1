package dev.traffic.proxy.exchange;

/**
 * The client-side connection (an HTTP/1.1 connection handler, or an HTTP/2 stream) that runs an
 * {@link Exchange}; told when the exchange is over so it can read the next request or close.
 */
public interface ExchangeOwner {
    void exchangeDone(Exchange exchange, boolean keepAlive);
}
