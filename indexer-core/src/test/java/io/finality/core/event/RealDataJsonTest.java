package io.finality.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.finality.core.amount.U128;
import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainId;
import io.finality.core.test.TestData;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The JSON rendering of events built from real mainnet data: hashes must come out exactly as the chain's
 * own tools print them (Bitcoin byte-reversed, Ethereum 0x as stored), amounts exactly as the source.
 */
class RealDataJsonTest {
    private final PaymentEventEncoder encoder = new PaymentEventEncoder();
    private final PaymentEventDecoder decoder = new PaymentEventDecoder();
    private final UnsafeBuffer record = new UnsafeBuffer(new byte[PaymentEventLayout.MAX_LENGTH]);

    private static byte[] doubleSha256(final byte[] data, final int offset, final int length) throws NoSuchAlgorithmException {
        final MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(data, offset, length);
        return sha.digest(sha.digest());
    }

    @Test
    void shouldRenderBitcoinBlockHashByteReversedAsBitcoinCoreShowsIt() throws Exception {
        // Mainnet block 0000000000013b8a... (MANIFEST.md): its header hash, and the 50 BTC coinbase output read from the block.
        final byte[] block = Hex.fromHex(new String(TestData.bytes("bitcoin/blocks/hex/rustbitcoin_block_13b8a.hex"),
            StandardCharsets.US_ASCII).trim());
        final byte[] hash = doubleSha256(block, 0, 80);
        final UnsafeBuffer blockBuffer = new UnsafeBuffer(block);
        // header 80 | tx count 1 | version 4 | 1 input: count 1, outpoint 36, script 1+7, sequence 4 | output count 1 | value
        final int valueOffset = 80 + 1 + 4 + 1 + 36 + 1 + 7 + 4 + 1;
        final long coinbaseValue = blockBuffer.getLong(valueOffset, ByteOrder.LITTLE_ENDIAN);
        final byte[] prevHash = new byte[32];
        System.arraycopy(block, 4, prevHash, 0, 32);

        encoder.wrap(record, 0).sequence(7).chain(ChainId.BITCOIN_MAINNET).eventType(PaymentEventType.PAYMENT_IN_BLOCK)
            .status(InvoiceStatus.CONFIRMING).previousStatus(InvoiceStatus.DETECTED).height(-1).confirmations(1).outputIndex(0)
            .paymentFlags(PaymentFlags.IN_BLOCK).blockHash(new UnsafeBuffer(hash), 0).txid(new UnsafeBuffer(prevHash), 0)
            .paymentAmount(new U128().set(coinbaseValue)).amountDue(new U128().set(coinbaseValue));
        assertEquals(EventRecord.OK, decoder.wrap(record, 0, encoder.encodedLength()));
        final Map<String, Object> json = MiniJson.parseObject(PaymentEventJson.render(decoder, new StringBuilder()).toString());

        assertEquals("0000000000013b8ab2cd513b0261a14096412195a72a0c4827d229dcc7e0f7af", json.get("blockHash"));
        assertEquals(Hex.toHex(Hex.reverse(prevHash.clone())), json.get("txid"));
        assertEquals("5000000000", json.get("paymentAmount"));
        assertEquals("50", json.get("paymentAmountDisplay"));
        assertEquals("bitcoin-mainnet", json.get("chain"));
        assertEquals("native", json.get("asset"));
        assertEquals(null, json.get("height"));
    }

