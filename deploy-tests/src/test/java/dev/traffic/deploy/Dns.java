package dev.traffic.deploy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Just enough DNS (RFC 1035) for the namespace test: build an A query, answer one, read the answer. */
final class Dns {
    private Dns() {}

    static byte[] query(int id, String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(id >> 8);
        out.write(id);
        out.writeBytes(new byte[] {0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}); // RD; QDCOUNT 1
        for (String label : name.split("\\.")) {
            byte[] b = label.getBytes(StandardCharsets.US_ASCII);
            out.write(b.length);
            out.writeBytes(b);
        }
        out.writeBytes(new byte[] {0, 0, 1, 0, 1}); // root, QTYPE A, QCLASS IN
        return out.toByteArray();
    }

    /** The query with QR/RA set, ANCOUNT 1 and one A record (TTL 60) pointing at {@code addr}. */
    static byte[] answer(byte[] query, byte[] addr) {
        ByteBuffer b = ByteBuffer.allocate(query.length + 16);
        b.put(query);
        b.put(2, (byte) 0x81).put(3, (byte) 0x80).putShort(6, (short) 1);
        b.putShort((short) 0xC00C).putShort((short) 1).putShort((short) 1).putInt(60).putShort((short) 4).put(addr);
        return b.array();
    }

    /** The A record address of a reply to {@code id}, as dotted quad; fails on anything else. */
    static String readA(byte[] reply, int len, int id) {
        ByteBuffer b = ByteBuffer.wrap(reply, 0, len);
        if ((b.getShort(0) & 0xFFFF) != id) throw new IllegalStateException("reply id mismatch");
        if ((b.get(2) & 0x80) == 0 || b.getShort(6) != 1) throw new IllegalStateException("not an answer");
        return (reply[len - 4] & 0xFF) + "." + (reply[len - 3] & 0xFF) + "." + (reply[len - 2] & 0xFF) + "." + (reply[len - 1] & 0xFF);
    }
}
