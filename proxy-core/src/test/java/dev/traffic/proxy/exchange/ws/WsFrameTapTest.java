package dev.traffic.proxy.exchange.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.model.WsMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The frame tap parses frames split at every possible byte boundary, unmasks, caps and counts. */
class WsFrameTapTest {
    private static byte[] frame(int opcode, boolean fin, byte[] payload, byte[] mask) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write((fin ? 0x80 : 0) | opcode);
        int m = mask == null ? 0 : 0x80;
        if (payload.length < 126) {
            o.write(m | payload.length);
        } else if (payload.length < 65536) {
            o.write(m | 126);
            o.write(payload.length >> 8);
            o.write(payload.length & 0xff);
        } else {
            o.write(m | 127);
            for (int i = 7; i >= 0; i--) o.write((int) ((long) payload.length >> (8 * i)) & 0xff);
        }
        if (mask != null) o.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) o.write(mask == null ? payload[i] : payload[i] ^ mask[i & 3]);
        return o.toByteArray();
    }

    @Test
    void fragmentedMaskedMessagesInterleavedWithControlFramesAtEverySplit() {
        byte[] mask = {1, 2, 3, 4};
        byte[] big = new byte[70_000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) i;
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(frame(1, false, "hel".getBytes(StandardCharsets.UTF_8), mask));
        wire.writeBytes(frame(9, true, "ping".getBytes(StandardCharsets.UTF_8), mask)); // control inside a message
        wire.writeBytes(frame(0, true, "lo".getBytes(StandardCharsets.UTF_8), mask));
        wire.writeBytes(frame(2, true, big, null));
        wire.writeBytes(frame(1, true, new byte[0], mask));
        byte[] bytes = wire.toByteArray();
        for (int split : new int[] {1, 2, 3, 7, 13, 1000, bytes.length}) {
            List<WsMessage> got = new ArrayList<>();
            WsFrameTap tap = new WsFrameTap(WsMessage.Direction.CLIENT_TO_SERVER, 1000, got::add);
            for (int at = 0; at < bytes.length; at += split) {
                ByteBuf b = Unpooled.wrappedBuffer(bytes, at, Math.min(split, bytes.length - at));
                tap.feed(b);
                assertThat(b.readerIndex()).isZero(); // the tap never consumes
                b.release();
            }
            assertThat(got).as("split %d", split).hasSize(3);
            assertThat(new String(got.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(got.get(0).text()).isTrue();
            assertThat(got.get(0).size()).isEqualTo(5);
            assertThat(got.get(1).text()).isFalse();
            assertThat(got.get(1).size()).isEqualTo(70_000);
            assertThat(got.get(1).truncated()).isTrue();
            assertThat(got.get(1).payload()).hasSize(1000).startsWith((byte) 0, (byte) 1, (byte) 2);
            assertThat(got.get(2).size()).isZero();
        }
    }

    /**
     * Boundary mode (what the inspection gate relies on): at every split, feeding stops exactly
     * before each data message's first byte and right after its last, so the bytes of a message
     * (with control frames inside it) can be held and those between messages forwarded.
     */
    @Test
    void boundaryModeStopsExactlyAtMessageEdgesAtEverySplit() {
        byte[] mask = {9, 8, 7, 6};
        byte[] ping = frame(9, true, "p".getBytes(StandardCharsets.UTF_8), mask);
        byte[] m1a = frame(1, false, "ab".getBytes(StandardCharsets.UTF_8), mask);
        byte[] inner = frame(10, true, new byte[0], mask);
        byte[] m1b = frame(0, true, "cd".getBytes(StandardCharsets.UTF_8), mask);
        byte[] m2 = frame(2, true, new byte[300], mask);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (byte[] f : new byte[][] {ping, m1a, inner, m1b, ping, m2}) wire.writeBytes(f);
        byte[] bytes = wire.toByteArray();
        int m1Start = ping.length;
        int m1End = m1Start + m1a.length + inner.length + m1b.length;
        int m2Start = m1End + ping.length;
        List<Integer> expected = List.of(m1Start, m1End, m2Start, bytes.length);
        for (int split : new int[] {1, 2, 5, 11, 64, bytes.length}) {
            List<WsMessage> got = new ArrayList<>();
            WsFrameTap tap = new WsFrameTap(WsMessage.Direction.CLIENT_TO_SERVER, 1000, got::add);
            List<Integer> stops = new ArrayList<>();
            for (int at = 0; at < bytes.length; at += split) {
                ByteBuf b = Unpooled.wrappedBuffer(bytes);
                int end = Math.min(at + split, bytes.length);
                int i = at;
                while (i < end) {
                    int j = tap.feed(b, i, end, true);
                    if (j < end) stops.add(j);
                    else if (j == bytes.length) stops.add(j);
                    i = j;
                }
                b.release();
            }
            assertThat(got).as("split %d", split).hasSize(2);
            assertThat(new String(got.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("abcd");
            assertThat(got.get(1).size()).isEqualTo(300);
            // every message edge that falls inside a fed range is a stop (edges on a range end need none)
            for (int edge : expected) {
                boolean onRangeEnd = edge % split == 0 || edge == bytes.length;
                if (!onRangeEnd) assertThat(stops).as("split %d edge %d", split, edge).contains(edge);
            }
            assertThat(stops).as("split %d", split).allMatch(expected::contains);
        }
    }
}
