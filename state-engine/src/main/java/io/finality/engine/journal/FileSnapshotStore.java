package io.finality.engine.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A snapshot kept in one file, replaced atomically: write a temporary file, fsync it, rename it
 * over the old one, fsync the directory.
 */
public final class FileSnapshotStore implements SnapshotStore {
    private final Path file;

    public FileSnapshotStore(final Path file) {
        this.file = file;
    }

    @Override
    public void save(final byte[] data, final int length) {
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
                final ByteBuffer buf = ByteBuffer.wrap(data, 0, length);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (final AtomicMoveNotSupportedException ex) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (final IOException ex) {
            throw new UncheckedIOException("cannot save engine snapshot to " + file, ex);
        }
    }

    @Override
    public byte[] load() {
        try {
            return Files.exists(file) ? Files.readAllBytes(file) : null;
        } catch (final IOException ex) {
            throw new UncheckedIOException("cannot read engine snapshot " + file, ex);
        }
    }
}
