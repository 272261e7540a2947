package io.finality.bitcoin.blk;

import io.finality.bitcoin.address.BitcoinNetwork;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * Reads Bitcoin Core's block files ({@code blocks/blk*.dat}) and hands out each block in place, for
 * rescans at disk speed through the same {@code BitcoinBlockScanner} as live blocks.
 *
 * <pre>
 *   record: magic (4, network message start) | length (uint32 LE) | block (length bytes)
 *   file:   [junk or zero padding] record [junk] record ...
 * </pre>
 *
 * <p>The whole file is loaded into one heap array (Core caps blk files at 128 MiB; this reader refuses
 * more than {@value #MAX_FILE_BYTES} bytes, also for bz2 input, so a decompression bomb cannot exhaust
 * the heap). Since Bitcoin Core 28 the files are XOR-obfuscated with the 8-byte key in
 * {@code blocks/xor.dat}, applied by file position; {@link #readXorKey} loads it and the reader undoes it.
 * Files ending in {@code .bz2} (or starting with the bzip2 signature) are decompressed.
 *
 * <p>{@link #next()} re-synchronises on the next known magic after junk (counting the bytes skipped),
 * reports the network of each block (so a caller can refuse blocks of another network), and stops with
 * a status instead of throwing when a length field lies.
 *
 * <p>Not thread-safe: one reader per thread.
 */
public final class BlkFileReader {
    /** Largest file accepted (after decompression). */
    public static final int MAX_FILE_BYTES = 256 * 1024 * 1024;
    /** Largest block record accepted: Bitcoin Core's MAX_BLOCK_SERIALIZED_SIZE. */
    public static final int MAX_BLOCK_BYTES = 4_000_000;
    /** Length of the XOR key in {@code xor.dat}. */
    public static final int XOR_KEY_LENGTH = 8;

    /** {@link #status()}: the current record is a complete block. */
    public static final int OK = 0;
    /** {@link #status()}: the record's length runs past the end of the file (the reader stops). */
    public static final int TRUNCATED = 1;
    /** {@link #status()}: the record's length exceeds {@link #MAX_BLOCK_BYTES}; the reader resumes after its magic. */
    public static final int BLOCK_TOO_LARGE = 2;

    private static final int HEADER = 8;

    private final byte[] bytes;
    private final int length;
    private final UnsafeBuffer buffer;
    private int cursor;
    private int status;
    private int recordOffset;
    private int blockOffset;
    private int blockLength;
    private long skippedBytes;
    private BitcoinNetwork network;

    private BlkFileReader(final byte[] bytes, final int length) {
        this.bytes = bytes;
        this.length = length;
        this.buffer = new UnsafeBuffer(bytes, 0, length);
    }

    /** A reader over an in-memory file image (already de-obfuscated). */
    public static BlkFileReader wrap(final byte[] image) {
        return new BlkFileReader(image, image.length);
    }

    /**
     * Load a blk file; {@code xorKey} may be null or all zeros for an unobfuscated file.
     *
     * @throws IOException if the file cannot be read or exceeds {@link #MAX_FILE_BYTES}.
     */
    public static BlkFileReader open(final Path file, final byte[] xorKey) throws IOException {
        byte[] image;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(3);
            final boolean bz2 = raw.read() == 'B' && raw.read() == 'Z' && raw.read() == 'h';
            raw.reset();
            if (bz2) {
                try (InputStream in = new BZip2CompressorInputStream(raw, true)) {
                    image = readCapped(in, file);
                }
            } else {
                image = readCapped(raw, file);
            }
        }
        if (xorKey != null) {
            if (xorKey.length != XOR_KEY_LENGTH) {
                throw new IOException("xor key must be " + XOR_KEY_LENGTH + " bytes, got " + xorKey.length);
            }
            for (int i = 0; i < image.length; i++) {
                image[i] ^= xorKey[i & (XOR_KEY_LENGTH - 1)];
            }
        }
        return new BlkFileReader(image, image.length);
    }

    /**
     * The obfuscation key of a Bitcoin Core blocks directory: the 8 bytes of {@code xor.dat}, or null
     * when there is no such file (nodes before v28 do not obfuscate).
     *
     * @throws IOException if {@code xor.dat} exists but is not exactly 8 bytes.
     */
    public static byte[] readXorKey(final Path blocksDir) throws IOException {
        final Path xor = blocksDir.resolve("xor.dat");
        if (!Files.exists(xor)) {
            return null;
        }
        final byte[] key = Files.readAllBytes(xor);
        if (key.length != XOR_KEY_LENGTH) {
            throw new IOException(xor + " must hold " + XOR_KEY_LENGTH + " bytes, has " + key.length);
        }
        return key;
    }

    /**
     * Advance to the next record.
     *
     * @return false at the end of the file (or after a truncated record); otherwise a record is current
     *     and {@link #status()} says whether it holds a block.
     */
    public boolean next() {
        if (status == TRUNCATED) {
            return false;
        }
        int pos = cursor;
        while (pos + HEADER <= length) {
            final BitcoinNetwork net = BitcoinNetwork.fromMagic(buffer.getInt(pos, ByteOrder.BIG_ENDIAN));
            if (net == null) {
                pos++;
                skippedBytes++;
                continue;
            }
            final long len = buffer.getInt(pos + 4, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
            network = net;
            recordOffset = pos;
            blockOffset = pos + HEADER;
            if (len > MAX_BLOCK_BYTES) {
                status = BLOCK_TOO_LARGE;
                blockLength = 0;
                cursor = pos + 4;
                return true;
            }
            if (len > length - blockOffset) {
                status = TRUNCATED;
                blockLength = length - blockOffset;
                cursor = length;
                return true;
            }
            status = OK;
            blockLength = (int)len;
            cursor = blockOffset + blockLength;
            return true;
        }
        skippedBytes += Math.max(0, length - pos);
        cursor = length;
        return false;
    }

    /** Status of the current record: {@link #OK}, {@link #TRUNCATED} or {@link #BLOCK_TOO_LARGE}. */
    public int status() {
        return status;
    }

    /** Network whose magic starts the current record. */
    public BitcoinNetwork network() {
        return network;
    }

    /** The whole file image; blocks are at {@link #blockOffset()} for {@link #blockLength()} bytes. */
    public DirectBuffer buffer() {
        return buffer;
    }

    /** The backing array of {@link #buffer()} (for tests and reference parsers). */
    public byte[] array() {
        return bytes;
    }

    /** File offset of the current record's magic. */
    public int recordOffset() {
        return recordOffset;
    }

    public int blockOffset() {
        return blockOffset;
    }

    public int blockLength() {
        return blockLength;
    }

    /** Junk and padding bytes skipped while looking for magics so far. */
    public long skippedBytes() {
        return skippedBytes;
    }

    /** Size of the (decompressed, de-obfuscated) file image. */
    public int fileLength() {
        return length;
    }

    private static byte[] readCapped(final InputStream in, final Path file) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        final byte[] chunk = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = in.read(chunk)) > 0) {
            total += n;
            if (total > MAX_FILE_BYTES) {
                throw new IOException(file + " exceeds " + MAX_FILE_BYTES + " bytes");
            }
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }
}
