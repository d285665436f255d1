package dev.traffic.store.journal;

/** One framed journal record as read: where it starts, its type and its payload (owned by the caller). */
public record Record(long offset, byte type, byte[] payload) {
    /** Bytes the record takes in the file, framing included. */
    public int frameLength() {
        return Segments.FRAME + 1 + payload.length;
    }
}
