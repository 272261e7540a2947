package io.finality.bitcoin.p2p;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every valid header seen from a root block, as a tree, with the best chain (most cumulative work,
 * first seen wins a tie) and the plan to move from one tip to another.
 *
 * <p>A header is accepted only if its parent is known (linkage), its {@code nBits} decodes to a target
 * no easier than the network's proof-of-work limit, and its hash meets that target. Difficulty
 * retargeting and timestamp rules are not checked here: a peer could hand us a low-difficulty branch,
 * but it would lose on cumulative work against the real chain.
 *
 * <p>Not thread-safe: owned by the connection's event loop. Work sums use {@link BigInteger}: this runs
 * once per header (not per byte or per transaction), off the scan hot path.
 */
public final class HeaderTree {
    /** Outcome of {@link #add}. */
    public enum Result {
        /** Added to the tree (check {@link #best()} to see whether it became the tip). */
        CONNECTED,
        /** Already in the tree; nothing changed. */
        DUPLICATE,
        /** The previous hash is not in the tree: a linkage failure (or a gap the caller must fill first). */
        UNKNOWN_PARENT,
        /** {@code nBits} is negative, zero, overflowing or easier than the proof-of-work limit. */
        BAD_TARGET,
        /** The header hash does not meet its own {@code nBits}. */
        BAD_POW
    }

    /** One header in the tree. */
    public static final class Node {
        private final byte[] hash;
        private final byte[] header;
        private final long height;
        private final BigInteger chainWork;
        private final Node parent;

        Node(final byte[] hash, final byte[] header, final long height, final BigInteger chainWork, final Node parent) {
            this.hash = hash;
            this.header = header;
            this.height = height;
            this.chainWork = chainWork;
            this.parent = parent;
        }

        /** Internal-order hash. */
        public byte[] hash() {
            return hash;
        }

        /** The 80-byte header, or null for the root and for blocks added by {@link HeaderTree#extendKnown}. */
        public byte[] header() {
            return header;
        }

        public long height() {
            return height;
        }

        /** Work from the root to this header (the root counts zero). */
        public BigInteger chainWork() {
            return chainWork;
        }

        /** The parent, or null for the root. */
        public Node parent() {
            return parent;
        }
    }

    /**
     * The blocks to disconnect (tip first) and to connect (lowest first) to move from one tip to another.
     *
     * @param fork the last common ancestor
     * @param disconnect blocks leaving the best chain, tip first
     * @param connect blocks joining it, in height order
     */
    public record ChainSwitch(Node fork, List<Node> disconnect, List<Node> connect) {
    }

    private final Map<ByteBuffer, Node> nodes = new HashMap<>();
    private final byte[] powLimit = new byte[32];
    private final byte[] target = new byte[32];
    private final Node root;
    private Node best;

    /**
     * A tree rooted at the block {@code rootHash} (internal order) at {@code rootHeight}, accepting
     * targets up to {@code powLimitBits} (e.g. {@link BlockHeader#MAINNET_POW_LIMIT_BITS}).
     */
    public HeaderTree(final byte[] rootHash, final long rootHeight, final int powLimitBits) {
        if (!BlockHeader.expandTarget(powLimitBits, powLimit)) {
            throw new IllegalArgumentException("bad pow limit " + Integer.toHexString(powLimitBits));
        }
        root = new Node(rootHash.clone(), null, rootHeight, BigInteger.ZERO, null);
        nodes.put(ByteBuffer.wrap(root.hash), root);
        best = root;
    }

    /**
     * Put an already-applied block whose header we no longer have on top of the current best chain, as
     * its child (resume after a restart: the journal keeps hashes, not headers). Its work counts as
     * zero, so any valid header the node sends from below it outweighs it: after a restart the node's
     * best chain decides, which is what walking back to the fork point needs.
     *
     * @throws IllegalStateException if a header was already added (known blocks come first)
     */
    public Node extendKnown(final byte[] hash) {
        if (best.header != null) {
            throw new IllegalStateException("known blocks must be added before any header");
        }
        if (nodes.containsKey(ByteBuffer.wrap(hash))) {
            throw new IllegalArgumentException("known block listed twice");
        }
        final Node node = new Node(hash.clone(), null, best.height + 1, best.chainWork, best);
        nodes.put(ByteBuffer.wrap(node.hash), node);
        best = node;
        return node;
    }

    /** Check and add one header. */
    public Result add(final byte[] header) {
        final byte[] hash = BlockHeader.hash(header);
        if (nodes.containsKey(ByteBuffer.wrap(hash))) {
            return Result.DUPLICATE;
        }
        final Node parent = nodes.get(ByteBuffer.wrap(header, BlockHeader.PREV_OFFSET, 32).slice());
        if (parent == null) {
            return Result.UNKNOWN_PARENT;
        }
        if (!BlockHeader.expandTarget(BlockHeader.bits(header), target) || !BlockHeader.atMost(target, powLimit)) {
            return Result.BAD_TARGET;
        }
        if (!BlockHeader.hashMeetsTarget(hash, target)) {
            return Result.BAD_POW;
        }
        final Node node = new Node(hash, header.clone(), parent.height + 1, parent.chainWork.add(BlockHeader.work(target)), parent);
        nodes.put(ByteBuffer.wrap(hash), node);
        if (node.chainWork.compareTo(best.chainWork) > 0) {
            best = node;
        }
        return Result.CONNECTED;
    }

    /** The tip of the best chain. */
    public Node best() {
        return best;
    }

    public Node root() {
        return root;
    }

    /** The node with internal-order {@code hash}, or null. */
    public Node node(final byte[] hash) {
        return nodes.get(ByteBuffer.wrap(hash));
    }

    /** Headers in the tree, the root included. */
    public int size() {
        return nodes.size();
    }

    /** Whether {@code node} is on the chain ending at {@code tip}. */
    public static boolean onChain(final Node node, final Node tip) {
        Node n = tip;
        while (n != null && n.height > node.height) {
            n = n.parent;
        }
        return n == node;
    }

    /** The plan to move the best chain from {@code from} to {@code to}. */
    public static ChainSwitch path(final Node from, final Node to) {
        final List<Node> disconnect = new ArrayList<>();
        final List<Node> connect = new ArrayList<>();
        Node a = from;
        Node b = to;
        while (a.height > b.height) {
            disconnect.add(a);
            a = a.parent;
        }
        while (b.height > a.height) {
            connect.add(b);
            b = b.parent;
        }
        while (a != b) {
            disconnect.add(a);
            connect.add(b);
            a = a.parent;
            b = b.parent;
        }
        Collections.reverse(connect);
        return new ChainSwitch(a, disconnect, connect);
    }

    /** A block locator for {@code tip}: ten steps back one at a time, then doubling, ending with the root. */
    public static List<byte[]> locator(final Node tip) {
        final List<byte[]> out = new ArrayList<>();
        Node n = tip;
        long step = 1;
        while (n != null) {
            out.add(n.hash);
            if (n.parent == null) {
                return out;
            }
            if (out.size() >= 10) {
                step *= 2;
            }
            for (long i = 0; i < step && n.parent != null; i++) {
                n = n.parent;
            }
        }
        return out;
    }
}
