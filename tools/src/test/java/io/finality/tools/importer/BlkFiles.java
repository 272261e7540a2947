package io.finality.tools.importer;

import io.finality.bitcoin.address.BitcoinNetwork;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes a Bitcoin Core style blocks directory: {@code blkNNNNN.dat} files of records
 * ({@code magic | length LE | block}) with optional junk or zero padding between them, obfuscated with an
 * {@code xor.dat} key by file position as Core 28+ does.
 */
public final class BlkFiles {
    private final BitcoinNetwork network;
    private final List<ByteArrayOutputStream> files = new ArrayList<>();

    public BlkFiles(final BitcoinNetwork network) {
        this.network = network;
        files.add(new ByteArrayOutputStream());
    }

    /** Start the next file. */
    public BlkFiles nextFile() {
        files.add(new ByteArrayOutputStream());
        return this;
    }

    /** Append one framed block to the current file. */
    public BlkFiles block(final byte[] block) {
        return record(network, block);
    }

    /** Append one framed block of {@code net} (e.g. another network's) to the current file. */
    public BlkFiles record(final BitcoinNetwork net, final byte[] block) {
        final ByteArrayOutputStream out = current();
        final int magic = net.magic();
        out.write(magic >>> 24);
        out.write(magic >>> 16);
        out.write(magic >>> 8);
        out.write(magic);
        final int n = block.length;
        out.write(n);
        out.write(n >>> 8);
        out.write(n >>> 16);
        out.write(n >>> 24);
        out.writeBytes(block);
        return this;
    }

    /** Append raw bytes (junk, padding, a truncated record). */
    public BlkFiles raw(final byte[] bytes) {
        current().writeBytes(bytes);
        return this;
    }

    /** Append {@code n} seeded random bytes that contain no magic of any network. */
    public BlkFiles junk(final Random random, final int n) {
        final byte[] b = new byte[n];
        random.nextBytes(b);
        for (int i = 0; i < n; i++) {
            // keep every byte a non-magic first byte so no accidental record starts inside the junk
            if ((b[i] & 0xff) == 0xf9 || (b[i] & 0xff) == 0x0b || (b[i] & 0xff) == 0x1c || (b[i] & 0xff) == 0x0a
                || (b[i] & 0xff) == 0xfa || b[i] == 0) {
                b[i] = 0x55;
            }
        }
        return raw(b);
    }

    /** Write the files (and {@code xor.dat} if {@code key} is not null) into {@code dir}. */
    public Path write(final Path dir, final byte[] key) {
        try {
            Files.createDirectories(dir);
            if (key != null) {
                Files.write(dir.resolve("xor.dat"), key);
            }
            for (int i = 0; i < files.size(); i++) {
                final byte[] bytes = files.get(i).toByteArray();
                if (key != null) {
                    for (int p = 0; p < bytes.length; p++) {
                        bytes[p] ^= key[p % key.length];
                    }
                }
                Files.write(dir.resolve(String.format("blk%05d.dat", i)), bytes);
            }
            return dir;
        } catch (final IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private ByteArrayOutputStream current() {
        return files.get(files.size() - 1);
    }
}
