package dev.traffic.proxy.exchange.ws;

import dev.traffic.model.WsMessage;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Reads WebSocket frames (RFC 6455 5.2) out of one direction's raw bytes without consuming or
 * changing them, and reassembles data messages (text/binary plus continuation frames) into
 * {@link WsMessage}s: payload unmasked and kept up to {@code cap} bytes, full size always counted.
 * Control frames (ping, pong, close) are not recorded. Incremental: a frame may arrive split in
 * any way across buffers. Holds no Netty buffers (copies at most {@code cap} bytes per message).
 */
public final class WsFrameTap {
    private final WsMessage.Direction direction;
    private final int cap;
    private final Consumer<WsMessage> out;
    private final byte[] header = new byte[14];
    private int headerLen;
    private long payloadLeft = -1; // -1: reading a header
    private boolean fin;
    private int opcode;
    private byte[] mask;
    private long maskPos;
    // the message being assembled
    private boolean inMessage;
    private boolean text;
    private Instant started;
    private long size;
    private ByteArrayOutputStream kept;
    private boolean atStart; // feed(boundaries) stopped before a message's first byte
    private boolean emitted; // a message was emitted during this feed step

    public WsFrameTap(WsMessage.Direction direction, int cap, Consumer<WsMessage> out) {
        this.direction = direction;
        this.cap = Math.max(0, cap);
        this.out = out;
    }

    /** Looks at the readable bytes of {@code buf} (indices untouched). */
    public void feed(ByteBuf buf) {
        feed(buf, buf.readerIndex(), buf.writerIndex(), false);
    }

    /**
     * Looks at bytes [from, to) of {@code buf}; returns the index it stopped at. With
     * {@code boundaries} it stops early at message edges, for {@link WsMessageGate}: right after the
     * byte that completed a data message (the message was emitted), and just before the first
     * header byte of a frame that starts a new data message (call again from there to go on).
     */
    public int feed(ByteBuf buf, int from, int to, boolean boundaries) {
        int i = from;
        while (i < to) {
            if (payloadLeft < 0) {
                if (boundaries && headerLen == 0 && !inMessage && !atStart && startsMessage(buf.getByte(i))) {
                    atStart = true;
                    return i;
                }
                atStart = false;
                header[headerLen++] = buf.getByte(i++);
                int need = headerNeed();
                if (headerLen == need) startFrame();
            } else {
                int n = (int) Math.min(payloadLeft, to - i);
                if (isData()) keep(buf, i, n);
                i += n;
                payloadLeft -= n;
                maskPos += n;
                if (payloadLeft == 0) endFrame();
            }
            if (boundaries && emitted) {
                emitted = false;
                return i;
            }
        }
        emitted = false;
        return i;
    }

    private static boolean startsMessage(byte first) {
        int op = first & 0x0f;
        return op == 1 || op == 2;
    }

    /** True while a data message has started and not yet completed. */
    public boolean inMessage() {
        return inMessage;
    }

    /** True between frames (nothing of a frame read yet): a frame may be injected here. */
    public boolean atFrameBoundary() {
        return payloadLeft < 0 && headerLen == 0;
    }

    /** Header length once the first two bytes are known (then grows with length/mask fields). */
    private int headerNeed() {
        if (headerLen < 2) return 2;
        int len7 = header[1] & 0x7f;
        int n = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
        return n;
    }

    private void startFrame() {
        fin = (header[0] & 0x80) != 0;
        opcode = header[0] & 0x0f;
        boolean masked = (header[1] & 0x80) != 0;
        int len7 = header[1] & 0x7f;
        int at = 2;
        long len;
        if (len7 == 126) {
            len = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
            at = 4;
        } else if (len7 == 127) {
            len = 0;
            for (int k = 0; k < 8; k++) len = (len << 8) | (header[2 + k] & 0xff);
            at = 10;
        } else {
            len = len7;
        }
        mask = null;
        if (masked) {
            mask = new byte[] {header[at], header[at + 1], header[at + 2], header[at + 3]};
        }
        maskPos = 0;
        headerLen = 0;
        payloadLeft = Math.max(0, len);
        if (isData() && (opcode == 1 || opcode == 2)) {
            if (inMessage) emit(); // a new message without FIN on the last one: keep what we had
            inMessage = true;
            text = opcode == 1;
            started = Instant.now();
            size = 0;
            kept = new ByteArrayOutputStream();
        }
        if (payloadLeft == 0) endFrame();
    }

    private boolean isData() {
        return opcode < 8;
    }

    private void keep(ByteBuf buf, int index, int n) {
        if (!inMessage) return; // continuation without a start: ignore
        size += n;
        int room = (int) Math.min(n, cap - kept.size());
        for (int k = 0; k < room; k++) {
            byte b = buf.getByte(index + k);
            if (mask != null) b ^= mask[(int) ((maskPos + k) & 3)];
            kept.write(b);
        }
    }

    private void endFrame() {
        payloadLeft = -1;
        if (isData() && fin && inMessage) emit();
    }

    private void emit() {
        inMessage = false;
        emitted = true;
        out.accept(new WsMessage(direction, started, text, kept.toByteArray(), size, size > kept.size()));
        kept = null;
    }
}