    @Test
    void shouldRenderEthereumTokenTransferExactlyAsTheSourceData() throws Exception {
        // First decoded ERC-20 transfer of mainnet block 1755635 (ethereum-etl expected output).
        final String line = new String(TestData.bytes("ethereum/expected/etl_mainnet_1755634_1755635_expected_token_transfers.json"),
            StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
        final Map<String, Object> transfer = MiniJson.parseObject(line);
        final String txHash = (String)transfer.get("transaction_hash");
        final String blockHash = (String)transfer.get("block_hash");
        final String token = (String)transfer.get("token_address");
        final BigInteger value = (BigInteger)transfer.get("value");
        final long height = ((BigInteger)transfer.get("block_number")).longValue();
        final int logIndex = ((BigInteger)transfer.get("log_index")).intValue();
        final long timestampMs = ((BigInteger)transfer.get("block_timestamp")).longValue() * 1000;

        final byte[] eventId = new byte[16];
        for (int i = 0; i < 16; i++) {
            eventId[i] = (byte)i;
        }
        encoder.wrap(record, 0).sequence(42).eventId(new UnsafeBuffer(eventId), 0).timestampMs(timestampMs)
            .chain(ChainId.ETHEREUM_MAINNET).eventType(PaymentEventType.WRONG_ASSET_PAYMENT).status(InvoiceStatus.MANUAL_REVIEW)
            .previousStatus(InvoiceStatus.AWAITING_PAYMENT).height(height).confirmations(1).outputIndex(logIndex)
            .paymentFlags(PaymentFlags.IN_BLOCK | PaymentFlags.WRONG_ASSET)
            .blockHash(new UnsafeBuffer(Hex.fromHex(blockHash)), 0).txid(new UnsafeBuffer(Hex.fromHex(txHash)), 0)
            .assetContract(new UnsafeBuffer(Hex.fromHex(token)), 0)
            .paymentAmount(U128.fromBigInteger(value)).amountDue(U128.parseDecimal("12.5", 18));
        assertEquals(EventRecord.OK, encoder.invoiceId("inv-\"42\""));
        assertEquals(EventRecord.OK, encoder.orderId("order-7"));
        assertEquals(EventRecord.OK, encoder.reason("token " + token + " is not the invoice asset"));
        assertEquals(EventRecord.OK, decoder.wrap(record, 0, encoder.encodedLength()));
        final String rendered = PaymentEventJson.render(decoder, 18, new StringBuilder()).toString();
        final Map<String, Object> json = MiniJson.parseObject(rendered);

        assertEquals(txHash, json.get("txid"));
        assertEquals(blockHash, json.get("blockHash"));
        assertEquals(token, json.get("asset"));
        assertEquals(value.toString(), json.get("paymentAmount"));
        assertEquals("5", json.get("paymentAmountDisplay"));
        assertEquals(BigInteger.valueOf(height), json.get("height"));
        assertEquals(BigInteger.valueOf(logIndex), json.get("outputIndex"));
        assertEquals(List.of("IN_BLOCK", "WRONG_ASSET"), json.get("flags"));

        // Golden: the whole line, byte for byte (a format change must be deliberate and documented).
        assertEquals("{\"record\":\"PAYMENT_EVENT\",\"version\":1,\"sequence\":42,\"eventId\":\"000102030405060708090a0b0c0d0e0f\","
            + "\"timestampMs\":1466669562000,\"chain\":\"ethereum-mainnet\",\"type\":\"WRONG_ASSET_PAYMENT\",\"fulfilSafe\":false,"
            + "\"alarm\":false,\"status\":\"MANUAL_REVIEW\",\"previousStatus\":\"AWAITING_PAYMENT\",\"height\":1755635,"
            + "\"confirmations\":1,\"outputIndex\":0,\"flags\":[\"IN_BLOCK\",\"WRONG_ASSET\"],"
            + "\"blockHash\":\"0x1dec87ec1ba8e65b7773bb6f62249468948a28a427efd3d896a2ff7d7c591a67\","
            + "\"txid\":\"0x2e3dcd051a91d3a694f6b8de2ac4b5fe7acdba55f58bcf8471ff00d4a430074d\","
            + "\"asset\":\"0xbb9bc244d798123fde783fcc1c72d3bb8c189413\","
            + "\"paymentAmount\":\"5000000000000000000\",\"paymentAmountDisplay\":\"5\","
            + "\"amountDue\":\"12500000000000000000\",\"amountDueDisplay\":\"12.5\","
            + "\"receivedTotal\":\"0\",\"receivedTotalDisplay\":\"0\",\"confirmedTotal\":\"0\",\"confirmedTotalDisplay\":\"0\","
            + "\"invoiceId\":\"inv-\\\"42\\\"\",\"orderId\":\"order-7\",\"correlationId\":\"\","
            + "\"reason\":\"token 0xbb9bc244d798123fde783fcc1c72d3bb8c189413 is not the invoice asset\"}", rendered);
    }
}
