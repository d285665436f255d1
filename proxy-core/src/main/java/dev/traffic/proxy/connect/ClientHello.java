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

    public static Peek peek(ByteBuf in) {
        int start = in.readerIndex();
        int avail = in.readableBytes();
        if (avail < 1) return new Peek(Kind.INCOMPLETE, null);
        if (in.getUnsignedByte(start) != 22) return new Peek(Kind.NOT_TLS, null);
        if (avail < 3) return new Peek(Kind.INCOMPLETE, null);
        if (in.getUnsignedByte(start + 1) != 3) return new Peek(Kind.NOT_TLS, null);
        // Reassemble the handshake message from consecutive handshake records.
        byte[] hs = new byte[0];
        int pos = start;
        int need = -1;
        while (true) {
            if (pos + 5 > start + avail) return incompleteOrGiveUp(avail);
            int type = in.getUnsignedByte(pos);
            int len = in.getUnsignedShort(pos + 3);
            if (type != 22 || len == 0 || len > 18432) return new Peek(Kind.TLS, new ClientHello(null, List.of()));
            if (pos + 5 + len > start + avail) return incompleteOrGiveUp(avail);
            byte[] add = new byte[len];
            in.getBytes(pos + 5, add);
            byte[] joined = new byte[hs.length + len];
            System.arraycopy(hs, 0, joined, 0, hs.length);
            System.arraycopy(add, 0, joined, hs.length, len);
            hs = joined;
            pos += 5 + len;
            if (need < 0 && hs.length >= 4) {
                if (hs[0] != 1) return new Peek(Kind.TLS, new ClientHello(null, List.of()));
                need = 4 + (((hs[1] & 0xff) << 16) | ((hs[2] & 0xff) << 8) | (hs[3] & 0xff));
                if (need > MAX_HELLO) return new Peek(Kind.TLS, new ClientHello(null, List.of()));
            }
            if (need >= 0 && hs.length >= need) break;
        }
        try {
            return new Peek(Kind.TLS, parse(hs));
        } catch (IndexOutOfBoundsException e) {
            return new Peek(Kind.TLS, new ClientHello(null, List.of()));
        }
    }

    private static Peek incompleteOrGiveUp(int avail) {
        return avail > MAX_HELLO ? new Peek(Kind.TLS, new ClientHello(null, List.of())) : new Peek(Kind.INCOMPLETE, null);
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
