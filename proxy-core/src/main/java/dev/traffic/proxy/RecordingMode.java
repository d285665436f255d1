package dev.traffic.proxy;

/** What the proxy does when the sink reports it cannot record ({@code FlowSink.healthy() == false}). */
public enum RecordingMode {
    /** Answer new requests {@code 503 recording unavailable}: no traffic goes unrecorded. */
    FAIL_CLOSED,
    /** Keep forwarding (flows may be lost while the sink is down). */
    FAIL_OPEN
}
