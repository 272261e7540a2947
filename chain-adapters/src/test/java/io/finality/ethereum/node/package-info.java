/**
 * Test infrastructure for the Ethereum side against a real node (anvil 1.7.1 on 127.0.0.1 only):
 * <ul>
 *   <li>{@link io.finality.ethereum.node.Anvil}: starts the dev node of {@code io.finality.ethereum.devnet} (anvil
 *   process, JSON-RPC helpers, test contracts), failing in CI and skipping elsewhere when anvil is not installed.</li>
 *   <li>{@link io.finality.ethereum.node.FaultyRpcProxy}: a WebSocket JSON-RPC proxy in front of the node that
 *   injects faults per method (errors, null results, garbage, swallowed or huge answers, dropped connections) and
 *   counts requests.</li>
 * </ul>
 */
package io.finality.ethereum.node;
