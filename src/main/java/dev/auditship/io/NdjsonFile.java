package dev.auditship.io;

import dev.auditship.source.Utf8;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An append-only NDJSON file (rejects, dead letters) that is written and forced to disk per call, so a
 * record handed to it survives a crash. Created with its parent directories on first use. Thread-safe.
 */
public final class NdjsonFile implements AutoCloseable {
    private final Path path;
    private FileChannel channel;
    private long lines;

    public NdjsonFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** Appends one JSON object (without newline) and syncs it to disk. */
    public synchronized void append(CharSequence json) throws IOException {
        if (channel == null) {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }
        byte[] b = Utf8.encode(json.toString() + "\n");
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        channel.force(false);
        lines++;
    }

    /** Records appended by this process. */
    public synchronized long count() {
        return lines;
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
