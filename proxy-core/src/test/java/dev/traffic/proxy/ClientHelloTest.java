package dev.traffic.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traffic.proxy.connect.ClientHello;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ClientHello peek against real ClientHellos produced by the JDK and BoringSSL engines. */
class ClientHelloTest {
    static ByteBuf realHello(SslProvider provider, String sni) throws Exception {
        SslContext ctx = SslContextBuilder.forClient().sslProvider(provider).trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, List.of("h2", "http/1.1")))
                .build();
        EmbeddedChannel ch = new EmbeddedChannel(ctx.newHandler(ByteBufAllocator.DEFAULT, sni, 443));
        ByteBuf out = Unpooled.buffer();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            out.writeBytes(b);
            b.release();
        }
        ch.finishAndReleaseAll();
        return out;
    }

    @Test
    void readsSniAndAlpnFromJdkAndBoringSslHellos() throws Exception {
        for (SslProvider p : List.of(SslProvider.JDK, SslProvider.OPENSSL)) {
            ByteBuf hello = realHello(p, "api.example.test");
            try {
                ClientHello.Peek peek = ClientHello.peek(hello);
                assertThat(peek.kind()).as(p.name()).isEqualTo(ClientHello.Kind.TLS);
                assertThat(peek.hello().sni()).isEqualTo("api.example.test");
                assertThat(peek.hello().alpn()).containsExactly("h2", "http/1.1");
                // every strict prefix is incomplete, never misread
                ClientHello.Peek partial = ClientHello.peek(hello.slice(0, hello.readableBytes() - 1));
                assertThat(partial.kind()).isEqualTo(ClientHello.Kind.INCOMPLETE);
            } finally {
                hello.release();
            }
        }
    }

    @Test
    void plainTextIsNotTls() {
        ByteBuf b = Unpooled.copiedBuffer("SSH-2.0-OpenSSH_9.2\r\n", StandardCharsets.US_ASCII);
        assertThat(ClientHello.peek(b).kind()).isEqualTo(ClientHello.Kind.NOT_TLS);
        assertThat(ClientHello.peek(Unpooled.EMPTY_BUFFER).kind()).isEqualTo(ClientHello.Kind.INCOMPLETE);
        b.release();
    }

    @Test
    void garbageAfterATlsHeaderDoesNotThrow() {
        ByteBuf b = Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x00, 0x08, 0x01, 0x00, 0x00, 0x04, 0x03, 0x03, 0x00, 0x00});
        ClientHello.Peek p = ClientHello.peek(b);
        assertThat(p.kind()).isEqualTo(ClientHello.Kind.TLS);
        assertThat(p.hello().sni()).isNull();
        b.release();
    }

    /** The handshake message of a single-record hello, re-framed as records of {@code size} bytes each. */
    static ByteBuf splitIntoRecords(ByteBuf hello, int size) {
        int len = hello.getUnsignedShort(hello.readerIndex() + 3);
        ByteBuf msg = hello.slice(hello.readerIndex() + 5, len);
        ByteBuf out = Unpooled.buffer();
        for (int i = 0; i < len; i += size) {
            int n = Math.min(size, len - i);
            out.writeByte(22).writeByte(3).writeByte(1).writeShort(n).writeBytes(msg, i, n);
        }
        return out;
    }

    @Test
    void aHelloSplitOverAFewRecordsIsReassembled() throws Exception {
        ByteBuf hello = realHello(SslProvider.JDK, "split.example.test");
        int len = hello.getUnsignedShort(hello.readerIndex() + 3);
        ByteBuf split = splitIntoRecords(hello, len / 3 + 1);
        try {
            ClientHello.Peek peek = ClientHello.peek(split);
            assertThat(peek.kind()).isEqualTo(ClientHello.Kind.TLS);
            assertThat(peek.hello().sni()).isEqualTo("split.example.test");
            // the 4-byte handshake header itself split over records
            ByteBuf tiny = splitIntoRecords(hello, 2);
            ClientHello.Peek headerSplit = ClientHello.peek(tiny.slice(0, 5 * 2 + 4));
            assertThat(headerSplit.kind()).isEqualTo(ClientHello.Kind.INCOMPLETE);
            tiny.release();
        } finally {
            hello.release();
            split.release();
        }
    }

    /**
     * Issue 15 item 7: 1-byte handshake records. The peek stops looking for an SNI after
     * MAX_RECORDS records (TLS, SNI unknown: the CONNECT target decides) instead of reassembling
     * 65 KB record by record on every read.
     */
    @Test
    void oneByteRecordsStopAfterTheRecordLimit() throws Exception {
        ByteBuf hello = realHello(SslProvider.JDK, "trickle.example.test");
        ByteBuf split = splitIntoRecords(hello, 1);
        try {
            assertThat(split.readableBytes()).isGreaterThan(6 * 100);
            int justOver = 6 * (ClientHello.MAX_RECORDS + 1);
            ClientHello.Peek peek = ClientHello.peek(split.slice(0, justOver));
            assertThat(peek.kind()).isEqualTo(ClientHello.Kind.TLS);
            assertThat(peek.hello().sni()).isNull();
            ClientHello.Peek before = ClientHello.peek(split.slice(0, 6 * ClientHello.MAX_RECORDS));
            assertThat(before.kind()).isEqualTo(ClientHello.Kind.INCOMPLETE);
        } finally {
            hello.release();
            split.release();
        }
    }
}
