package io.finality.tools.importer;

import io.finality.bitcoin.blk.BlkFileReader;
import io.finality.bitcoin.p2p.BlockHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The cheap path of the index pass: reads only each record's frame and block header, {@value #READ}
 * bytes per block, and seeks over the rest, so indexing a blocks directory costs one small read per
 * block instead of reading every file whole.
 *
 * <pre>
 *   record: magic (4) | length (4, LE) | header (80) | rest of the block (skipped) | next record ...
 *   tail:   zero bytes (Core pre-allocates files in 16 MiB steps) until the end of the file
 * </pre>
 *
 * <p>It handles exactly what Bitcoin Core writes: back-to-back records of one network, then zeros. Anything
 * else (junk, a truncated or oversized record, another network's magic, a bz2 file) returns
 * {@code null} and the caller indexes that file with {@link BlkFileReader}, which re-synchronises and
 * counts the damage. One thread.
 */
final class BlkHeaderScanner {
    /** Bytes read per record: the frame and the header. */
    static final int READ = 8 + BlockHeader.LENGTH;
    private static final int TAIL_CHUNK = 1 << 16;

    /** One record found: where its block starts, its length and its header (de-obfuscated). */
    record Header(int offset, int length, byte[] header) {
    }

    /** A file scanned: its records and the zero bytes after the last one. */
    record Scan(List<Header> headers, long padding, long fileLength) {
    }

    private final ByteBuffer frame = ByteBuffer.allocate(READ).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer tail = ByteBuffer.allocate(TAIL_CHUNK);

    /**
     * Scan one file.
     *
     * @param magic the expected network's message start (big-endian, as {@code BitcoinNetwork.magic()}).
     * @return the records, or null when the file needs the full reader.
     * @throws IOException if the file cannot be read.
     */
    Scan scan(final Path file, final byte[] xorKey, final int magic) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            final long size = channel.size();
            if (size > BlkFileReader.MAX_FILE_BYTES) {
                return null;
            }
            final List<Header> headers = new ArrayList<>();
            long pos = 0;
            while (pos + 8 <= size) {
                if (!read(channel, pos, (int)Math.min(READ, size - pos), xorKey)) {
                    return null;
                }
                final int found = frame.order(ByteOrder.BIG_ENDIAN).getInt(0);
                frame.order(ByteOrder.LITTLE_ENDIAN);
                if (found == 0) {
                    return allZeros(channel, pos, size, xorKey) ? new Scan(headers, size - pos, size) : null;
                }
                final long length = frame.getInt(4) & 0xFFFF_FFFFL;
                if (found != magic || length > BlkFileReader.MAX_BLOCK_BYTES || length <= BlockHeader.LENGTH
                    || pos + 8 + length > size) {
                    return null;
                }
                final byte[] header = new byte[BlockHeader.LENGTH];
                frame.get(8, header);
                headers.add(new Header((int)(pos + 8), (int)length, header));
                pos += 8 + length;
            }
            return pos == size || allZeros(channel, pos, size, xorKey) ? new Scan(headers, size - pos, size) : null;
        }
    }

    private boolean read(final FileChannel channel, final long pos, final int length, final byte[] xorKey) throws IOException {
        frame.clear().limit(length);
        while (frame.hasRemaining()) {
            if (channel.read(frame, pos + frame.position()) < 0) {
                return false;
            }
        }
        frame.limit(READ);
        if (length < READ) {
            // too short for a header: only a zero tail can be valid here, which the caller checks byte by byte
            for (int i = length; i < READ; i++) {
                frame.put(i, (byte)0);
            }
        }
        unmask(frame, pos, length, xorKey);
        return true;
    }

    private boolean allZeros(final FileChannel channel, final long from, final long size, final byte[] xorKey) throws IOException {
        long pos = from;
        while (pos < size) {
            tail.clear().limit((int)Math.min(TAIL_CHUNK, size - pos));
            final int n = channel.read(tail, pos);
            if (n <= 0) {
                return false;
            }
            unmask(tail, pos, n, xorKey);
            for (int i = 0; i < n; i++) {
                if (tail.get(i) != 0) {
                    return false;
                }
            }
            pos += n;
        }
        return true;
    }

    private static void unmask(final ByteBuffer buffer, final long filePos, final int length, final byte[] xorKey) {
        if (xorKey == null) {
            return;
        }
        for (int i = 0; i < length; i++) {
            buffer.put(i, (byte)(buffer.get(i) ^ xorKey[(int)(filePos + i & BlkFileReader.XOR_KEY_LENGTH - 1)]));
        }
    }
}
