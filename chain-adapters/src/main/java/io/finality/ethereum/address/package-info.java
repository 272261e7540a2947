/** Ethereum addresses at the API edge: parsing with EIP-55 checksums ({@link io.finality.ethereum.address.EthereumAddress}). */
package io.finality.ethereum.address;
