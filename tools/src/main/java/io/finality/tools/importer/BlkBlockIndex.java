package io.finality.tools.importer;

import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.bitcoin.blk.BlkFileReader;
import io.finality.bitcoin.p2p.BlockHeader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.agrona.DirectBuffer;

/**
 * The first pass of import-blk: every block header of the blk files, by hash, with where its block is
 * ({@code file, offset, length}) and its parent. blk files hold blocks in download order, not height
 * order, and keep stale forks, so the chain is rebuilt from this index by {@link BestChain}.
 *
 * <p>Each header is checked against its own {@code nBits} target (and the network's proof-of-work limit)
 * with the P2P side's {@link BlockHeader}; one that fails is counted and left out, so it and its
 * descendants never reach the pipeline. Records of another network stop the pass
 * ({@link #foreignNetwork()}). Damage is counted, not thrown: truncated and oversized records, junk
 * (non-zero bytes between records; Core's zero padding is normal).
 *
 * <p>Memory: about 150 bytes per block (a mainnet directory of 900,000 blocks: ~140 MB). One thread.
 */
public final class BlkBlockIndex {
    /** Where one block is and what it links to; {@code seen} orders blocks as the files list them. */
    public record Entry(int file, int offset, int length, byte[] hash, byte[] parent, int seen) {
    }

    private final BitcoinNetwork network;
    private final byte[] powLimit = new byte[32];
    private final byte[] target = new byte[32];
    private final byte[] header = new byte[BlockHeader.LENGTH];
    private final Map<ByteBuffer, Entry> byHash = new HashMap<>();
    private final Map<ByteBuffer, List<Entry>> children = new HashMap<>();
    private long records;
    private long duplicates;
    private long badProofOfWork;
    private long truncatedRecords;
    private long oversizedRecords;
    private long shortRecords;
    private long junkBytes;
    private long paddingBytes;
    private long bytesIndexed;
    private final List<String> damagedFiles = new ArrayList<>();
    private BitcoinNetwork foreignNetwork;
    private int foreignFile = -1;

    /**
     * @param network      the only network accepted.
     * @param powLimitBits the network's proof-of-work limit in compact form (a header may not claim an easier target).
     */
    public BlkBlockIndex(final BitcoinNetwork network, final int powLimitBits) {
        this.network = network;
        if (!BlockHeader.expandTarget(powLimitBits, powLimit)) {
            throw new IllegalArgumentException("bad proof-of-work limit " + Integer.toHexString(powLimitBits));
        }
    }

    /**
     * Index every record of one file.
     *
     * @param file   the file's id (its index in {@link BlkDirectory#files()}).
     * @param name   the file's name, for messages.
     * @return false if a record of another network was found (the pass should stop), true otherwise.
     */
    public boolean indexFile(final int file, final String name, final BlkFileReader reader) {
        final DirectBuffer buffer = reader.buffer();
        final long recordsBefore = records;
        final long junkBefore = junkBytes;
        boolean lost = false;
        int expected = 0;
        while (reader.next()) {
            countGap(buffer, expected, reader.recordOffset());
            if (reader.network() != network) {
                foreignNetwork = reader.network();
                foreignFile = file;
                return false;
            }
            final int status = reader.status();
            if (status == BlkFileReader.TRUNCATED) {
                truncatedRecords++;
                lost = true;
                expected = reader.fileLength();
                continue;
            }
            if (status == BlkFileReader.BLOCK_TOO_LARGE) {
                oversizedRecords++;
                lost = true;
                // the reader resumes right after the magic: what follows counts as gap
                expected = reader.recordOffset() + 4;
                continue;
            }
            expected = reader.blockOffset() + reader.blockLength();
            if (reader.blockLength() < BlockHeader.LENGTH + 1) {
                shortRecords++;
                lost = true;
                continue;
            }
            records++;
            buffer.getBytes(reader.blockOffset(), header);
            add(file, reader.blockOffset(), reader.blockLength(), header);
        }
        countGap(buffer, expected, reader.fileLength());
        bytesIndexed += reader.fileLength();
        if (lost || records == recordsBefore && junkBytes > junkBefore) {
            damagedFiles.add(name);
        }
        return true;
    }

