package io.finality.engine;

import io.finality.engine.policy.PolicyBook;

/** Lets tests in other packages use {@link PolicyDefaultsEngineTest}'s configuration. */
public final class PolicyDefaultsAccess {
    private PolicyDefaultsAccess() {
    }

    public static PolicyBook book() {
        return PolicyDefaultsEngineTest.book();
    }
}
