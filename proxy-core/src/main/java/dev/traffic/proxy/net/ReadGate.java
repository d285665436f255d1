package dev.traffic.proxy.net;

import dev.traffic.proxy.client.HeldReads;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Pauses reading on one channel for several independent reasons (peer not writable, sink full,
 * waiting for an upstream, between exchanges). The channel reads (autoRead) only while no reason
 * holds. Event-loop confined. On a channel with {@link HeldReads} after its decoder (client HTTP/1.1
 * connections) a pause is lazy: messages decoded while paused are held there, and autoRead is
 * switched off only when one actually arrives, since every autoRead toggle is a syscall
 * ({@code epoll_ctl}) and most pauses (one per exchange) see no data at all.
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
    private HeldReads hold;

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
        if (hold == null) stopSocketReads();
    }

    public void resume(int reason) {
        reasons &= ~reason;
        if (reasons != 0) return;
        if (hold != null) {
            hold.drain(); // may pause again
            if (reasons != 0 || hold.holding()) return;
        }
        if (!channel.config().isAutoRead()) channel.config().setAutoRead(true);
    }

    /** True while some reason holds. */
    public boolean closed() {
        return reasons != 0;
    }

    /** Switches autoRead off (a no-op when already off). */
    public void stopSocketReads() {
        if (channel.config().isAutoRead()) channel.config().setAutoRead(false);
    }

    /** Attaches the handler that holds messages during lazy pauses; null detaches and applies the reasons to autoRead. */
    public void holdWith(HeldReads h) {
        hold = h;
        if (h == null && reasons != 0) stopSocketReads();
    }

    /** Forgets reasons without touching autoRead: the next {@link #resume} applies the result. */
    public void clear(int reason) {
        reasons &= ~reason;
    }

    public boolean paused(int reason) {
        return (reasons & reason) != 0;
    }
}