    /**
     * Index a file the {@link BlkHeaderScanner} read header by header (well-formed: back-to-back records of
     * this network, then zeros).
     */
    void indexScan(final int file, final BlkHeaderScanner.Scan scan) {
        for (BlkHeaderScanner.Header h : scan.headers()) {
            records++;
            add(file, h.offset(), h.length(), h.header());
        }
        paddingBytes += scan.padding();
        bytesIndexed += scan.fileLength();
    }

    private void add(final int file, final int offset, final int length, final byte[] header) {
        final byte[] hash = BlockHeader.hash(header);
        final ByteBuffer key = ByteBuffer.wrap(hash);
        if (byHash.containsKey(key)) {
            // Core may store a block twice (e.g. after a reindex); the first copy serves
            duplicates++;
            return;
        }
        if (!BlockHeader.expandTarget(BlockHeader.bits(header), target) || !BlockHeader.atMost(target, powLimit)
            || !BlockHeader.hashMeetsTarget(hash, target)) {
            badProofOfWork++;
            return;
        }
        final byte[] parent = new byte[32];
        System.arraycopy(header, BlockHeader.PREV_OFFSET, parent, 0, 32);
        final Entry e = new Entry(file, offset, length, hash, parent, byHash.size());
        byHash.put(key, e);
        children.computeIfAbsent(ByteBuffer.wrap(parent), k -> new ArrayList<>(1)).add(e);
    }

    private void countGap(final DirectBuffer buffer, final int from, final int to) {
        for (int i = from; i < to; i++) {
            if (buffer.getByte(i) == 0) {
                paddingBytes++;
            } else {
                junkBytes++;
            }
        }
    }

    /** The block with this internal-order hash, or null. */
    public Entry entry(final byte[] hash) {
        return byHash.get(ByteBuffer.wrap(hash));
    }

    /** Blocks whose parent is {@code hash}, in the order the files list them (never null). */
    public List<Entry> children(final byte[] hash) {
        final List<Entry> c = children.get(ByteBuffer.wrap(hash));
        return c == null ? List.of() : c;
    }

    /** Blocks indexed (distinct, proof of work valid). */
    public int size() {
        return byHash.size();
    }

    /** All indexed blocks, in no particular order. */
    public Iterable<Entry> entries() {
        return byHash.values();
    }

    /** Complete block records read (including duplicates and bad proof of work). */
    public long records() {
        return records;
    }

    public long duplicates() {
        return duplicates;
    }

    public long badProofOfWork() {
        return badProofOfWork;
    }

    public long truncatedRecords() {
        return truncatedRecords;
    }

    public long oversizedRecords() {
        return oversizedRecords;
    }

    /** Records too short to hold a header and a transaction count. */
    public long shortRecords() {
        return shortRecords;
    }

    /** Non-zero bytes skipped between records: damage or foreign data. */
    public long junkBytes() {
        return junkBytes;
    }

    /** Zero bytes skipped (Core pre-allocates files with zeros). */
    public long paddingBytes() {
        return paddingBytes;
    }

    /** Bytes of the files read so far (decompressed). */
    public long bytesIndexed() {
        return bytesIndexed;
    }

    /** Names of files that lost block records (truncated, oversized or short records, or only junk). */
    public List<String> damagedFiles() {
        return List.copyOf(damagedFiles);
    }

    /** Whether any block record was lost to damage. */
    public boolean damaged() {
        return !damagedFiles.isEmpty();
    }

    /** The network of the first record of another network, or null. */
    public BitcoinNetwork foreignNetwork() {
        return foreignNetwork;
    }

    /** The file id holding {@link #foreignNetwork()}'s record, or -1. */
    public int foreignFile() {
        return foreignFile;
    }
}
