/**
 * Where an Ethereum block is decoded and scanned: an allocation-free JSON reader over the node's raw
 * UTF-8 responses ({@link io.finality.ethereum.BlockJsonDecoder} for {@code eth_getBlockByNumber/Hash} with
 * full transactions, {@link io.finality.ethereum.ReceiptsJsonDecoder} for {@code eth_getBlockReceipts}), the
 * ring payload framing ({@link io.finality.ethereum.EthereumPayload}) and stage 1's
 * {@link io.finality.ethereum.EthereumBlockScanner}, which records native transfers and ERC-20
 * {@code Transfer} logs paying watched addresses. Bad input yields {@link io.finality.ethereum.JsonError}
 * codes with offsets, never exceptions. Also the readers the node connection routes frames with
 * ({@link io.finality.ethereum.RpcFrameReader}, {@link io.finality.ethereum.BlockJsonDecoder#decodeHeader}) and the receipts
 * fallback ({@link io.finality.ethereum.ReceiptsFromLogs}). The connection itself lives in
 * {@code io.finality.ethereum.rpc} (WebSocket JSON-RPC client) and {@code io.finality.ethereum.sync} (chain sync).
 */
package io.finality.ethereum;
