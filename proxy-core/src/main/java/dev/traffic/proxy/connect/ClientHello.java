package dev.traffic.proxy.connect;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Peeks at the first bytes of a tunnel: is it a TLS ClientHello, and if so which SNI and ALPN
 * protocols does it carry. Reads without consuming (indices untouched); the caller owns the buffer.
 */
public record ClientHello(String sni, List<String> alpn) {
    /** What the bytes so far say. */
    public enum Kind { NOT_TLS, INCOMPLETE, TLS }

    public record Peek(Kind kind, ClientHello hello) {}

    private static final int MAX_HELLO = 64 * 1024;
    /** Records a ClientHello may span before we stop looking for its SNI (a post-quantum hello needs 2-3). */
    public static final int MAX_RECORDS = 16;

    public static Peek peek(ByteBuf in) {
        int start = in.readerIndex();
        int avail = in.readableBytes();
        if (avail < 1) return new Peek(Kind.INCOMPLETE, null);
        if (in.getUnsignedByte(start) != 22) return new Peek(Kind.NOT_TLS, null);
        if (avail < 3) return new Peek(Kind.INCOMPLETE, null);
        if (in.getUnsignedByte(start + 1) != 3) return new Peek(Kind.NOT_TLS, null);
        // Find the handshake message's extent from the record headers alone (no copying), and copy
        // it once when it is all there: reassembling record by record was quadratic in the number
        // of records, and peek runs again on every read (issue 15: 65 KB of 1-byte records cost 9 s).
        byte[] header = new byte[4];
        int pos = start;
        int records = 0;
        int have = 0;
        int need = -1;
        while (true) {
            if (pos + 5 > start + avail) return incompleteOrGiveUp(avail);
            int type = in.getUnsignedByte(pos);
            int len = in.getUnsignedShort(pos + 3);
            if (type != 22 || len == 0 || len > 18432) return unknown();
            if (++records > MAX_RECORDS) return unknown(); // real clients use one to a few; no SNI is read from more
            if (pos + 5 + len > start + avail) return incompleteOrGiveUp(avail);
            if (need < 0) {
                // the 4-byte handshake header may itself span records: read it byte by byte across them
                for (int i = 0; i < len && have + i < 4; i++) header[have + i] = in.getByte(pos + 5 + i);
                if (have + len >= 4) {
                    if (header[0] != 1) return unknown();
                    need = 4 + (((header[1] & 0xff) << 16) | ((header[2] & 0xff) << 8) | (header[3] & 0xff));
                    if (need > MAX_HELLO) return unknown();
                }
            }
            have += len;
            pos += 5 + len;
            if (need >= 0 && have >= need) break;
        }
        byte[] hs = new byte[have];
        int at = 0;
        for (int p = start; at < have; ) {
            int len = in.getUnsignedShort(p + 3);
            in.getBytes(p + 5, hs, at, len);
            at += len;
            p += 5 + len;
        }
        try {
            return new Peek(Kind.TLS, parse(hs));
        } catch (IndexOutOfBoundsException e) {
            return new Peek(Kind.TLS, new ClientHello(null, List.of()));
        }
    }

    private static Peek incompleteOrGiveUp(int avail) {
        return avail > MAX_HELLO ? unknown() : new Peek(Kind.INCOMPLETE, null);
    }

    /** TLS, but no SNI or ALPN could be read: the caller decides on the CONNECT target alone. */
    private static Peek unknown() {
        return new Peek(Kind.TLS, new ClientHello(null, List.of()));
    }

    private static ClientHello parse(byte[] b) {
        int p = 4 + 2 + 32;                    // header, legacy_version, random
        p += 1 + (b[p] & 0xff);                // session id
        p += 2 + u16(b, p);                    // cipher suites
        p += 1 + (b[p] & 0xff);                // compression methods
        if (p + 2 > b.length) return new ClientHello(null, List.of());
        int end = Math.min(b.length, p + 2 + u16(b, p));
        p += 2;
        String sni = null;
        List<String> alpn = new ArrayList<>();
        while (p + 4 <= end) {
            int type = u16(b, p);
            int len = u16(b, p + 2);
            int body = p + 4;
            if (type == 0 && len >= 5) {        // server_name: list length, type 0, name length, name
                int q = body + 2;
                if ((b[q] & 0xff) == 0) {
                    int n = u16(b, q + 1);
                    sni = new String(b, q + 3, n, StandardCharsets.US_ASCII);
                }
            } else if (type == 16 && len >= 2) { // application_layer_protocol_negotiation
                int q = body + 2;
                int listEnd = body + 2 + u16(b, body);
                while (q < listEnd) {
                    int n = b[q] & 0xff;
                    alpn.add(new String(b, q + 1, n, StandardCharsets.US_ASCII));
                    q += 1 + n;
                }
            }
            p = body + len;
        }
        return new ClientHello(sni, List.copyOf(alpn));
    }

    private static int u16(byte[] b, int p) {
        return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
    }
}
