package dev.traffic.proxy.internal;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Pauses reading on one channel for several independent reasons (peer not writable, sink full,
 * waiting for an upstream, between exchanges). The channel reads (autoRead) only while no reason
 * holds. Event-loop confined. Combined with a {@code FlowControlHandler} after the decoder, a
 * pause also holds back messages already decoded from the last read, so nothing is buffered by
 * the handlers themselves.
 */
public final class ReadGate {
    public static final int PEER_UNWRITABLE = 1;
    public static final int SINK_FULL = 2;
    public static final int WAITING_UPSTREAM = 4;
    public static final int EXCHANGE_BUSY = 8;
    public static final int INSPECTING = 16;
    public static final int SETUP = 32;

    private static final AttributeKey<ReadGate> KEY = AttributeKey.valueOf(ReadGate.class, "gate");

    private final Channel channel;
    private int reasons;

    private ReadGate(Channel channel) {
        this.channel = channel;
    }

    /** The gate of a channel, created on first use. */
    public static ReadGate of(Channel channel) {
        ReadGate g = channel.attr(KEY).get();
        if (g == null) {
            g = new ReadGate(channel);
            channel.attr(KEY).set(g);
        }
        return g;
    }

    public void pause(int reason) {
        reasons |= reason;
        if (channel.config().isAutoRead()) channel.config().setAutoRead(false);
    }

    public void resume(int reason) {
        reasons &= ~reason;
        if (reasons == 0 && !channel.config().isAutoRead()) channel.config().setAutoRead(true);
    }

    /** Forgets reasons without touching autoRead: the next {@link #resume} applies the result. */
    public void clear(int reason) {
        reasons &= ~reason;
    }

    public boolean paused(int reason) {
        return (reasons & reason) != 0;
    }
}
