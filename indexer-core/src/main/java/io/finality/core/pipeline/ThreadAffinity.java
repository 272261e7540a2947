package io.finality.core.pipeline;

/**
 * Binds the calling thread to one CPU: how the pipeline pins its scan thread ({@link PipelineContext#scanCpu}) and a
 * scanner pins its probe helper ({@link PipelineContext#scanHelperCpu}) apart, so that the helper runs beside the scan
 * instead of being woken onto the scan thread's own CPU (docs/BENCHMARKS.md, "Probe helper"). The kernel has no native
 * code: the node supplies the implementation.
 *
 * <p>Thread rules: called on the thread to pin, once, as it starts.
 */
@FunctionalInterface
public interface ThreadAffinity {
    /**
     * Bind the calling thread to {@code cpu}.
     *
     * @throws IllegalStateException if the platform refused or the thread is not bound afterwards.
     */
    void pinCurrentThread(int cpu);

    /**
     * Pin the calling thread (named {@code thread} in the log) to {@code cpu} and log the outcome. A refusal costs
     * latency, not correctness, so it is logged as a warning and the thread runs on unpinned.
     */
    default void pinOrWarn(final int cpu, final String thread, final System.Logger log) {
        try {
            pinCurrentThread(cpu);
            log.log(System.Logger.Level.INFO, thread + " pinned to CPU " + cpu);
        } catch (final RuntimeException | LinkageError ex) {
            log.log(System.Logger.Level.WARNING, "could not pin the " + thread + " to CPU " + cpu + ": " + ex + "; it runs unpinned");
        }
    }
}
