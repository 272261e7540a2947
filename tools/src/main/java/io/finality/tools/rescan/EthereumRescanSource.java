package io.finality.tools.rescan;

import io.finality.ethereum.rpc.JsonRpcContext;
import io.finality.ethereum.sync.EthereumBlockReader;
import io.finality.ethereum.sync.EthereumReadException;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/** Rescan blocks from the configured Ethereum node, one block and its receipts at a time, by hash. */
public final class EthereumRescanSource implements RescanSource {
    private final JsonRpcContext rpc;
    private final EthereumBlockReader reader;

    public EthereumRescanSource(final JsonRpcContext rpc) {
        this.rpc = rpc;
        this.reader = new EthereumBlockReader(rpc);
    }

    @Override
    public void read(final List<byte[]> hashes, final BlockSink sink) {
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        for (int i = 0; i < hashes.size(); i++) {
            final byte[] payload;
            try {
                payload = reader.read(hashes.get(i));
            } catch (final EthereumReadException ex) {
                throw new RescanException(RescanException.SOURCE, ex.getMessage(), ex);
            }
            view.wrap(payload);
            if (!sink.onBlock(i, view, 0, payload.length)) {
                return;
            }
        }
    }

    @Override
    public String describe() {
        return "the Ethereum node " + rpc.redactedUri();
    }

    @Override
    public void close() {
        reader.close();
    }
}
