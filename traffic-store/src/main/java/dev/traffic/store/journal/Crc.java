package dev.traffic.store.journal;

import java.util.zip.CRC32C;

/** CRC32C of a record's type byte and payload (the framing checksum). */
final class Crc {
    private Crc() {}

    static int of(byte type, byte[] payload, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(type);
        c.update(payload, off, len);
        return (int) c.getValue();
    }
}
