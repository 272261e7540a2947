/**
 * Where a Bitcoin block is parsed: allocation-free flyweights over raw blocks and transactions
 * ({@link io.finality.bitcoin.scan.BlockFlyweight}, {@link io.finality.bitcoin.scan.TransactionFlyweight}),
 * output-script classification, and stage 1's {@link io.finality.bitcoin.scan.BitcoinBlockScanner}, which
 * probes every output script in the address index and records matches, txids and spent outpoints in the
 * ring slot. Bad input yields {@link io.finality.bitcoin.scan.ScanError} codes with offsets, never exceptions.
 */
package io.finality.bitcoin.scan;
