/**
 * Bitcoin Core's {@code blk*.dat} block files (magic, length, block; XOR-obfuscated since Core 28;
 * bz2 test files) read for rescans and imports, handing each block in place to the same scanner as
 * live blocks.
 */
package io.finality.bitcoin.blk;
