package dev.traffic.store.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code merkle/leaves}: the 32-byte Merkle leaf hash of flow seq {@code n} at offset {@code (n-1)*32}.
 * Survives retention so old checkpoints can still be recomputed. Writer-thread owned; readers use
 * {@link #readAll}.
 */
public final class LeafFile implements AutoCloseable {
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocate(32 * 4096);
    private long count;

    public LeafFile(Path path) throws IOException {
        PrivateFiles.createDirectories(path.getParent());
        ch = PrivateFiles.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = ch.size();
        if (size % 32 != 0) ch.truncate(size - size % 32); // a torn last hash; recovery recomputes it
        count = ch.size() / 32;
    }

    public long count() {
        return count + buf.position() / 32;
    }

    public void truncate(long n) throws IOException {
        buf.clear();
        ch.truncate(n * 32);
        count = n;
    }

    public void append(byte[] leaf) throws IOException {
        if (!buf.hasRemaining()) writeOut();
        buf.put(leaf);
    }

    public void writeOut() throws IOException {
        buf.flip();
        long at = count * 32;
        while (buf.hasRemaining()) at += ch.write(buf, at);
        count = at / 32;
        buf.clear();
    }

    public void force() throws IOException {
        writeOut();
        ch.force(false);
    }

    /** All leaf hashes in the file, concatenated. */
    public static byte[] readAll(Path path) throws IOException {
        if (!Files.exists(path)) return new byte[0];
        byte[] all = Files.readAllBytes(path);
        int n = all.length - all.length % 32;
        return n == all.length ? all : java.util.Arrays.copyOf(all, n);
    }

    @Override
    public void close() throws IOException {
        force();
        ch.close();
    }
}
