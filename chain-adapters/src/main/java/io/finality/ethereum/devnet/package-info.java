/**
 * A local Ethereum dev node for the demo and the tests: {@link io.finality.ethereum.devnet.AnvilNode} runs anvil on a
 * free 127.0.0.1 port (start, kill, stop, restart; what survives a restart is in its Javadoc),
 * {@link io.finality.ethereum.devnet.AnvilRpc} drives it over JSON-RPC (payments, receipts, mining, reorgs, tokens),
 * and {@link io.finality.ethereum.devnet.Contracts} holds the test ERC-20 and RevertingReceiver creation code
 * (compiled from the committed Solidity; see {@code contracts/README.md} in this package's resources). Never used on
 * the production path, and never anything but loopback.
 */
package io.finality.ethereum.devnet;
