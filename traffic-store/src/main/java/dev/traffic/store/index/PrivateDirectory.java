package dev.traffic.store.index;

import dev.traffic.store.internal.PrivateFiles;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;

/**
 * Lucene creates its files with the process umask (0644 by default); the index holds the same
 * bodies and headers as the journal, so each new file is made 0600 right after Lucene creates it
 * (before a byte of content is written through the returned output).
 */
final class PrivateDirectory extends FilterDirectory {
    private final Path path;

    PrivateDirectory(Directory in, Path path) {
        super(in);
        this.path = path;
    }

    @Override
    public IndexOutput createOutput(String name, IOContext context) throws IOException {
        IndexOutput out = super.createOutput(name, context);
        PrivateFiles.tighten(path.resolve(name));
        return out;
    }

    @Override
    public IndexOutput createTempOutput(String prefix, String suffix, IOContext context) throws IOException {
        IndexOutput out = super.createTempOutput(prefix, suffix, context);
        PrivateFiles.tighten(path.resolve(out.getName()));
        return out;
    }
}
