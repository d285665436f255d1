package dev.traffic.store.archfixture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** A deliberate layering violation, imported only by ArchitectureTest to prove the rule bites. */
public final class NettyInStore {
    private NettyInStore() {}

    public static ByteBuf empty() {
        return Unpooled.EMPTY_BUFFER;
    }
}
