package dev.traffic.model;

import java.time.Instant;
import java.util.Arrays;

/** One WebSocket message; payload capped like bodies, {@code size} is the full length. */
public record WsMessage(Direction direction, Instant time, boolean text, byte[] payload, long size, boolean truncated) {
    public enum Direction { CLIENT_TO_SERVER, SERVER_TO_CLIENT }

    public WsMessage {
        if (payload == null) payload = new byte[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WsMessage m && direction == m.direction && java.util.Objects.equals(time, m.time)
                && text == m.text && size == m.size && truncated == m.truncated && Arrays.equals(payload, m.payload);
    }

    @Override
    public int hashCode() {
        return direction.hashCode() * 31 + Arrays.hashCode(payload);
    }
}
