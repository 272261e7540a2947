package io.finality.engine;

import static io.finality.engine.EngineFixture.tx;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.finality.core.chain.ChainId;
import io.finality.core.config.YamlConfig;
import io.finality.core.event.InvoiceStatus;
import io.finality.core.ring.MatchList;
import io.finality.engine.policy.PolicyBook;
import io.finality.engine.policy.PolicyConfig;
import java.util.List;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

/** Invoices that name no policy get their chain and asset's default from the configuration. */
class PolicyDefaultsEngineTest {
    private static final ChainId ETH = ChainId.ETHEREUM_MAINNET;
    private static final byte[] USDC = io.finality.core.buffer.Hex.fromHex("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48");
    private static final long HOUR = 3_600_000L;

    static PolicyBook book() {
        return PolicyConfig.from(YamlConfig.parse("""
            policies:
              - { name: usdc-fast, confirmations: 2 }
              - { name: eth-5, confirmations: 5 }
            policy_defaults:
              - { chain: ethereum-mainnet, asset: USDC, policy: usdc-fast }
              - { chain: ethereum-mainnet, policy: eth-5 }
            """, "finality.yaml"));
    }

    @Test
    void shouldConfirmTwoInvoicesOnOneChainInDifferentAssetsAfterTheirOwnDefaultConfirmations() {
        final EngineFixture f = new EngineFixture(book());
        f.open(1, ETH, USDC, 1_000_000, "", HOUR).open(2, ETH, null, 1_000_000, "", HOUR).open(3, ETH, null, 1_000_000,
            "usdc-fast", HOUR);
        assertEquals("usdc-fast", f.engine.invoice(1).policy().name());
        assertEquals("eth-5", f.engine.invoice(2).policy().name());
        assertEquals("usdc-fast", f.engine.invoice(3).policy().name(), "a named policy wins over the defaults");
        assertEquals("usdc-fast", f.engine.invoice(1).spec().policyName(), "the resolved default is recorded");
        assertEquals("eth-5", f.engine.invoice(2).spec().policyName());
        f.newEvents();
        f.block(ETH, 100, 1, tx(10).pays(1, 0, 1_000_000, MatchList.FLAG_TOKEN, USDC), tx(11).pays(2, 0, 1_000_000),
            tx(12).pays(3, 0, 1_000_000));
        f.newEvents();
        f.block(ETH, 101, 2);
        assertEquals(List.of("INVOICE_CONFIRMED CONFIRMED", "INVOICE_CONFIRMED CONFIRMED"), f.newEvents(),
            "USDC (and the ETH invoice naming usdc-fast) confirm at 2 confirmations");
        assertEquals(InvoiceStatus.CONFIRMED, f.engine.invoice(1).status());
        assertEquals(InvoiceStatus.CONFIRMING, f.engine.invoice(2).status());
        f.block(ETH, 102, 3).block(ETH, 103, 4);
        assertEquals(List.of(), f.newEvents());
        f.block(ETH, 104, 5);
        assertEquals(List.of("INVOICE_CONFIRMED CONFIRMED"), f.newEvents(), "ETH confirms at 5 confirmations");
        assertEquals(InvoiceStatus.CONFIRMED, f.engine.invoice(2).status());
    }

    @Test
    void shouldKeepTheResolvedPolicyInASnapshotWhenTheDefaultsChange() {
        final EngineFixture f = new EngineFixture(book());
        f.open(1, ETH, USDC, 1_000_000, "", HOUR);
        final ExpandableArrayBuffer buf = new ExpandableArrayBuffer(1024);
        final int n = EngineSnapshot.write(f.engine, new EngineSnapshot.Position(1, 2, 3), buf);
        // The operator now maps USDC elsewhere: the open invoice keeps the policy it opened with.
        final PolicyBook changed = book().defaultFor(ETH, USDC, "eth-5");
        final InvoiceEngine restored = new InvoiceEngine(changed, new EventText.Recorder());
        EngineSnapshot.read(buf, n, restored);
        assertEquals("usdc-fast", restored.invoice(1).policy().name());
        assertEquals(EngineSnapshot.stateHash(f.engine), EngineSnapshot.stateHash(restored));
    }
}
