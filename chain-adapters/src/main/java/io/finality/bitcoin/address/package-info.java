/**
 * The API edge for Bitcoin addresses: networks ({@link io.finality.bitcoin.address.BitcoinNetwork}) and
 * address string to output script and back ({@link io.finality.bitcoin.address.BitcoinAddressCodec}),
 * with errors that name the rule that failed. Never used on the scan path.
 */
package io.finality.bitcoin.address;
