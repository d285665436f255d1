package dev.traffic.proxy.client;

import dev.traffic.proxy.net.ReadGate;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lazy read pauses: no autoRead toggle while nothing arrives; held messages, then real pause, then drain in order. */
class HeldReadsTest {
    static final class Sink extends ChannelInboundHandlerAdapter {
        final List<String> got = new ArrayList<>();
        int completes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            got.add(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            completes++;
        }
    }

    static ByteBuf msg(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    @Test
    void pauseWithoutTrafficNeverTouchesAutoRead() {
        Sink sink = new Sink();
        EmbeddedChannel ch = new EmbeddedChannel(new HeldReads(), sink);
        ReadGate g = ReadGate.of(ch);
        List<Boolean> autoRead = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ch.writeInbound(msg("req" + i));
            g.pause(ReadGate.EXCHANGE_BUSY);
            autoRead.add(ch.config().isAutoRead());
            g.resume(ReadGate.EXCHANGE_BUSY);
            autoRead.add(ch.config().isAutoRead());
        }
        assertThat(autoRead).containsOnly(true);
        assertThat(sink.got).containsExactly("req0", "req1", "req2");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void messagesArrivingWhilePausedAreHeldStopReadingAndDrainInOrder() {
        Sink sink = new Sink();
        EmbeddedChannel ch = new EmbeddedChannel(new HeldReads(), sink);
        ReadGate g = ReadGate.of(ch);
        g.pause(ReadGate.EXCHANGE_BUSY);
        g.pause(ReadGate.PEER_UNWRITABLE);
        ch.writeInbound(msg("a"), msg("b"));
        assertThat(sink.got).isEmpty();
        assertThat(ch.config().isAutoRead()).isFalse(); // a message really arrived: now the socket stops
        g.resume(ReadGate.EXCHANGE_BUSY);
        assertThat(sink.got).isEmpty(); // another reason still holds
        int completesBefore = sink.completes;
        g.resume(ReadGate.PEER_UNWRITABLE);
        assertThat(sink.got).containsExactly("a", "b");
        assertThat(sink.completes).isGreaterThan(completesBefore); // the held read burst ends with its readComplete
        assertThat(ch.config().isAutoRead()).isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aPauseDuringTheDrainStopsItAndClosingReleasesWhatIsHeld() {
        List<String> got = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel();
        ReadGate g = ReadGate.of(ch);
        ch.pipeline().addLast(new HeldReads(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object m) {
                got.add(((ByteBuf) m).toString(StandardCharsets.US_ASCII));
                ((ByteBuf) m).release();
                g.pause(ReadGate.EXCHANGE_BUSY); // one request at a time, like Http1ClientHandler
            }
        });
        ByteBuf held = msg("third");
        ch.writeInbound(msg("first"), msg("second"), held);
        assertThat(got).containsExactly("first");
        g.resume(ReadGate.EXCHANGE_BUSY);
        assertThat(got).containsExactly("first", "second");
        assertThat(ch.config().isAutoRead()).isFalse();
        ch.close();
        assertThat(held.refCnt()).isZero();
    }

    @Test
    void removingTheHandlerAppliesTheGateToAutoReadAndPassesHeldMessagesOn() {
        Sink sink = new Sink();
        EmbeddedChannel ch = new EmbeddedChannel(new HeldReads(), sink);
        ReadGate g = ReadGate.of(ch);
        g.pause(ReadGate.SETUP);
        assertThat(ch.config().isAutoRead()).isTrue();
        ch.pipeline().remove(HeldReads.class);
        assertThat(ch.config().isAutoRead()).isFalse();
        g.resume(ReadGate.SETUP);
        assertThat(ch.config().isAutoRead()).isTrue();
        assertThat(ch.finish()).isFalse();
    }
}
