package dev.traffic.proxy.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Native epoll where it loads (Linux), NIO otherwise: the event loops and matching channel classes. */
public record Transport(String name, Class<? extends ServerChannel> serverChannel,
                        Class<? extends SocketChannel> socketChannel, boolean epoll) {

    public static Transport detect(boolean allowNative) {
        if (allowNative && Epoll.isAvailable()) {
            return new Transport("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class, true);
        }
        return new Transport("nio", NioServerSocketChannel.class, NioSocketChannel.class, false);
    }

    public EventLoopGroup newGroup(int threads, String name) {
        DefaultThreadFactory tf = new DefaultThreadFactory(name, false);
        return new MultiThreadIoEventLoopGroup(threads, tf, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }
}
