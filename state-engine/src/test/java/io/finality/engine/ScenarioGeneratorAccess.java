package io.finality.engine;

/** Lets tests in sub-packages run the package-private scenario generator and its policies. */
public final class ScenarioGeneratorAccess {
    private ScenarioGeneratorAccess() {
    }

    public static void run(final long seed, final int steps, final ScenarioGenerator.Target target) {
        new ScenarioGenerator(seed, target).run(steps);
    }

    public static io.finality.engine.policy.PolicyBook policies() {
        return EngineMatchesReferenceModelTest.policies();
    }
}
