/**
 * Test infrastructure for the Ethereum side against a real node (anvil 1.7.1 on 127.0.0.1 only):
 * <ul>
 *   <li>{@link io.finality.ethereum.node.AnvilNode}: start, kill (SIGKILL), stop (SIGTERM) and restart anvil on the
 *   same port; its Javadoc says what survives a restart with and without {@code --state}.</li>
 *   <li>{@link io.finality.ethereum.node.AnvilRpc}: JSON-RPC over HTTP with typed helpers (payments, receipts,
 *   mining, automine, reorgs, the test ERC-20 and RevertingReceiver contracts).</li>
 *   <li>{@link io.finality.ethereum.node.Contracts}: the contracts' committed creation bytecode and hand-made ABI
 *   encoding ({@code src/test/resources/ethereum/contracts}).</li>
 *   <li>{@link io.finality.ethereum.node.FaultyRpcProxy}: a WebSocket JSON-RPC proxy in front of the node that
 *   injects faults per method (errors, null results, garbage, swallowed or huge answers, dropped connections) and
 *   counts requests.</li>
 * </ul>
 */
package io.finality.ethereum.node;
